-- One row per fact of a staged article that no reviewer rejected, with the reviewers' corrections
-- applied (int_correction_matches: the decisions that take effect). It stands between
-- stg_news__facts and int_facts_joined with the same columns, and says what changed: a
-- correction made once holds for every later build and re-extraction.
--
-- value, unit, fact_table and group replace the extractor's; metric also moves the fact to its
-- metric's fact table (the metric catalogue) unless fact_table is corrected too; period sets
-- period_start and period_end (period_basis stated); area sets the place: national, or a unit of
-- dim_area (the version named, else the version valid at the figure's period end or
-- publication, else the first version after that day, as the extractor dates places older than
-- the 2025-01 snapshot, else the newest), with its name and status resolved.
--
-- A view: int_facts_joined reads it for the articles a build changed only (the corrected
-- articles among them, int_changed_articles), and DuckDB pushes that filter into the scan.
{{ config(materialized='view') }}
with facts as (
    select * from {{ ref('stg_news__facts') }}
),

applied as (
    select * from {{ ref('int_correction_matches') }} where status = 'applied'
),

rejected as (
    select distinct fact_id from applied where decision = 'reject'
),

by_fact as (
    select
        c.fact_id,
        bool_or(c.field = 'value') as set_value,
        cast(any_value(c.corrected_value) filter (where c.field = 'value') as double) as new_value,
        bool_or(c.field = 'unit') as set_unit,
        any_value(c.corrected_value) filter (where c.field = 'unit') as new_unit,
        bool_or(c.field = 'metric') as set_metric,
        any_value(c.corrected_value) filter (where c.field = 'metric') as new_metric,
        bool_or(c.field = 'fact_table') as set_fact_table,
        any_value(c.corrected_value) filter (where c.field = 'fact_table') as new_fact_table,
        bool_or(c.field = 'area') as set_area,
        any_value(c.corrected_value) filter (where c.field = 'area') as new_area,
        bool_or(c.field = 'period') as set_period,
        cast(split_part(any_value(c.corrected_value) filter (where c.field = 'period'), '..', 1) as date) as new_period_start,
        cast(split_part(any_value(c.corrected_value) filter (where c.field = 'period'), '..', 2) as date) as new_period_end,
        bool_or(c.field = 'group') as set_group,
        any_value(c.corrected_value) filter (where c.field = 'group') as new_group,
        bool_or(c.decision = 'correct') as is_corrected,
        string_agg(c.field, ', ' order by c.field) filter (where c.decision = 'correct') as corrected_fields,
        string_agg(
            case when c.decision = 'correct' then
                c.field || ' ' || coalesce(
                    case c.field
                        when 'value' then cast(f.value as varchar)
                        when 'unit' then f.unit
                        when 'metric' then f.metric
                        when 'fact_table' then f.fact_table
                        when 'area' then coalesce(f.area_level || ':' || f.area_code, f.area_name)
                        when 'period' then cast(f.period_start as varchar) || '..' || cast(f.period_end as varchar)
                        when 'group' then f.group_code
                    end, 'none')
                || ' → ' || coalesce(c.corrected_value, 'none')
            else 'accepted as read' end
            || ' (' || c.reviewer || ', ' || strftime(c.decided_at, '%Y-%m-%d') || coalesce(': ' || c.reason, '') || ')',
            '; ' order by c.decided_at, c.file_row
        ) as correction_note
    from applied as c
    inner join facts as f using (fact_id)
    where c.decision <> 'reject'
    group by c.fact_id
),

-- the unit an area correction names: level and code, and the version if given
area_asked as (
    select
        b.fact_id,
        split_part(b.new_area, ':', 1) as level,
        {{ area_code_text("cast(split_part(b.new_area, ':', 2) as integer)", "split_part(b.new_area, ':', 1)") }} as code,
        cast(nullif(split_part(b.new_area, ':', 3), '') as date) as valid_from,
        coalesce(b.new_period_end, f.period_end, a.published_on) as on_day
    from by_fact as b
    inner join facts as f using (fact_id)
    inner join {{ ref('stg_news__articles') }} as a using (article_id)
    where b.set_area and b.new_area <> 'national'
),

area_found as (
    select
        q.fact_id,
        u.area_name,
        u.area_level,
        u.area_code,
        u.valid_from as area_valid_from,
        row_number() over (
            partition by q.fact_id
            order by
                coalesce(q.on_day between u.valid_from and coalesce(u.valid_to, date '9999-12-31'), false) desc,
                -- a figure older than every version: the first version after it (the 2025-01
                -- snapshot, as the extractor dates older places), else the newest
                coalesce(u.valid_from > q.on_day, false) desc,
                case when u.valid_from > q.on_day then u.valid_from end,
                u.valid_from desc
        ) as pick
    from area_asked as q
    inner join {{ ref('dim_area') }} as u
        on u.area_level = q.level and u.area_code = q.code and (q.valid_from is null or u.valid_from = q.valid_from)
),

catalogue as (
    select metric, fact_table from {{ ref('metric_catalogue') }}
)

select
    f.* replace (
        case when b.set_fact_table then b.new_fact_table
             when b.set_metric then coalesce(
                 (select c.fact_table from catalogue as c
                  where c.metric = b.new_metric
                     or c.metric = regexp_replace(b.new_metric, '_(increase|reduction)$', '')
                  order by c.metric = b.new_metric desc limit 1),
                 f.fact_table)
             else f.fact_table end as fact_table,
        case when b.set_metric then b.new_metric else f.metric end as metric,
        case when b.set_value then b.new_value else f.value end as value,
        case when b.set_unit then b.new_unit else f.unit end as unit,
        case when b.new_area = 'national' then 'Việt Nam' when b.set_area then a.area_name else f.area_name end as area_name,
        case when b.new_area = 'national' then 'national' when b.set_area then a.area_level else f.area_level end as area_level,
        case when b.set_area then a.area_code else f.area_code end as area_code,
        case when b.set_area then a.area_valid_from else f.area_valid_from end as area_valid_from,
        case when b.new_area = 'national' then 'national' when b.set_area then 'resolved' else f.area_status end as area_status,
        case when b.set_period then b.new_period_start else f.period_start end as period_start,
        case when b.set_period then b.new_period_end else f.period_end end as period_end,
        case when b.set_period then 'stated' else f.period_basis end as period_basis,
        case when b.set_group then b.new_group else f.group_code end as group_code
    ),
    coalesce(b.is_corrected, false) as is_corrected,
    b.fact_id is not null as is_reviewed,
    b.corrected_fields,
    b.correction_note
from facts as f
left join by_fact as b using (fact_id)
left join area_found as a on a.fact_id = f.fact_id and a.pick = 1
where f.fact_id not in (select fact_id from rejected)
