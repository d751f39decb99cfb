{{ config(
    materialized='incremental', incremental_strategy='append',
    pre_hook="{{ delete_replaced('observation_id', ref('int_touched_observations')) }}"
) }}
-- depends_on: {{ ref('int_touched_observations') }}
{{ fact_table_model('allowances') }}
