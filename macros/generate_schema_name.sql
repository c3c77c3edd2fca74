{#
    Models land in the schema their folder names (staging, intermediate) and marts
    in the warehouse's default schema, so `select * from workers` works in the
    duckdb shell. dbt's default would prefix the target schema instead.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
