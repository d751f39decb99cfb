-- One row per fact (a figure as one article states it) with the observation it supports:
-- every report of every observation, with its own value, article, sentence and span.
with observations as (
    select observation_id, fact_id as chosen_fact_id from {{ ref('int_observations') }}
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
    f.mention_count,
    f.extractor_version
from facts as f
inner join observations as o using (observation_id)
