-- Question: which figures do the articles disagree on, what does each report say, and which one
--   does the warehouse show? (A review list: read the sentences, decide, correct the source.)
-- Grain: one row per report (fact) of an observation whose reports differ by more than 0.5 %
--   (has_conflict), with the observation's place, period and group, the report's own value,
--   qualifier, sentence and URL, and whether it is the report the fact tables show (is_chosen).
-- Variables: include_agreeing (default false): true lists every observation reported by more
--   than one fact, agreeing or not (to see which figures are corroborated).
-- Caveats:
--   * The value a fact table shows is the chosen report's (exact over qualified, then the most
--     recent, then the most printed), never an average; this list shows the others beside it.
--   * Reports that differ only within 0.5 % (rounding: "gần 9.300" and "9.289") are not conflicts.
--   * Two different figures are only compared when the extractor gave them the same metric, unit,
--     place, period and group: a report dated by publication (period_basis publication_date) and
--     one with a stated period are two observations, never a conflict, even if they describe the
--     same thing.
--   * spread_pct = (largest - smallest) / largest value of the observation's reports, in percent.
{%- set include_agreeing = var('include_agreeing', false) %}

with observations as (
    {%- for fact_table, model in [('households', 'fct_households'), ('loans', 'fct_loans'), ('insurance_cards', 'fct_insurance_cards'), ('allowances', 'fct_allowances'), ('other', 'fct_other_indicators')] %}
    select
        '{{ fact_table }}' as fact_table,
        observation_id, metric, unit, area_name, area_level, area_status, province_name_today,
        period_start, period_end, period_basis, group_code, value as chosen_value, has_conflict,
        support_facts, support_articles
    from {{ ref(model) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

flagged as (
    select *
    from observations
    {%- if include_agreeing %}
    where support_facts > 1
    {%- else %}
    where has_conflict
    {%- endif %}
)

select
    o.fact_table,
    o.metric,
    o.unit,
    o.area_name,
    o.area_level,
    o.province_name_today,
    o.period_start,
    o.period_end,
    o.period_basis,
    o.group_code,
    o.observation_id,
    o.has_conflict,
    o.support_facts,
    o.support_articles,
    o.chosen_value,
    round(100 * (max(b.value) over w - min(b.value) over w) / nullif(greatest(abs(max(b.value) over w), abs(min(b.value) over w)), 0), 2) as spread_pct,
    b.is_chosen,
    b.value,
    b.qualifier,
    b.published_on,
    b.source_name,
    b.sentence,
    b.url,
    b.fact_id
from flagged as o
inner join {{ ref('bridge_observation_fact') }} as b using (observation_id)
window w as (partition by o.observation_id)
order by o.fact_table, o.metric, o.province_name_today, o.area_name, o.period_start, o.observation_id, b.is_chosen desc, b.published_on desc nulls last, b.fact_id
