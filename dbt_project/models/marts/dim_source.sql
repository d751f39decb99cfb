-- One row per news source that has at least one article in the warehouse.
select
    source_name,
    any_value(source_province) as province,
    count(*) as articles_fetched,
    count(*) filter (where status = 'kept') as articles_kept,
    min(published_on) as first_published_on,
    max(published_on) as last_published_on
from {{ ref('stg_news__articles') }}
group by source_name
