{# Each layer in the schema it names (staging, intermediate, marts, seeds), not dbt's default
   "<target schema>_<name>": analysts find the marts in `marts`. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name | trim if custom_schema_name else target.schema }}
{%- endmacro %}
