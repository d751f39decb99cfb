-- A period never ends before it starts.
select fact_id, period_start, period_end
from {{ ref('int_facts_joined') }}
where period_start > period_end
