-- Question: which of today's provinces and which years does the warehouse have figures for, of
--   which kind, from how many articles and sources? (Where a gap is, before reading a trend.)
-- Grain: one row per (today's province, year): counts of observations whose period lies inside
--   the year, by fact table, and of observations whose period overlaps the year but runs beyond
--   it. Figures national or of places that could not be resolved have their own rows
--   ("(national)", "(place not resolved)"); figures of unknown period have a null year.
--   metrics, places, articles and sources count over both kinds; articles and sources include
--   every report of a figure (bridge_observation_fact), not only the chosen one. reviewed and
--   corrected count the observations (inside the year) that a reviewer checked (accepted or
--   corrected a report of: is_reviewed) or corrected (is_corrected); reviewed_share is
--   reviewed / observations (null where there are none), to see where the figures are checked.
-- Caveats:
--   * Counts are of observations (a figure for one place, period and group, however many
--     articles report it), not of values: nothing here is a sum of figures.
--   * A figure over several years (e.g. 2016 to mid-2017) counts in observations_spanning of
--     every year it overlaps (via dim_date), so those counts do not add up across years;
--     observations (inside one year) do.
--   * The year is the year the figure is about, not the year the article was published: a 2017
--     article stating a 2011 rate counts for 2011 (first_published_on/last_published_on show the
--     articles' dates).
--   * A province is today's province (the 34 since July 2025): Vĩnh Phúc's figures count under
--     Phú Thọ.
--   * Years outside 2000-2035 (dim_date) count as unknown (null year), like unknown periods.

with observations as (
    {%- for fact_table, model in [('households', 'fct_households'), ('loans', 'fct_loans'), ('insurance_cards', 'fct_insurance_cards'), ('allowances', 'fct_allowances'), ('other', 'fct_other_indicators')] %}
    select
        '{{ fact_table }}' as fact_table,
        observation_id, metric, area_name, area_key, area_status, province_code_today, province_name_today,
        period_start, period_end, is_reviewed, is_corrected
    from {{ ref(model) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- one row per (observation, calendar year its period overlaps): the year of period_start, and
-- each new year's day inside the period
years as (
    select
        o.*,
        d.year,
        year(o.period_start) = year(o.period_end) as inside_year
    from observations as o
    inner join {{ ref('dim_date') }} as d
        on d.date_day between o.period_start and o.period_end
        and (d.date_day = o.period_start or d.date_day = d.year_start)
    union all
    select o.*, null as year, true as inside_year  -- counted in the null year's observations
    from observations as o
    -- unknown periods, and periods outside dim_date (2000-2035)
    where not exists (
        select 1 from {{ ref('dim_date') }} as d where d.date_day between o.period_start and o.period_end
    )
),

-- every report of every observation: the articles and sources behind the figures
reports as (
    select y.*, b.article_id, b.source_name, b.published_on
    from years as y
    inner join {{ ref('bridge_observation_fact') }} as b using (observation_id)
)

select
    province_code_today,
    coalesce(
        province_name_today,
        case when any_value(area_status) = 'national' then '(national)' else '(place not resolved)' end
    ) as province_name_today,
    year,
    count(distinct observation_id) filter (where inside_year) as observations,
    count(distinct observation_id) filter (where not inside_year) as observations_spanning,
    count(distinct observation_id) filter (where inside_year and fact_table = 'households') as households,
    count(distinct observation_id) filter (where inside_year and fact_table = 'loans') as loans,
    count(distinct observation_id) filter (where inside_year and fact_table = 'insurance_cards') as insurance_cards,
    count(distinct observation_id) filter (where inside_year and fact_table = 'allowances') as allowances,
    count(distinct observation_id) filter (where inside_year and fact_table = 'other') as other,
    count(distinct observation_id) filter (where inside_year and is_reviewed) as reviewed,
    count(distinct observation_id) filter (where inside_year and is_corrected) as corrected,
    round(count(distinct observation_id) filter (where inside_year and is_reviewed)
        / nullif(count(distinct observation_id) filter (where inside_year), 0), 3) as reviewed_share,
    count(distinct metric) as metrics,
    count(distinct coalesce(area_key, area_name)) as places,
    count(distinct article_id) as articles,
    string_agg(distinct source_name, ', ' order by source_name) as sources,
    min(published_on) as first_published_on,
    max(published_on) as last_published_on
from reports
group by
    province_code_today,
    province_name_today,
    case when province_code_today is null then area_status = 'national' end,
    year
order by province_code_today is null, province_name_today, year nulls last
