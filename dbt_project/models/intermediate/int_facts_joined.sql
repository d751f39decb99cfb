-- One row per fact of a kept article, with the article's provenance beside it.
select
    f.fact_id,
    f.article_id,
    f.fact_table,
    f.metric,
    f.value,
    f.unit,
    f.qualifier,
    f.area_name,
    f.area_level,
    f.area_code,
    f.area_status,
    f.period_start,
    f.period_end,
    f.period_basis,
    f.group_code,
    f.sentence,
    f.span_start,
    f.span_end,
    f.mention_count,
    a.url,
    a.source_name,
    a.published_on,
    f.extractor_version
from {{ ref('stg_news__facts') }} as f
inner join {{ ref('stg_news__articles') }} as a using (article_id)
where a.status = 'kept'
