{{ config(
    materialized='incremental', incremental_strategy='append',
    pre_hook="{{ delete_replaced('observation_id', ref('int_touched_observations')) }}"
) }}
-- depends_on: {{ ref('int_touched_observations') }}
-- One row per observation: a figure (fact_table, metric, unit, place, period, group) however many
-- articles report it, with the report chosen to stand for it and its support.
--
-- Conflict rule (documented in the docs site): reports of one observation whose values differ
-- by more than 0.5 % (the scorer's tolerance) are a conflict. They are all kept in
-- bridge_observation_fact and flagged here, never averaged. The value shown is the chosen
-- report's: an exact figure over a qualified one ("hơn", "khoảng"), then the most recent
-- publication, then the report printed most often, then the smallest fact_id (a stable tie-break).
-- A report a reviewer checked (accepted or corrected) goes before all of these: the reviewer has
-- settled the figure.
--
-- Confidence of an observation: its chosen report's (the extractor's, extract/confidence.py),
-- times var('conflict_confidence_weight') when its reports disagree, with the reason added.
--
-- A build recomputes only the observations it touched (int_touched_observations), from every
-- report of them.
with facts as (
    select * from {{ ref('int_facts_joined') }}
    {% if is_incremental() %}
    where observation_id in (select observation_id from {{ ref('int_touched_observations') }})
    {% endif %}
),

ranked as (
    select
        *,
        row_number() over (
            partition by observation_id
            order by is_reviewed desc, (qualifier = 'exact') desc, published_on desc nulls last, mention_count desc, fact_id
        ) as report_rank
    from facts
),

support as (
    select
        observation_id,
        count(*) as support_facts,
        count(distinct article_id) as support_articles,
        cast(sum(mention_count) as bigint) as support_mentions,
        min(value) as min_value,
        max(value) as max_value,
        count(distinct value) as distinct_values,
        bool_or(is_corrected) as is_corrected,
        bool_or(is_reviewed) as is_reviewed
    from facts
    group by observation_id
),

chosen as (
select
    r.observation_id,
    r.fact_table,
    r.metric,
    r.value,
    r.unit,
    r.qualifier,
    r.area_name,
    r.area_level,
    r.area_code,
    r.area_valid_from,
    r.area_key,
    r.area_status,
    r.province_code_today,
    r.province_name_today,
    r.period_start,
    r.period_end,
    r.period_basis,
    r.group_code,
    s.support_facts,
    s.support_articles,
    s.support_mentions,
    s.distinct_values,
    s.max_value - s.min_value > 0.005 * greatest(abs(s.max_value), abs(s.min_value)) as has_conflict,
    s.is_corrected,
    s.is_reviewed,
    r.fact_id,
    r.article_id,
    r.url,
    r.sentence,
    r.span_start,
    r.span_end,
    r.source_name,
    r.published_on,
    r.extractor_version,
    r.confidence as extractor_confidence,
    r.confidence_reasons as extractor_confidence_reasons
from ranked as r
inner join support as s using (observation_id)
where r.report_rank = 1
),

scored as (
    select
        * exclude (extractor_confidence, extractor_confidence_reasons),
        round(extractor_confidence * case when has_conflict then {{ var('conflict_confidence_weight') }} else 1 end, 3) as confidence,
        nullif(concat_ws('; ',
            nullif(extractor_confidence_reasons, ''),
            case when has_conflict then 'reports of this figure disagree (' || distinct_values || ' values)' end
        ), '') as confidence_reasons
    from chosen
)

select * from scored
