with

assignments as (

    select * from {{ ref('stg_assignments') }}

),

assignment_tasks as (

    select * from {{ ref('int_assignment_tasks') }}

),

final as (

    select
        assignments.assignment_id,
        assignments.platform,
        assignments.stage,
        assignment_tasks.task_id,
        assignments.task_ref,
        assignments.worker_id,
        assignments.batch_sha256,
        assignments.batch_row_number,
        assignments.platform_status,
        assignments.reward,
        assignments.work_seconds,
        assignments.platform_approval_rate,
        assignments.accepted_at,
        assignments.submitted_at

    from assignments

    inner join assignment_tasks
        on
            assignments.platform = assignment_tasks.platform
            and assignments.assignment_id = assignment_tasks.assignment_id

)

select * from final
