-- One row per article page request: URL, outcome and reason, typed from the fetch log.
select
    json ->> 'run_id' as run_id,
    json ->> 'source' as source_name,
    json ->> 'key' as page_key,
    json ->> 'url' as url,
    json ->> 'final_url' as final_url,
    cast(json ->> 'status' as integer) as http_status,
    cast(json ->> 'fetched_at' as timestamptz) as fetched_at,
    json ->> 'sha256' as raw_sha256,
    json ->> 'error' as error,
    cast(json ->> 'retryable' as boolean) as retryable,
    json ->> 'content_type' as content_type,
    cast(json ->> 'bytes' as bigint) as bytes
from {{ source('staged', 'fetch_log') }}
