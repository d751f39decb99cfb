{{ config(materialized='incremental', incremental_strategy='append') }}
-- One row per staged batch loaded into the warehouse: which build read it and what it held.
-- Built after the staging models that read the batches, so that they all see the same ones.
-- depends_on: {{ ref('stg_news__articles') }}
-- depends_on: {{ ref('stg_news__facts') }}
select
    batch_id,
    count(*) as articles,
    cast(sum(len(facts)) as bigint) as facts,
    max(cast(extracted_at as timestamptz)) as last_extracted_at,
    current_timestamp as loaded_at,
    '{{ invocation_id }}' as invocation_id
from {{ ref('stg_news__arrivals') }}
group by batch_id
