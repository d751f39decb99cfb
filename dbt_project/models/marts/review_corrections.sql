-- One row per reviewer's decision of $ASXH_HOME/corrections.csv, with what became of it in this
-- build (applied, superseded, orphaned) and the figure as the extractor read it: the audit trail
-- of corrections, and where a correction whose figure no longer exists is reported.
select
    m.correction_id,
    m.status,
    m.orphan_reason,
    m.decision,
    m.field,
    m.corrected_value,
    m.reviewer,
    m.decided_at,
    m.reason,
    m.url,
    m.figure_text,
    m.position,
    m.matched_position,
    m.fact_id,
    m.article_id,
    f.fact_table as extracted_fact_table,
    f.metric as extracted_metric,
    f.value as extracted_value,
    f.unit as extracted_unit,
    f.sentence,
    f.extractor_version
from {{ ref('int_correction_matches') }} as m
left join {{ ref('stg_news__facts') }} as f using (fact_id)
order by m.decided_at, m.file_row
