{{ config(
    materialized='incremental', incremental_strategy='append',
    pre_hook="{{ delete_replaced('article_id', ref('int_changed_articles')) }}"
) }}
-- depends_on: {{ ref('int_changed_articles') }}
-- One row per fact of a kept article (as corrected by reviewers: int_facts_corrected), with the article's provenance, the place's unit (its
-- dim_area key and the province it lies in today) and the observation it reports. A build
-- replaces the facts of the articles it loaded (int_changed_articles), after int_facts_replaced
-- has kept the observations of the facts it removes.
-- depends_on: {{ ref('int_facts_replaced') }}
with facts as (
    -- the facts with the reviewers' corrections applied and their rejected figures left out
    select * from {{ ref('int_facts_corrected') }}
    {% if is_incremental() %}
    where article_id in (select article_id from {{ ref('int_changed_articles') }})
    {% endif %}
),

articles as (
    select * from {{ ref('stg_news__articles') }}
    where status = 'kept'
    {% if is_incremental() %}
    and article_id in (select article_id from {{ ref('int_changed_articles') }})
    {% endif %}
),

joined as (
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
    f.area_valid_from,
    case when f.area_code is not null
        then f.area_level || ':' || f.area_code || ':' || strftime(f.area_valid_from, '%Y-%m-%d')
    end as area_key,
    f.area_status,
    area.province_code_today,
    area.province_name_today,
    f.period_start,
    f.period_end,
    f.period_basis,
    f.group_code,
    f.sentence,
    f.span_start,
    f.span_end,
    -- the figure as printed: with the URL and span_start, what a reviewer's decision names
    substring(a.article_text, f.span_start + 1, f.span_end - f.span_start) as figure_text,
    f.mention_count,
    a.url,
    a.source_name,
    a.published_on,
    f.extractor_version,
    f.confidence,
    f.confidence_reasons,
    f.is_corrected,
    f.is_reviewed,
    f.corrected_fields,
    f.correction_note
from facts as f
inner join articles as a using (article_id)
left join {{ ref('dim_area') }} as area
    on area.area_level = f.area_level and area.area_code = f.area_code and area.valid_from = f.area_valid_from
),

keyed as (
    select
        *,
        concat_ws('|',
            fact_table, metric, unit,
            coalesce(area_level, '-'),
            coalesce(area_key, area_name, '-'),
            coalesce(cast(period_start as varchar), '-'),
            coalesce(cast(period_end as varchar), '-'),
            coalesce(group_code, '-')
        ) as observation_key
    from joined
)

-- Reports of one figure in different articles share an observation. Within one article the
-- extractor has already merged every mention of a figure, so two facts of one article with the
-- same key are two figures (a 200.000 and a 400.000 đồng gift): they are numbered apart.
select
    * exclude (observation_key),
    md5(observation_key || '#' || row_number() over (partition by observation_key, article_id order by value, fact_id)) as observation_id
from keyed
