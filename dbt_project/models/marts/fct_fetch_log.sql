-- One row per article page request, with its outcome: the record of what the scraper did and why
-- a page is missing (404, timeout, not HTML, robots.txt ...), and whether it will be tried again.
with fetches as (
    select * from {{ ref('stg_news__fetches') }}
),

latest as (
    select page_key, max(fetched_at) as last_fetched_at
    from fetches
    group by page_key
)

select
    f.run_id,
    f.source_name,
    f.page_key,
    f.url,
    f.final_url,
    f.http_status,
    f.fetched_at,
    case
        when f.error is null and f.raw_sha256 is not null then 'stored'
        when f.retryable then 'failed_will_retry'
        else 'failed_given_up'
    end as outcome,
    f.error,
    f.retryable,
    f.fetched_at = l.last_fetched_at as is_latest_attempt,
    f.raw_sha256,
    f.content_type,
    f.bytes
from fetches as f
inner join latest as l using (page_key)
