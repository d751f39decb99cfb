-- One row per report (fact) no reviewer has decided on yet, in the order most worth a look:
-- first the reports of figures whose reports disagree and that no reviewer has settled (no
-- report of the figure accepted or corrected), then the lowest confidence, then the biggest
-- values (an error there costs most), then fact_id. `asxh review` lists this table; each row
-- has the sentence with the figure marked [[like this]], its URL and what the extractor decided.
with facts as (
    select * from {{ ref('int_facts_joined') }} where not is_reviewed
),

observations as (
    select observation_id, has_conflict, is_reviewed as observation_reviewed, distinct_values
    from {{ ref('int_observations') }}
),

-- the values every report of a disagreeing figure gives, to show beside each of them
values_reported as (
    select observation_id, string_agg(distinct regexp_replace(cast(value as varchar), '\.0$', ''), ' | ' order by regexp_replace(cast(value as varchar), '\.0$', '')) as reported_values
    from {{ ref('int_facts_joined') }}
    group by observation_id
),

located as (
    select
        f.*,
        o.has_conflict,
        o.observation_reviewed,
        o.distinct_values,
        v.reported_values,
        -- where the sentence starts in the article text: it contains the span, so it starts
        -- no earlier than span_end - its length (1-based search start)
        greatest(1, f.span_end - length(f.sentence) + 1) as search_from,
        a.article_text
    from facts as f
    inner join observations as o using (observation_id)
    inner join values_reported as v using (observation_id)
    inner join {{ ref('dim_article') }} as a using (article_id)
),

placed as (
    select
        *,
        coalesce(
            -- the figure's offset in its sentence, from the sentence's place in the article ...
            case when strpos(substring(article_text, search_from, 2 * length(sentence)), sentence) > 0
                 then span_start - (search_from - 1 + strpos(substring(article_text, search_from, 2 * length(sentence)), sentence) - 1)
            end,
            -- ... or, for a sentence built from a table row, the figure's first printing in it
            nullif(strpos(sentence, figure_text), 0) - 1
        ) as offset_in_sentence
    from located
),

checked as (
    select
        * exclude (offset_in_sentence),
        case when offset_in_sentence between 0 and length(sentence) - length(figure_text)
             and substring(sentence, offset_in_sentence + 1, length(figure_text)) = figure_text
             then offset_in_sentence end as offset_in_sentence
    from placed
),

scored as (
    select
        *,
        has_conflict and not observation_reviewed as open_conflict,
        round(coalesce(confidence, 0) * case when has_conflict then {{ var('conflict_confidence_weight') }} else 1 end, 3) as review_confidence
    from checked
)

select
    row_number() over (order by open_conflict desc, review_confidence, abs(value) desc, fact_id) as review_rank,
    case when open_conflict then 'conflict: the reports give ' || reported_values
         else 'confidence ' || review_confidence end as review_reason,
    open_conflict as has_open_conflict,
    review_confidence as confidence,
    nullif(concat_ws('; ',
        nullif(confidence_reasons, ''),
        case when confidence is null then 'no confidence from the extractor (staged by an older version)' end,
        case when has_conflict then 'reports of this figure disagree' end
    ), '') as confidence_reasons,
    fact_id,
    observation_id,
    fact_table,
    metric,
    value,
    unit,
    qualifier,
    area_name,
    area_level,
    area_status,
    province_name_today,
    period_start,
    period_end,
    period_basis,
    group_code,
    figure_text,
    span_start as position,
    sentence,
    case when offset_in_sentence is not null
         then left(sentence, offset_in_sentence) || '[[' || figure_text || ']]' || substring(sentence, offset_in_sentence + length(figure_text) + 1)
         else sentence end as sentence_marked,
    url,
    source_name,
    published_on,
    extractor_version
from scored
order by review_rank
