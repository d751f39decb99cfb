-- One row per article this build loaded (from the batches it read; every article on a full
-- refresh): the articles whose rows the article-level models replace.
select
    article_id,
    batch_id,
    status
from {{ ref('stg_news__articles') }}
where batch_id in (
    select batch_id from {{ ref('stg_news__batches') }} where invocation_id = '{{ invocation_id }}'
)
