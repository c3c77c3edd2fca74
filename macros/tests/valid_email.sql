{#
    Generic test: every non-null value of the column passes the pragmatic e-mail
    syntax check (`hitflow_is_valid_email`). Returns the failing rows.

        columns:
          - name: email
            data_tests:
              - valid_email
#}
{% test valid_email(model, column_name) %}
    {{ return(adapter.dispatch('test_valid_email', 'hitflow')(model, column_name)) }}
{% endtest %}

{% macro default__test_valid_email(model, column_name) %}
    {{ _hitflow_failing_values(model, column_name, hitflow_is_valid_email('checked_value')) }}
{% endmacro %}
