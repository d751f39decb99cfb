-- Question: what was the poverty rate of one place (a district, a commune, a province) over the
--   years, and where does each value come from?
-- Grain: one row per report of a poverty rate of the chosen place: each article that states the
--   figure, with its own value, sentence, figure as printed and URL. Rows sharing an
--   observation_id are one figure (metric, place, period, group) reported by several articles,
--   agreeing (corroboration) or not (has_conflict); is_chosen marks the report the fact table
--   shows (observation_value). Filter on is_chosen for one row per figure.
-- Variables (dbt compile --vars '{area_name: "Tam Dương", area_level: district}'):
--   area_name       the place, without its prefix (default Vĩnh Tường); matched case-insensitively
--                   after Unicode NFC; names are stored with modern tone placement (Hòa, not Hoà)
--   area_level      province, district or commune; default: any level
--   province_today  one of today's 34 provinces, to tell apart places of the same name; default: any
--   poverty_metrics default [poor_household_rate, multidimensional_poverty_rate]
-- Caveats:
--   * Rates are never added or averaged: each row is one figure as one article states it. Where
--     articles disagree (has_conflict), observation_value is the chosen report's value (exact
--     over qualified, then the most recent), not an average; read the sentences to decide.
--   * year is the calendar year the figure's period lies in (via dim_date); it is null where the
--     period spans several years or is unknown.
--   * period_basis = publication_date: the article states no time, so the figure is dated by its
--     publication (it may describe an earlier, unstated period).
--   * The place is matched by name as stored: figures of the same ground under another name (a
--     district merged in the 2025 reform, communes merged in 2019-2020) are not included, and a
--     name shared by several places returns all of them (see area_level, province_name_today).
--   * A "poverty rate" recorded for the near-poor group is a near-poverty rate (the extractor may
--     label "x hộ cận nghèo, chiếm y%" so): it is left out.
--   * The poverty line changed (income-based for 2011-2015, multidimensional from 2016 and again
--     from 2022): rates under different standards are not strictly comparable; the sentence
--     says which standard, where the article does.
{%- set area_name = var('area_name', 'Vĩnh Tường') %}
{%- set area_level = var('area_level', none) %}
{%- set province_today = var('province_today', none) %}
{%- set poverty_metrics = var('poverty_metrics', ['poor_household_rate', 'multidimensional_poverty_rate']) %}

with rates as (
    select *
    from {{ ref('fct_households') }}
    where metric in ({% for m in poverty_metrics %}'{{ m }}'{% if not loop.last %}, {% endif %}{% endfor %})
      and lower(nfc_normalize(area_name)) = lower(nfc_normalize('{{ area_name | replace("'", "''") }}'))
      {%- if area_level %}
      and area_level = '{{ area_level }}'
      {%- endif %}
      {%- if province_today %}
      and lower(nfc_normalize(province_name_today)) = lower(nfc_normalize('{{ province_today | replace("'", "''") }}'))
      {%- endif %}
      and group_code is distinct from 'near_poor_households'
)

select
    case when ds.year = de.year then ds.year end as year,
    r.period_start,
    r.period_end,
    r.period_basis,
    r.metric,
    b.value,
    r.unit,
    b.qualifier,
    b.is_chosen,
    r.value as observation_value,
    r.has_conflict,
    r.support_articles,
    r.group_code,
    r.area_name,
    r.area_level,
    r.area_status,
    r.province_name_today,
    substring(a.article_text, b.span_start + 1, b.span_end - b.span_start) as figure_as_printed,
    b.sentence,
    b.url,
    b.source_name,
    b.published_on,
    r.observation_id,
    b.fact_id
from rates as r
inner join {{ ref('bridge_observation_fact') }} as b on b.observation_id = r.observation_id
left join {{ ref('dim_date') }} as ds on ds.date_day = r.period_start
left join {{ ref('dim_date') }} as de on de.date_day = r.period_end
left join {{ ref('dim_article') }} as a on a.article_id = b.article_id
order by r.period_end nulls last, r.period_start, r.metric, r.area_level, r.province_name_today, r.observation_id,
    b.is_chosen desc, b.published_on desc nulls last, b.fact_id
