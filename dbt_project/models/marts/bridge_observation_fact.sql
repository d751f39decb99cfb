-- One row per fact (a figure as one article states it) with the observation it supports:
-- every report of every observation, with its own value, article, sentence and span, its
-- confidence, and the reviewers' correction of it (a rejected report is not here: see
-- review_corrections).
with observations as (
    select observation_id, fact_id as chosen_fact_id, has_conflict from {{ ref('int_observations') }}
),

facts as (
    select * from {{ ref('int_facts_joined') }}
)

select
    f.observation_id,
    f.fact_id,
    f.fact_id = o.chosen_fact_id as is_chosen,
    f.fact_table,
    f.value,
    f.qualifier,
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
