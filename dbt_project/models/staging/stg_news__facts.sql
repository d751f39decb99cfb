{{ config(
    materialized='incremental', incremental_strategy='append',
    pre_hook="{{ delete_replaced('article_id', ref('stg_news__arrivals')) }}"
) }}
-- One row per fact of a staged article (its latest batch), fields renamed and cast, nothing
-- else. A build replaces every fact of the articles it reads again, also when an article now
-- has fewer facts or none.
with exploded as (
    select
        article_id,
        batch_id,
        extractor_version,
        generate_subscripts(facts, 1) as fact_index,
        unnest(facts) as fact
    from {{ ref('stg_news__arrivals') }}
    where is_current
)

select
    article_id || '-' || lpad(cast(fact_index as varchar), 4, '0') as fact_id,
    article_id,
    batch_id,
    fact_index,
    fact.fact_table as fact_table,
    fact.metric as metric,
    fact.value as value,
    fact.unit as unit,
    fact.qualifier as qualifier,
    fact.area as area_name,
    fact.area_level as area_level,
    {{ area_code_text('fact.area_code', 'fact.area_level') }} as area_code,
    cast(fact.area_valid_from as date) as area_valid_from,
    fact.area_status as area_status,
    cast(fact.period_start as date) as period_start,
    cast(fact.period_end as date) as period_end,
    fact.period_basis as period_basis,
    fact."group" as group_code,
    fact.sentence as sentence,
    fact.span[1] as span_start,
    fact.span[2] as span_end,
    cast(len(fact.mentions) as integer) as mention_count,
    to_json(fact.mentions) as mentions,
    -- null in batches staged before the extractor gave confidences (they are re-extracted when
    -- the extractor version changes)
    fact.confidence as confidence,
    array_to_string(fact.confidence_reasons, '; ') as confidence_reasons,
    extractor_version
from exploded
