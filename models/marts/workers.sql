with

worker_states as (

    select * from {{ ref('int_worker_states') }}

),

assignments as (

    select * from {{ ref('stg_assignments') }}

),

spend as (

    select
        worker_id,
        any_value(platform) as platform,
        min(submitted_at) as first_submitted_at,
        max(submitted_at) as last_submitted_at

    from assignments

    group by worker_id

),

final as (

    select
        worker_states.worker_id,
        spend.platform,
        worker_states.state,
        worker_states.trust,
        worker_states.accuracy,
        worker_states.n_assignments::bigint as n_assignments,
        worker_states.n_tasks::bigint as n_tasks,
        worker_states.n_answers::bigint as n_answers,
        worker_states.stages,
        worker_states.blank_rate,
        worker_states.too_fast_rate,
        worker_states.invalid_rate,
        worker_states.n_copy_paste_tasks::bigint as n_copy_paste_tasks,
        worker_states.platform_approval_rate,
        worker_states.reason,
        spend.first_submitted_at,
        spend.last_submitted_at

    from worker_states

    left join spend
        on worker_states.worker_id = spend.worker_id

)

select * from final
