-- One row per fetched article, kept or skipped, with why it was skipped.
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
    topic_hits,
    extractor_version,
    extracted_at,
    article_text
from {{ ref('stg_news__articles') }}
