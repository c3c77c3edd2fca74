{#
    The shared body of the value tests (valid_url, valid_email, matches_regex):
    the column's non-null values for which `passes` (a SQL condition over
    `checked_value`) is not true. Returns them in a `validation_errors` CTE.
#}
{% macro _hitflow_failing_values(model, column_name, passes) %}

with

checked as (

    select {{ column_name }} as checked_value

    from {{ model }}

    where {{ column_name }} is not null

),

validation_errors as (

    select checked_value

    from checked

    where not coalesce({{ passes }}, false)

)

select * from validation_errors

{% endmacro %}
