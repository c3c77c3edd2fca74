{#
    Generic test: every non-null value of the column is an http or https URL
    with a dotted host (`hitflow_is_valid_url`). Returns the failing rows.

        columns:
          - name: website
            data_tests:
              - valid_url
#}
{% test valid_url(model, column_name) %}
    {{ return(adapter.dispatch('test_valid_url', 'hitflow')(model, column_name)) }}
{% endtest %}

{% macro default__test_valid_url(model, column_name) %}
    {{ _hitflow_failing_values(model, column_name, hitflow_is_valid_url('checked_value')) }}
{% endmacro %}
