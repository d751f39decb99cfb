{# The body of every fct_* model: the facts of one fact table (facts.md), one row per fact. #}
{% macro fact_table_model(fact_table) %}
select
    fact_id,
    article_id,
    metric,
    value,
    unit,
    qualifier,
    area_name,
    area_level,
    area_code,
    area_status,
    period_start,
    period_end,
    period_basis,
    group_code,
    sentence,
    span_start,
    span_end,
    mention_count,
    url,
    source_name,
    published_on,
    extractor_version
from {{ ref('int_facts_joined') }}
where fact_table = '{{ fact_table }}'
{% endmacro %}
