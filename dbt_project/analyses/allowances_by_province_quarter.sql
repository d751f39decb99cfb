-- Question: how much was paid in allowances, and to how many recipients, per quarter, by today's
--   province (the 34 since the July 2025 reform)?
-- Grain: one row per (today's province, quarter, metric, beneficiary group, unit, period): the sum
--   of the figures of that one period in the province, as mart_province_rollup adds them.
-- Variables: allowance_metrics, default [monthly_allowance_amount, monthly_allowance_recipients,
--   regular_allowance_amount, regular_allowance_recipients, allowance_amount_total,
--   allowance_recipients] (monthly allowances of people with merit, regular social allowances,
--   and allowances of a kind not stated). Tết gifts and relief are other metrics of fct_allowances.
-- Caveats:
--   * A figure is put in a quarter only where its period lies inside that quarter (dim_date);
--     figures over longer periods (Jan-Aug, a whole year) have a null quarter and are listed last,
--     never split across quarters.
--   * Figures of different periods are never added, even within one quarter (a monthly figure and
--     a quarterly one overlap; recipients of two months are largely the same people).
--     figures_in_quarter counts rows of the same province, quarter, metric, group and unit: above
--     1, read them side by side.
--   * A point-in-time figure (is_point_in_time) dated by the article's publication often sums
--     payments of an unstated earlier period ("trợ cấp hàng tháng cho hơn 12.660 lượt đối tượng
--     với tổng số tiền hơn 18 tỷ đồng"): its quarter is the publication's, not the payments'.
--   * Recipients come as person, person_time (lượt người) or household: compare like with like.
--   * The roll-up uses, for each province as it was at the time, its own figure if reported, else
--     the sum of its districts' (else communes'): a sum of some districts is a lower bound
--     (is_complete false). National figures and unresolved places are left out.
{%- set allowance_metrics = var('allowance_metrics', ['monthly_allowance_amount', 'monthly_allowance_recipients', 'regular_allowance_amount', 'regular_allowance_recipients', 'allowance_amount_total', 'allowance_recipients']) %}

with allowances as (
    select *
    from {{ ref('mart_province_rollup') }}
    where fact_table = 'allowances'
      and metric in ({% for m in allowance_metrics %}'{{ m }}'{% if not loop.last %}, {% endif %}{% endfor %})
),

bucketed as (
    select
        a.*,
        case when ds.quarter_start = de.quarter_start then ds.year end as year,
        case when ds.quarter_start = de.quarter_start then ds.quarter end as quarter,
        ds.date_day = ds.quarter_start
            and de.quarter_start = ds.quarter_start
            and de.date_day = cast(de.quarter_start + interval 3 month - interval 1 day as date) as is_full_quarter
    from allowances as a
    left join {{ ref('dim_date') }} as ds on ds.date_day = a.period_start
    left join {{ ref('dim_date') }} as de on de.date_day = a.period_end
)

select
    b.province_code_today,
    b.province_name_today,
    b.year,
    b.quarter,
    case when b.quarter is not null then b.year || '-Q' || b.quarter end as quarter_label,
    case when b.unit = 'vnd' then 'amount' else 'recipients' end as measure,
    b.metric,
    b.group_code,
    g.name_vi as group_name_vi,
    g.name_en as group_name_en,
    b.unit,
    b.period_start,
    b.period_end,
    coalesce(b.is_full_quarter, false) as is_full_quarter,
    b.period_start = b.period_end as is_point_in_time,
    b.value,
    case when b.quarter is not null then count(*) over (
        partition by b.province_code_today, b.year, b.quarter, b.metric, b.group_code, b.unit
    ) end as figures_in_quarter,
    b.observations,
    b.old_provinces,
    b.levels_used,
    b.is_complete,
    b.has_conflict
from bucketed as b
left join {{ ref('dim_group') }} as g on g.group_code = b.group_code
order by b.province_name_today, b.year nulls last, b.quarter nulls last, b.metric, b.group_code nulls last, b.unit, b.period_start, b.period_end
