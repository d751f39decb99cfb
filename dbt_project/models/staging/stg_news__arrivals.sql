{{ config(materialized='view') }}
-- One row per article row of the staged batches this build has not loaded yet (every batch on
-- a full refresh): the batches listed in stg_news__batches were read by an earlier build.
-- is_current marks the row that stands for its article: the one of the latest batch.
--
-- The files to read are listed when the view is made (a batch is named <batch_id>.parquet), so
-- that a build reads the new batches' files only, never the whole landing zone.
{% set loaded = previous_relation('staging', 'stg_news__batches') %}
{% set folder = env_var('ASXH_HOME') ~ '/staged/batches' %}
{% set files = [] %}
{% if execute %}
    {% set listing %}
        select file from glob('{{ folder }}/*.parquet')
        {% if loaded is not none %}
        where parse_filename(file, true) not in (select batch_id from {{ loaded }})
        {% endif %}
        order by file
    {% endset %}
    {% set files = run_query(listing).columns[0].values() | list %}
{% endif %}
{% if files %}
select
    *,
    row_number() over (partition by article_id order by batch_id desc) = 1 as is_current
from read_parquet([{% for f in files %}'{{ f }}'{% if not loop.last %}, {% endif %}{% endfor %}], union_by_name = true)
{% else %}
-- nothing new: the columns of the batches, no row
select *, true as is_current
from {{ source('staged', 'batches') }}
where false
{% endif %}
