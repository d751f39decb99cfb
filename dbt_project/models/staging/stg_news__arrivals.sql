{{ config(materialized='view') }}
-- One row per article row of the staged batches this build has not loaded yet (every batch on
-- a full refresh): the batches listed in stg_news__batches were read by an earlier build.
-- is_current marks the row that stands for its article: the one of the latest batch.
{% set loaded = previous_relation('staging', 'stg_news__batches') %}
select
    *,
    row_number() over (partition by article_id order by batch_id desc) = 1 as is_current
from {{ source('staged', 'batches') }}
{% if loaded is not none %}
where batch_id not in (select batch_id from {{ loaded }})
{% endif %}
