{{ config(tags=["model_logic"]) }}
{#- int_answer_values has one row per assignment, field and position. -#}

with

answer_values as (

    select * from {{ ref('int_answer_values') }}

),

validation_errors as (

    select
        platform,
        assignment_id,
        field,
        position,
        count(*) as n_rows

    from answer_values

    group by platform, assignment_id, field, position

    having count(*) > 1

)

select * from validation_errors
