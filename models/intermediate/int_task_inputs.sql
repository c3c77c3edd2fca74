{#-
    One row per task and input name: the value the task's latest assignment
    carried. Batches of one stage may carry different input columns; a task
    gets every input any of its batches carried.

    A view: the tasks mart is its only reader in the build, and computing it
    there spares writing a million-row table.
-#}

{{ config(materialized='view') }}

with

inputs as (

    select * from {{ ref('stg_inputs') }}

),

assignments as (

    select * from {{ ref('stg_assignments') }}

),

assignment_tasks as (

    select * from {{ ref('int_assignment_tasks') }}

),

final as (

    select
        assignment_tasks.stage,
        assignment_tasks.task_id,
        inputs.input_name,
        {#- the latest value; of two at the same time, the one sorting last -#}
        arg_max(
            inputs.input_value,
            struct_pack(
                submitted_at := coalesce(
                    assignments.submitted_at, '1970-01-01'::timestamp
                ),
                input_value := inputs.input_value
            )
        ) as input_value

    from inputs

    inner join assignment_tasks
        on
            inputs.platform = assignment_tasks.platform
            and inputs.assignment_id = assignment_tasks.assignment_id

    inner join assignments
        on
            inputs.platform = assignments.platform
            and inputs.assignment_id = assignments.assignment_id

    where inputs.input_value is not null

    group by assignment_tasks.stage, assignment_tasks.task_id, inputs.input_name

)

select * from final
