-- One row per (today's province, metric, unit, group, period): counts and amounts rolled up to
-- the 34 provinces of today, where adding them is valid.
--
-- The rule (also in the docs site):
-- * Only additive figures: counts (households, people, cards, gifts, houses, other things) and
--   money amounts. Rates, shares, per-beneficiary levels and changes never add.
-- * Only figures of the same period add; figures of different periods are separate rows.
-- * One level per old province: for each province as it was when reported, the province's own
--   figure if one was reported, else the sum of its districts', else of its communes'. Adding a
--   province figure to its districts' would count the same households twice.
-- * National figures and places that could not be resolved are left out, and so are places with
--   two different figures for the same metric, group and period (two figures of one article,
--   often a total and a part of it): which one to add cannot be known.
-- old_provinces and levels_used say what the total is made of: a sum of some districts is a
-- lower bound of the province, not its total (is_complete is false).
--
-- Incremental: a build recomputes the roll-ups of the keys (metric, unit, group, period) it
-- touched (int_touched_rollup_keys) from every observation of those keys; a roll-up row depends
-- on nothing else.
{{ config(
    materialized='incremental', incremental_strategy='append',
    pre_hook="{{ delete_rollup_keys(ref('int_touched_rollup_keys')) }}"
) }}
-- depends_on: {{ ref('int_touched_rollup_keys') }}
with additive as (
    select
        o.*,
        a.province_code as province_code_then
    from {{ ref('int_observations') }} as o
    inner join {{ ref('dim_area') }} as a using (area_key)
    where o.unit in ('household', 'household_time', 'person', 'person_time', 'card', 'vnd', 'gift', 'house', 'other')
      and o.metric not like '%\_increase' escape '\'
      and o.metric not like '%\_reduction' escape '\'
      and o.metric not in ('allowance_per_beneficiary', 'gift_package_value')
      and o.area_level in ('province', 'district', 'commune')
      {% if is_incremental() %}
      and exists (select 1 from {{ ref('int_touched_rollup_keys') }} as k where {{ same_rollup_key('k', 'o') }})
      {% endif %}
    -- one figure per place, metric, group and period, or none of them
    qualify count(*) over (partition by o.area_key, o.metric, o.unit, o.group_code, o.period_start, o.period_end) = 1
),

-- the most aggregated level each old province reported a figure at
best_level as (
    select
        province_code_then, metric, unit, group_code, period_start, period_end,
        min(case area_level when 'province' then 1 when 'district' then 2 else 3 end) as level_rank
    from additive
    group by all
),

-- how many provinces of each snapshot make up each of today's provinces
constituents as (
    select province_code_today, valid_from, count(*) as provinces
    from {{ ref('dim_area') }}
    where area_level = 'province'
    group by all
),

chosen as (
    select a.*
    from additive as a
    inner join best_level as b
        on a.province_code_then = b.province_code_then
        and a.metric = b.metric and a.unit = b.unit
        and a.group_code is not distinct from b.group_code
        and a.period_start is not distinct from b.period_start
        and a.period_end is not distinct from b.period_end
        and case a.area_level when 'province' then 1 when 'district' then 2 else 3 end = b.level_rank
),

rolled as (
    select
        province_code_today,
        any_value(province_name_today) as province_name_today,
        any_value(fact_table) as fact_table,
        metric,
        unit,
        group_code,
        period_start,
        period_end,
        sum(value) as value,
        count(*) as observations,
        count(distinct province_code_then) as old_provinces,
        string_agg(distinct area_level, ',' order by area_level) as levels_used,
        bool_and(area_level = 'province') as province_level_only,
        any_value(area_valid_from) as snapshot_valid_from,
        bool_or(has_conflict) as has_conflict
    from chosen
    group by province_code_today, metric, unit, group_code, period_start, period_end
)

select
    r.province_code_today,
    r.province_name_today,
    r.fact_table,
    r.metric,
    r.unit,
    r.group_code,
    r.period_start,
    r.period_end,
    r.value,
    r.observations,
    r.old_provinces,
    r.levels_used,
    -- complete: every province of the time that makes up today's province reported its own total
    r.province_level_only and r.old_provinces = k.provinces as is_complete,
    r.has_conflict
from rolled as r
left join constituents as k
    on k.province_code_today = r.province_code_today and k.valid_from = r.snapshot_valid_from
