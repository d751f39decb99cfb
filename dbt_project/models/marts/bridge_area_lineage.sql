-- One row per link from a unit before the 2025 reform to a unit after it (the official commune
-- conversion table; districts to the new province that contains them; old to new provinces).
select
    old_level || ':' || {{ area_code_text('old_code', 'old_level') }} || ':' || strftime(old_valid_from, '%Y-%m-%d') as old_area_key,
    new_level || ':' || {{ area_code_text('new_code', 'new_level') }} || ':' || strftime(new_valid_from, '%Y-%m-%d') as new_area_key,
    old_level,
    {{ area_code_text('old_code', 'old_level') }} as old_code,
    new_level,
    {{ area_code_text('new_code', 'new_level') }} as new_code,
    is_partial,
    effective_date,
    source
from {{ ref('admin_unit_lineage') }}
