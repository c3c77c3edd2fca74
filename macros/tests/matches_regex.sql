{#
    Generic test: every non-null value of the column matches a regular
    expression. The pattern matches anywhere in the value unless it is anchored:
    `[0-9]` passes `a1b`, `^[0-9]+$` does not. `flags` are the adapter's regex
    options (DuckDB: `i` for case-insensitive). Returns the failing rows.

        columns:
          - name: parameter
            data_tests:
              - matches_regex:
                  arguments:
                    pattern: '^[a-z0-9_]+$'
#}
{% test matches_regex(model, column_name, pattern, flags='') %}
    {{ return(adapter.dispatch('test_matches_regex', 'hitflow')(
        model, column_name, pattern, flags
    )) }}
{% endtest %}

{#- https://duckdb.org/docs/stable/sql/functions/regular_expressions -#}
{% macro default__test_matches_regex(model, column_name, pattern, flags) %}
    {%- set passes -%}
        regexp_matches(
            checked_value, {{ hitflow_literal(pattern) }}, {{ hitflow_literal(flags) }}
        )
    {%- endset -%}
    {{ _hitflow_failing_values(model, column_name, passes) }}
{% endmacro %}
