-- Each observation has exactly one chosen report, and its value is that report's value (the
-- observations this build wrote: build_scope).
select o.observation_id
from (select * from {{ ref('int_observations') }} where {{ build_scope('observation') }}) as o
left join {{ ref('bridge_observation_fact') }} as b
    on b.observation_id = o.observation_id and b.is_chosen
group by o.observation_id, o.value
having count(b.fact_id) != 1 or any_value(b.value) != o.value
