-- One row per administrative unit version, keyed by (area_level, area_code, valid_from): the units
-- of the 2025-01 snapshot (63 provinces, 696 districts, ~10,051 communes; valid to 2025-06-30) and
-- today's units (34 provinces, ~3,321 communes; from 2025-07-01), generated from the
-- vietnam-provinces package (python -m extract.area_seeds), each with the province it lies in today.
with units as (
    select * from {{ ref('admin_units') }}
),

-- Every old province went whole into one new province, so a unit's province today is the
-- successor of the province it lay in; today's units are in today's provinces already.
province_today as (
    select old_code as province_code, old_valid_from as valid_from, new_code as province_code_today
    from {{ ref('admin_unit_lineage') }}
    where old_level = 'province' and new_level = 'province'
    union all
    select code, valid_from, code
    from units
    where level = 'province' and snapshot = 'current'
),

provinces as (
    select code, valid_from, name from units where level = 'province'
)

-- Codes are text, zero-padded as the statistics office writes them (commune 08914).
select
    u.level || ':' || {{ area_code_text('u.code', 'u.level') }} || ':' || strftime(u.valid_from, '%Y-%m-%d') as area_key,
    u.level as area_level,
    {{ area_code_text('u.code', 'u.level') }} as area_code,
    u.valid_from,
    u.valid_to,
    u.valid_from_known,
    u.unit_type,
    u.name as area_name,
    u.full_name,
    {{ area_code_text('u.parent_code', "case when u.level = 'commune' and u.snapshot <> 'current' then 'district' else 'province' end") }} as parent_code,
    {{ area_code_text('u.province_code', "'province'") }} as province_code,
    p.name as province_name,
    {{ area_code_text('pt.province_code_today', "'province'") }} as province_code_today,
    today.name as province_name_today,
    u.snapshot
from units as u
left join provinces as p
    on p.code = u.province_code and p.valid_from = u.valid_from
left join province_today as pt
    on pt.province_code = u.province_code and pt.valid_from = u.valid_from
left join provinces as today
    on today.code = pt.province_code_today and today.valid_from = date '2025-07-01'
