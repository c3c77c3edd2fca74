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

with

checked as (

    select {{ column_name }} as checked_value

    from {{ model }}

    where {{ column_name }} is not null

),

validation_errors as (

    select checked_value

    from checked

    where not coalesce({{ hitflow_is_valid_url('checked_value') }}, false)

)

select * from validation_errors

{% endmacro %}
