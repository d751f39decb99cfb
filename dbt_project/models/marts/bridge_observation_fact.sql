{{ config(
    materialized='incremental', incremental_strategy='append',
    pre_hook="{{ delete_replaced('observation_id', ref('int_touched_observations')) }}"
) }}
-- depends_on: {{ ref('int_touched_observations') }}
-- One row per fact (a figure as one article states it) with the observation it supports:
-- every report of every observation, with its own value, article, sentence and span, its
-- confidence, the reviewers' correction of it (a rejected report is not here: see
-- review_corrections), and the observation's metric, place and period, so that reports can be
-- compared without a join. A build replaces the reports of the observations it touched.
with observations as (
    select observation_id, fact_id as chosen_fact_id, has_conflict
    from {{ ref('int_observations') }}
    {% if is_incremental() %}
    where observation_id in (select observation_id from {{ ref('int_touched_observations') }})
    {% endif %}
),

facts as (
    select * from {{ ref('int_facts_joined') }}
    {% if is_incremental() %}
    where observation_id in (select observation_id from {{ ref('int_touched_observations') }})
    {% endif %}
)

select
    f.observation_id,
    f.fact_id,
    f.fact_id = o.chosen_fact_id as is_chosen,
    o.has_conflict,
    f.fact_table,
    f.metric,
    f.value,
    f.unit,
    f.qualifier,
    f.area_name,
    f.area_level,
    f.area_code,
    f.area_key,
    f.province_code_today,
    f.province_name_today,
    f.period_start,
    f.period_end,
    f.group_code,
    f.article_id,
    f.url,
    f.source_name,
    f.published_on,
    f.sentence,
    f.span_start,
    f.span_end,
    f.figure_text,
    f.mention_count,
    f.extractor_version,
    -- the report's own confidence, lowered as its observation's is when the reports disagree
    round(f.confidence * case when o.has_conflict then {{ var('conflict_confidence_weight') }} else 1 end, 3) as confidence,
    nullif(concat_ws('; ',
        nullif(f.confidence_reasons, ''),
        case when o.has_conflict then 'reports of this figure disagree' end
    ), '') as confidence_reasons,
    f.is_corrected,
    f.is_reviewed,
    f.corrected_fields,
    f.correction_note
from facts as f
inner join observations as o using (observation_id)
