{#-
    One row per assignment: approve, reject or review, with a machine-readable
    code and, for rejections, a reason the worker reads (under 1,024 characters).
    Honest disagreement is approved: only blank (where others found the
    answer), pasted or junk work from a blocked worker is rejected, and only
    when nothing it gave was accepted or backed by another worker. A distrusted
    worker's other work waits for review while its task is open, and is paid
    once the task is decided.

    A view: the assignments mart is its only reader, and building it there
    spares writing a million-row table that is read once.
-#}
{{ config(materialized='view') }}

with

answer_values as (

    select * from {{ ref('int_answer_values') }}

),

candidate_decisions as (

    select * from {{ ref('int_candidate_decisions') }}

),

field_decisions as (

    select * from {{ ref('int_task_field_decisions') }}

),

worker_states as (

    select * from {{ ref('int_worker_states') }}

),

answers_judged as (

    select
        answer_values.platform,
        answer_values.assignment_id,
        answer_values.worker_id,
        answer_values.task_id,
        answer_values.field,
        answer_values.value_class,
        coalesce(answer_values.is_valid, true) as is_valid,
        coalesce(candidate_decisions.is_accepted, false) as is_accepted,
        coalesce(candidate_decisions.usable_support, 0) as usable_support,
        coalesce(candidate_decisions.support, 0) as support,
        candidate_decisions.review_decision is not null
        and candidate_decisions.is_accepted as is_reviewer_confirmed,
        {#- any value the worker pasted into many tasks, given here alone -#}
        list_contains(worker_states.pasted_values, answer_values.value)
        and coalesce(candidate_decisions.support, 0) <= 1 as is_pasted,
        field_decisions.state as field_state

    from answer_values

    inner join worker_states
        on answer_values.worker_id = worker_states.worker_id

    left join candidate_decisions
        on
            answer_values.task_id = candidate_decisions.task_id
            and answer_values.field = candidate_decisions.field
            and (
                answer_values.value = candidate_decisions.value
                or (answer_values.value_class = 'none' and candidate_decisions.is_none)
            )

    left join field_decisions
        on
            answer_values.task_id = field_decisions.task_id
            and answer_values.field = field_decisions.field

),

per_assignment as (

    select
        platform,
        assignment_id,
        any_value(worker_id) as worker_id,
        bool_and(value_class = 'blank') as is_blank,
        bool_or(is_reviewer_confirmed) as is_reviewer_confirmed,
        bool_or(is_accepted) as has_accepted_answer,
        bool_or(value_class != 'blank' and support >= 2) as has_backed_answer,
        bool_or(is_pasted) as has_pasted_answer,
        bool_and(value_class != 'value' or not is_valid) as has_no_valid_value,
        bool_or(field_state = 'accepted') as task_has_accepted_value,
        bool_and(field_state in ('accepted', 'empty')) as task_is_decided

    from answers_judged

    group by platform, assignment_id

),

decided as (

    select
        per_assignment.*,
        worker_states.state as worker_state,
        case
            when per_assignment.is_reviewer_confirmed then 'confirmed_by_reviewer'
            when per_assignment.has_accepted_answer then 'answer_accepted'
            when
                per_assignment.is_blank
                and worker_states.state = 'blocked'
                and per_assignment.task_has_accepted_value
                then 'blank'
            when
                per_assignment.has_pasted_answer and worker_states.state = 'blocked'
                then 'pasted'
            when
                worker_states.state = 'blocked'
                and not per_assignment.has_backed_answer
                and per_assignment.task_is_decided
                then 'unsupported'
            when
                per_assignment.is_blank and per_assignment.task_has_accepted_value
                then 'blank_needs_review'
            when
                worker_states.is_distrusted
                and not per_assignment.task_is_decided
                then 'distrusted_worker'
            when
                worker_states.is_distrusted
                then 'benefit_of_doubt'
            else 'honest_answer'
        end as reason_code

    from per_assignment

    inner join worker_states
        on per_assignment.worker_id = worker_states.worker_id

),

final as (

    select
        platform,
        assignment_id,
        worker_id,
        worker_state,
        case
            when reason_code in ('blank', 'pasted', 'unsupported') then 'reject'
            when reason_code in ('blank_needs_review', 'distrusted_worker')
                then 'review'
            else 'approve'
        end as decision,
        reason_code,
        case reason_code
            when 'blank'
                then
                    'Every answer was left blank, although other workers found the'
                    || ' requested information on the page.'
            when 'pasted'
                then
                    'The same answer was pasted into many different tasks where no'
                    || ' other worker found it; it does not answer this task.'
            when 'unsupported' then
                'The answers did not match the information on the page that'
                || ' other workers found, and were not valid for this task.'
        end as reason

    from decided

)

select * from final
