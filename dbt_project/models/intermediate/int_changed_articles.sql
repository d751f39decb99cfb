-- One row per article whose rows this build replaces in the article-level models: the articles
-- of the batches it loaded (every article on a full refresh), and the articles a reviewer's
-- decision names now or named at the last build (int_correction_matches; is_reviewed in the
-- last build's int_facts_joined), so that a correction added, changed or removed takes effect
-- without a full refresh. Decisions are few: re-reading their articles each build is cheap.
{% set previous = previous_relation('intermediate', 'int_facts_joined') %}
select
    article_id,
    batch_id,
    status
from {{ ref('stg_news__articles') }}
where batch_id in (
    select batch_id from {{ ref('stg_news__batches') }} where invocation_id = '{{ invocation_id }}'
)
or article_id in (select article_id from {{ ref('int_correction_matches') }} where article_id is not null)
{% if previous is not none %}
or article_id in (select article_id from {{ previous }} where is_reviewed)
{% endif %}
