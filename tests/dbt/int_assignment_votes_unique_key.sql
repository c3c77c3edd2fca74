{{ config(tags=["model_logic"]) }}
{#- int_assignment_votes has one row per assignment, field and candidate. -#}

with

assignment_votes as (

    select * from {{ ref('int_assignment_votes') }}

),

validation_errors as (

    select
        platform,
        assignment_id,
        field,
        candidate_id,
        count(*) as n_rows

    from assignment_votes

    group by platform, assignment_id, field, candidate_id

    having count(*) > 1

)

select * from validation_errors
