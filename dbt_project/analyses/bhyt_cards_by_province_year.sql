-- Question: how many health-insurance (BHYT) cards were issued, reissued and donated, by today's
--   province (the 34 since the July 2025 reform) and year?
-- Grain: one row per (today's province, year, metric, beneficiary group, unit, period): the sum of
--   the figures of that one period in the province, as mart_province_rollup adds them.
-- Variables: card_metrics, default [health_insurance_cards_issued, health_insurance_cards_reissued,
--   health_insurance_cards_donated].
-- Caveats:
--   * Figures of different periods are never added, even within one year: a Jan-Jul figure and a
--     whole-year figure overlap. figures_in_year counts the rows of the same province, year,
--     metric, group and unit; where it is above 1, read them side by side, do not add them.
--     is_full_year marks a figure for the whole calendar year.
--   * year is set only where the period lies inside one calendar year (dim_date); a figure over
--     several years ("from 2016 to now") has a null year and is listed last.
--   * A point-in-time figure (is_point_in_time) dated by the article's publication often counts
--     cards handed out over an unstated earlier period ("đã cấp hơn 9.300 thẻ").
--   * The roll-up uses, for each province as it was at the time, its own figure if reported, else
--     the sum of its districts' (else communes'): a sum of some districts is a lower bound
--     (is_complete false; levels_used says which level). National figures and places that could
--     not be resolved are left out (see analysis data_coverage_by_province_year).
--   * Groups are kept apart (cards for poor and for near-poor households are two rows); a null
--     group is a figure not about one group, not the total of the others.
{%- set card_metrics = var('card_metrics', ['health_insurance_cards_issued', 'health_insurance_cards_reissued', 'health_insurance_cards_donated']) %}

with cards as (
    select *
    from {{ ref('mart_province_rollup') }}
    where fact_table = 'insurance_cards'
      and metric in ({% for m in card_metrics %}'{{ m }}'{% if not loop.last %}, {% endif %}{% endfor %})
),

bucketed as (
    select
        c.*,
        case when ds.year = de.year then ds.year end as year,
        ds.date_day = ds.year_start and de.year = ds.year and de.month = 12 and day(de.date_day) = 31 as is_full_year
    from cards as c
    left join {{ ref('dim_date') }} as ds on ds.date_day = c.period_start
    left join {{ ref('dim_date') }} as de on de.date_day = c.period_end
)

select
    b.province_code_today,
    b.province_name_today,
    b.year,
    b.metric,
    replace(b.metric, 'health_insurance_cards_', '') as card_kind,
    b.group_code,
    g.name_vi as group_name_vi,
    g.name_en as group_name_en,
    b.unit,
    b.period_start,
    b.period_end,
    coalesce(b.is_full_year, false) as is_full_year,
    b.period_start = b.period_end as is_point_in_time,
    b.value,
    case when b.year is not null then count(*) over (
        partition by b.province_code_today, b.year, b.metric, b.group_code, b.unit
    ) end as figures_in_year,
    b.observations,
    b.old_provinces,
    b.levels_used,
    b.is_complete,
    b.has_conflict
from bucketed as b
left join {{ ref('dim_group') }} as g on g.group_code = b.group_code
order by b.province_name_today, b.year nulls last, b.metric, b.group_code nulls last, b.period_start, b.period_end
