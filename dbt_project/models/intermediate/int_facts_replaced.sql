-- One row per fact that this build removes from int_facts_joined: the facts, as the last build
-- left them, of the articles staged again, with the observation each supported. Read before
-- int_facts_joined changes, so that the observations an article no longer reports are
-- recomputed too. Empty on a full refresh and on the first build.
-- depends_on: {{ ref('int_changed_articles') }}
{% set previous = previous_relation('intermediate', 'int_facts_joined') %}
{% if previous is not none %}
select fact_id, article_id, observation_id, metric, unit, group_code, period_start, period_end
from {{ previous }}
where article_id in (select article_id from {{ ref('int_changed_articles') }})
{% else %}
select
    cast(null as varchar) as fact_id,
    cast(null as varchar) as article_id,
    cast(null as varchar) as observation_id,
    cast(null as varchar) as metric,
    cast(null as varchar) as unit,
    cast(null as varchar) as group_code,
    cast(null as date) as period_start,
    cast(null as date) as period_end
where false
{% endif %}
