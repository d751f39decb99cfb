{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='article_id') }}
-- depends_on: {{ ref('int_changed_articles') }}
-- One row per fetched article, kept or skipped, with why it was skipped. A build replaces the
-- rows of the articles it loaded.
select
    article_id,
    url,
    final_url,
    source_name,
    title,
    published_on,
    published_source,
    author,
    fetched_at,
    raw_sha256,
    status,
    skip_reason,
    cut_reason,
    topic_hits,
    extractor_version,
    extracted_at,
    article_text
from {{ ref('stg_news__articles') }}
{% if is_incremental() %}
where article_id in (select article_id from {{ ref('int_changed_articles') }})
{% endif %}
