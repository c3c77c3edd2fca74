with

assignments as (

    select * from {{ ref('stg_assignments') }}

),

assignment_tasks as (

    select * from {{ ref('int_assignment_tasks') }}

),

decisions as (

    select * from {{ ref('int_assignment_decisions') }}

),

final as (

    select
        assignments.assignment_id,
        assignments.platform,
        assignments.stage,
        assignment_tasks.task_id,
        assignments.task_ref,
        assignments.worker_id,
        coalesce(decisions.decision, 'review') as decision,
        coalesce(decisions.reason_code, 'no_answers') as reason_code,
        decisions.reason,
        decisions.worker_state,
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

    left join decisions
        on
            assignments.platform = decisions.platform
            and assignments.assignment_id = decisions.assignment_id

)

select * from final
