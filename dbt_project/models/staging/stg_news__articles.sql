-- One row per staged article: metadata and text, typed (the facts are unnested in stg_news__facts).
select
    json ->> 'article_id' as article_id,
    json ->> 'url' as url,
    json ->> 'final_url' as final_url,
    json ->> 'source' as source_name,
    json ->> 'source_province' as source_province,
    json ->> 'title' as title,
    cast(json ->> 'published' as date) as published_on,
    json ->> 'published_source' as published_source,
    json ->> 'author' as author,
    cast(json ->> 'fetched_at' as timestamptz) as fetched_at,
    json ->> 'raw_sha256' as raw_sha256,
    json ->> 'status' as status,
    json ->> 'skip_reason' as skip_reason,
    cast(json ->> 'topic_hits' as integer) as topic_hits,
    json ->> 'extractor_version' as extractor_version,
    cast(json ->> 'extracted_at' as timestamptz) as extracted_at,
    json ->> 'text' as article_text
from {{ source('staged', 'articles') }}
