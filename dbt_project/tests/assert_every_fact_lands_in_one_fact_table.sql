-- Every fact of a kept article is in exactly one of the five fact tables: none lost, none twice.
with landed as (
    select fact_id from {{ ref('fct_households') }}
    union all select fact_id from {{ ref('fct_loans') }}
    union all select fact_id from {{ ref('fct_insurance_cards') }}
    union all select fact_id from {{ ref('fct_allowances') }}
    union all select fact_id from {{ ref('fct_other_indicators') }}
)

select f.fact_id, count(l.fact_id) as copies
from {{ ref('int_facts_joined') }} as f
left join landed as l using (fact_id)
group by f.fact_id
having count(l.fact_id) != 1
