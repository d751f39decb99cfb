{{ config(severity='warn') }}
-- Freshness, from the built tables rather than a scan of the landing zone: warns when the
-- newest staged article was extracted more than a week ago (a scraper gone quiet).
select max(last_extracted_at) as last_extracted_at
from {{ ref('stg_news__batches') }}
having max(last_extracted_at) < current_timestamp - interval 7 day
