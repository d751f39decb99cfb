-- A period never ends before it starts (the facts this build wrote: build_scope).
select fact_id, period_start, period_end
from {{ ref('int_facts_joined') }}
where period_start > period_end
  and {{ build_scope('article') }}
