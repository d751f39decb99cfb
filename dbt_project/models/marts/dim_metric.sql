-- One row per metric: the catalogue seed, plus the change metrics (<metric>_increase,
-- <metric>_reduction) that the extractor derives from a catalogue metric (facts.md "Changes").
with catalogue as (
    select metric, fact_table, time_kind, definition_vi, definition_en, false as is_change, null as base_metric
    from {{ ref('metric_catalogue') }}
),

derived as (
    select distinct
        f.metric,
        c.fact_table,
        c.time_kind,
        case when f.metric like '%\_increase' escape '\' then 'Mức tăng: ' else 'Mức giảm: ' end || c.definition_vi as definition_vi,
        case when f.metric like '%\_increase' escape '\' then 'Increase of: ' else 'Reduction of: ' end || lower(c.definition_en) as definition_en,
        true as is_change,
        c.metric as base_metric
    from {{ ref('stg_news__facts') }} as f
    inner join catalogue as c
        on f.metric in (c.metric || '_increase', c.metric || '_reduction')
    where f.metric not in (select metric from catalogue)
)

select * from catalogue
union all
select * from derived
