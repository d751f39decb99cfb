-- One row per reviewer's decision on one figure, typed (the build has checked and normalised the
-- file: extract/corrections.py). The line in the file orders decisions made in the same second:
-- the later line wins.
with numbered as (
    select * exclude (line), cast(line as integer) as file_row
    from {{ source('review', 'corrections') }}
)

select
    md5(concat_ws('|', url, figure_text, position, decision, field, corrected_value, reviewer, decided_at, reason, file_row)) as correction_id,
    file_row,
    url,
    figure_text,
    cast(position as integer) as position,
    decision,
    field,
    nullif(corrected_value, '') as corrected_value,
    reviewer,
    cast(decided_at as timestamptz) as decided_at,
    nullif(reason, '') as reason
from numbered
