-- One row per link from a unit before the 2025 reform to a unit after it (the official commune
-- conversion table; districts to the new province that contains them; old to new provinces).
select
    old_level || ':' || old_code || ':' || strftime(old_valid_from, '%Y-%m-%d') as old_area_key,
    new_level || ':' || new_code || ':' || strftime(new_valid_from, '%Y-%m-%d') as new_area_key,
    old_level,
    old_code,
    new_level,
    new_code,
    is_partial,
    effective_date,
    source
from {{ ref('admin_unit_lineage') }}
