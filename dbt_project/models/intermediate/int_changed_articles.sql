-- One row per article whose rows this build replaces in the article-level models: the articles
-- of the batches it loaded (every article on a full refresh), and the articles a reviewer's
-- decision names now (int_correction_matches) or named at the last build (the last build's
-- review_corrections: every decision it matched, the articles of rejected figures too), so that
-- a correction or a rejection added, changed or removed takes effect without a full refresh.
-- Decisions are few: re-reading their articles each build is cheap, and no fact table is scanned.
{% set previous_decisions = previous_relation('marts', 'review_corrections') %}
select
    article_id,
    batch_id,
    status
from {{ ref('stg_news__articles') }}
where batch_id in (
    select batch_id from {{ ref('stg_news__batches') }} where invocation_id = '{{ invocation_id }}'
)
or article_id in (select article_id from {{ ref('int_correction_matches') }} where article_id is not null)
{% if previous_decisions is not none %}
or article_id in (select article_id from {{ previous_decisions }} where article_id is not null)
{% endif %}
