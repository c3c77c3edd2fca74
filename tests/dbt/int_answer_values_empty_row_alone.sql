{{ config(tags=["model_logic"]) }}
{#-
    An assignment's field is either values, or one none or blank row at
    position 1, never both; and a value row has a value, the others none.
-#}

with

answer_values as (

    select * from {{ ref('int_answer_values') }}

),

assignment_fields as (

    select
        platform,
        assignment_id,
        field,
        count(*) filter (where value_class = 'value') as n_values,
        count(*) filter (where value_class <> 'value') as n_empty,
        count(*) filter (
            where value_class <> 'value' and position <> 1
        ) as n_empty_elsewhere,
        count(*) filter (
            where (value_class = 'value') <> (value is not null)
        ) as n_value_mismatches

    from answer_values

    group by platform, assignment_id, field

),

validation_errors as (

    select *

    from assignment_fields

    where
        (n_values > 0 and n_empty > 0)
        or n_empty > 1
        or n_empty_elsewhere > 0
        or n_value_mismatches > 0

)

select * from validation_errors
