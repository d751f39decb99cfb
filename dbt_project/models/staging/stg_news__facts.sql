-- One row per fact of a staged article, fields renamed and cast, nothing else.
with exploded as (
    select
        json ->> 'article_id' as article_id,
        json ->> 'extractor_version' as extractor_version,
        generate_subscripts(cast(json -> 'facts' as json[]), 1) as fact_index,
        unnest(cast(json -> 'facts' as json[])) as fact
    from {{ source('staged', 'articles') }}
)

select
    article_id || '-' || lpad(cast(fact_index as varchar), 4, '0') as fact_id,
    article_id,
    fact_index,
    fact ->> 'fact_table' as fact_table,
    fact ->> 'metric' as metric,
    cast(fact ->> 'value' as double) as value,
    fact ->> 'unit' as unit,
    fact ->> 'qualifier' as qualifier,
    fact ->> 'area' as area_name,
    fact ->> 'area_level' as area_level,
    cast(fact ->> 'area_code' as integer) as area_code,
    cast(fact ->> 'area_valid_from' as date) as area_valid_from,
    fact ->> 'area_status' as area_status,
    cast(fact ->> 'period_start' as date) as period_start,
    cast(fact ->> 'period_end' as date) as period_end,
    fact ->> 'period_basis' as period_basis,
    fact ->> 'group' as group_code,
    fact ->> 'sentence' as sentence,
    cast(fact -> 'span' ->> 0 as integer) as span_start,
    cast(fact -> 'span' ->> 1 as integer) as span_end,
    json_array_length(fact -> 'mentions') as mention_count,
    fact -> 'mentions' as mentions,
    -- null in files staged before the extractor gave confidences (they are re-extracted when
    -- the extractor version changes)
    cast(fact ->> 'confidence' as double) as confidence,
    array_to_string(cast(fact -> 'confidence_reasons' as varchar[]), '; ') as confidence_reasons,
    extractor_version
from exploded
