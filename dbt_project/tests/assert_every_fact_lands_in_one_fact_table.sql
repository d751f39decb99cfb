-- Every fact of a kept article supports exactly one observation, and every observation is in
-- exactly one of the five fact tables: none lost, none twice. (The facts and observations this
-- build wrote: build_scope.)
with landed as (
    select observation_id from {{ ref('fct_households') }}
    union all select observation_id from {{ ref('fct_loans') }}
    union all select observation_id from {{ ref('fct_insurance_cards') }}
    union all select observation_id from {{ ref('fct_allowances') }}
    union all select observation_id from {{ ref('fct_other_indicators') }}
),

per_fact as (
    select f.fact_id, count(b.observation_id) as observations
    from (select * from {{ ref('int_facts_joined') }} where {{ build_scope('article') }}) as f
    left join {{ ref('bridge_observation_fact') }} as b using (fact_id)
    group by f.fact_id
)

select 'fact ' || fact_id as problem from per_fact where observations != 1
union all
select 'observation ' || o.observation_id
from (select * from {{ ref('int_observations') }} where {{ build_scope('observation') }}) as o
left join landed as l using (observation_id)
group by o.observation_id
having count(l.observation_id) != 1
