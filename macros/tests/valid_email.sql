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

with

checked as (

    select {{ column_name }} as checked_value

    from {{ model }}

    where {{ column_name }} is not null

),

validation_errors as (

    select checked_value

    from checked

    where not coalesce({{ hitflow_is_valid_email('checked_value') }}, false)

)

select * from validation_errors

{% endmacro %}
