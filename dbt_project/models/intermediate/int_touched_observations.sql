-- One row per observation this build recomputes: those the loaded articles' facts report now
-- and those their replaced facts reported (int_facts_replaced). Empty on a full refresh, which
-- computes every observation.
select observation_id from {{ ref('int_facts_replaced') }}
union
select observation_id
from {{ ref('int_facts_joined') }}
where article_id in (select article_id from {{ ref('int_changed_articles') }})
{% if flags.FULL_REFRESH %}
  and false
{% endif %}
