-- One row per beneficiary group code (facts.md "group").
select group_code, name_vi, name_en
from {{ ref('beneficiary_groups') }}
