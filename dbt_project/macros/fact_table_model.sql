{# The body of every fct_* model: the observations of one fact table (facts.md), one row each.
   Incremental: a build replaces the observations it touched (int_touched_observations). #}
{% macro fact_table_model(fact_table) %}
select
    observation_id,
    metric,
    value,
    unit,
    qualifier,
    area_name,
    area_level,
    area_code,
    area_key,
    area_status,
    province_code_today,
    province_name_today,
    period_start,
    period_end,
    period_basis,
    group_code,
    support_facts,
    support_articles,
    support_mentions,
    has_conflict,
    confidence,
    confidence_reasons,
    is_corrected,
    is_reviewed,
    fact_id,
    article_id,
    url,
    sentence,
    span_start,
    span_end,
    source_name,
    published_on,
    extractor_version
from {{ ref('int_observations') }}
where fact_table = '{{ fact_table }}'
{% if is_incremental() %}
  and observation_id in (select observation_id from {{ ref('int_touched_observations') }})
{% endif %}
{% endmacro %}
