{{ config(materialized='view') }}
-- One row per observation of every fact table: the five fct_* tables in one, with the fact
-- table each row comes from. "Which figures conflict" is one query:
--   select * from marts.fct_observations where has_conflict
{% set tables = {
    'households': 'fct_households', 'loans': 'fct_loans', 'insurance_cards': 'fct_insurance_cards',
    'allowances': 'fct_allowances', 'other': 'fct_other_indicators',
} %}
{% for fact_table, model in tables.items() %}
select '{{ fact_table }}' as fact_table, * from {{ ref(model) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
