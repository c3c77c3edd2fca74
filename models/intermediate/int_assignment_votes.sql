{#-
    One row per assignment, field and candidate the assignment supports: each
    distinct value it gave, or `<none>` when it said there is none. An
    assignment blank on a field casts no vote for it.

    A view: it is a filter and a hash over int_answer_values, cheaper to
    compute in each of its four readers than to write as a million-row table.
-#}

{{ config(materialized='view') }}

with

answer_values as (

    select * from {{ ref('int_answer_values') }}

),

votes as (

    select
        platform,
        assignment_id,
        worker_id,
        stage,
        task_id,
        field,
        case when value_class = 'none' then '<none>' else value end as value,
        value_class = 'none' as is_none

    from answer_values

    where value_class in ('value', 'none')

),

final as (

    select
        platform,
        assignment_id,
        worker_id,
        stage,
        task_id,
        field,
        md5(task_id || '|' || field || '|' || value) as candidate_id,
        value,
        is_none

    from votes

)

select * from final
