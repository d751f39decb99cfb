{#
  How a build updates the warehouse without reading it all again.

  The extract step writes one immutable Parquet batch per run. A build reads the batches it has
  not loaded yet (stg_news__arrivals; every batch on --full-refresh), and each model replaces
  only what they change:
  * article-level models (stg_news__articles, stg_news__facts, int_facts_joined, dim_article)
    delete the rows of the articles staged again (int_changed_articles) and insert their new rows;
  * observation-level models (int_observations, the fct_* tables, bridge_observation_fact)
    delete and recompute the observations touched (int_touched_observations): those of the new
    facts, and those the replaced facts supported (int_facts_replaced), so that an observation an
    article stops reporting loses that report.
  A build that stops half-way makes the next one a full refresh (extract.pipeline.build_warehouse).
#}

{# The relation as the last build left it, or none on a full refresh or before the first build:
   read by the models that must see a table before this build changes it. #}
{% macro previous_relation(schema, identifier) %}
    {% if flags.FULL_REFRESH %}
        {{ return(none) }}
    {% endif %}
    {{ return(adapter.get_relation(database=target.database, schema=schema, identifier=identifier)) }}
{% endmacro %}

{# pre_hook of an incremental model: remove the rows this build recomputes (their keys in
   `changed`), so that the model's new rows replace them; nothing on a full refresh. #}
{% macro delete_replaced(key, changed) %}
    {% if is_incremental() %}
        delete from {{ this }} where {{ key }} in (select {{ key }} from {{ changed }})
    {% endif %}
{% endmacro %}

{# The rows of the model this build wrote: what its tests look at (every row on a full
   refresh, or with --vars '{test_all_rows: true}'). Tests of unchanged rows passed in the
   build that wrote them; testing them again would make a day's build as slow as a year's. #}
{% macro build_scope(scope) %}
    {%- if flags.FULL_REFRESH or var('test_all_rows', false) -%}
        true
    {%- elif scope == 'batch' -%}
        {#- the batches not yet recorded as loaded, and those this build recorded (a test may run
            before or after stg_news__batches, which records them) -#}
        {%- set loaded = adapter.get_relation(database=target.database, schema='staging', identifier='stg_news__batches') -%}
        (batch_id in (select batch_id from {{ api.Relation.create(database=target.database, schema='staging', identifier='stg_news__arrivals') }})
        {%- if loaded is not none %}
         or batch_id in (select batch_id from {{ loaded }} where invocation_id = '{{ invocation_id }}')
        {%- endif -%})
    {%- elif scope == 'article' -%}
        article_id in (select article_id from {{ api.Relation.create(database=target.database, schema='intermediate', identifier='int_changed_articles') }})
    {%- elif scope == 'observation' -%}
        observation_id in (select observation_id from {{ api.Relation.create(database=target.database, schema='intermediate', identifier='int_touched_observations') }})
    {%- else -%}
        true
    {%- endif -%}
{% endmacro %}

{# Which build_scope a model's tests take, by model: the incremental models; tables rebuilt
   whole are tested whole. #}
{% macro test_scope_of(identifier) %}
    {% set scopes = {
        'stg_news__articles': 'batch', 'stg_news__facts': 'batch',
        'int_facts_joined': 'article', 'dim_article': 'article',
        'int_observations': 'observation', 'bridge_observation_fact': 'observation',
        'fct_households': 'observation', 'fct_loans': 'observation', 'fct_insurance_cards': 'observation',
        'fct_allowances': 'observation', 'fct_other_indicators': 'observation',
    } %}
    {{ return(scopes.get(identifier)) }}
{% endmacro %}

{# dbt's generic tests read their model through this macro: the rows of this build only, for
   the incremental models (test_scope_of), and the test's own `where` as dbt does. #}
{% macro get_where_subquery(relation) -%}
    {% set where = config.get('where', '') %}
    {% set scope = test_scope_of(relation.identifier) %}
    {% set clauses = [] %}
    {% if where %}{% do clauses.append('(' ~ where ~ ')') %}{% endif %}
    {% if scope %}{% do clauses.append(build_scope(scope)) %}{% endif %}
    {% if clauses %}
        {% do return('(select * from ' ~ relation ~ ' where ' ~ (clauses | join(' and ')) ~ ') dbt_subquery') %}
    {% endif %}
    {% do return(relation) %}
{%- endmacro %}

{# A statistics-office code as the office writes it, zero-padded by level: province 2 digits,
   district 3, commune 5 (commune 08914, never 8914). #}
{% macro area_code_text(code, level) -%}
    case {{ level }}
        when 'province' then lpad(cast({{ code }} as varchar), 2, '0')
        when 'district' then lpad(cast({{ code }} as varchar), 3, '0')
        when 'commune' then lpad(cast({{ code }} as varchar), 5, '0')
        else cast({{ code }} as varchar)
    end
{%- endmacro %}

{# The same key (metric, unit, group, period), nulls equal: a roll-up row and a touched key. #}
{% macro same_rollup_key(a, b) -%}
    {{ a }}.metric = {{ b }}.metric and {{ a }}.unit = {{ b }}.unit
    and {{ a }}.group_code is not distinct from {{ b }}.group_code
    and {{ a }}.period_start is not distinct from {{ b }}.period_start
    and {{ a }}.period_end is not distinct from {{ b }}.period_end
{%- endmacro %}

{# pre_hook of mart_province_rollup: remove the roll-ups of the keys this build recomputes. #}
{% macro delete_rollup_keys(keys) %}
    {% if is_incremental() %}
        delete from {{ this }}
        where exists (select 1 from {{ keys }} as k where {{ same_rollup_key('k', this) }})
    {% endif %}
{% endmacro %}
