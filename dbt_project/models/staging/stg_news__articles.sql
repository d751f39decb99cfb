{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='article_id') }}
-- One row per staged article (its row of the latest batch): metadata and text, typed (the facts
-- are unnested in stg_news__facts). A build inserts the articles of the batches it reads and
-- replaces their earlier rows.
select
    article_id,
    batch_id,
    page_key,
    url,
    final_url,
    source as source_name,
    source_province,
    title,
    cast(published as date) as published_on,
    published_source,
    author,
    cast(fetched_at as timestamptz) as fetched_at,
    raw_sha256,
    status,
    skip_reason,
    cut_reason,
    topic_hits,
    extractor_version,
    cast(extracted_at as timestamptz) as extracted_at,
    text as article_text
from {{ ref('stg_news__arrivals') }}
where is_current
