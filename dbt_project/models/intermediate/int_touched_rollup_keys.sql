-- One row per (metric, unit, group, period) whose province roll-up this build recomputes: those
-- of the loaded articles' facts and of the facts they replace. Empty on a full refresh, which
-- rolls everything up.
select distinct metric, unit, group_code, period_start, period_end
from (
    select metric, unit, group_code, period_start, period_end from {{ ref('int_facts_replaced') }}
    union all
    select metric, unit, group_code, period_start, period_end
    from {{ ref('int_facts_joined') }}
    where article_id in (select article_id from {{ ref('int_changed_articles') }})
) as keys
{% if flags.FULL_REFRESH %}
where false
{% endif %}
