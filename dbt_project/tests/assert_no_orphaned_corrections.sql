-- A reviewer's decision whose figure no longer exists in this build (its article is gone, or no
-- longer prints the figure near where it was) is reported, never dropped silently: a warning,
-- since the rest of the warehouse is right; review_corrections lists them with why.
{{ config(severity = 'warn') }}
select correction_id, url, figure_text, position, decision, field, orphan_reason
from {{ ref('review_corrections') }}
where status = 'orphaned'
