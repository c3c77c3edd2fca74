{#-
    Task state, from its fields' states: exhausted, then rerun, then review
    win over accepted; a task is empty only when every field is empty.
-#}

with

field_decisions as (

    select * from {{ ref('int_task_field_decisions') }}

),

assignment_tasks as (

    select * from {{ ref('int_assignment_tasks') }}

),

assignments as (

    select * from {{ ref('stg_assignments') }}

),

task_inputs as (

    select * from {{ ref('int_task_inputs') }}

),

stages as (

    select * from {{ ref('int_pipeline_stages') }}

),

task_work as (

    select
        assignment_tasks.stage,
        assignment_tasks.task_id,
        any_value(assignment_tasks.task_key) as task_key,
        count(*) as n_assignments,
        len(list_distinct(list(assignments.worker_id))) as n_workers,
        list_sort(list_distinct(list(assignments.task_ref))) as task_refs,
        min(assignments.submitted_at) as first_submitted_at,
        max(assignments.submitted_at) as last_submitted_at

    from assignment_tasks

    inner join assignments
        on
            assignment_tasks.platform = assignments.platform
            and assignment_tasks.assignment_id = assignments.assignment_id

    group by assignment_tasks.stage, assignment_tasks.task_id

),

{#
    Each input as a `"name":"value"` JSON member, ranked: the stage's key
    inputs first in their defined order, then the others by name. A fixed
    order means every build writes the same text, and a reviewer sees the
    inputs that identify the task first.
#}
input_members as (

    select
        task_inputs.task_id,
        coalesce(
            list_position(stages.key_inputs, task_inputs.input_name),
            len(stages.key_inputs) + 1
        ) as input_rank,
        task_inputs.input_name,
        {{ hitflow_json_string('task_inputs.input_name') }}
        || ':'
        || {{ hitflow_json_string('task_inputs.input_value') }} as json_member

    from task_inputs

    inner join stages
        on task_inputs.stage = stages.stage

),

inputs_by_task as (

    select
        task_id,
        '{'
        || array_to_string(
            list_transform(
                list_sort(list((input_rank, input_name, json_member))),
                lambda _member: _member[3]
            ),
            ','
        )
        || '}' as inputs_json

    from input_members

    group by task_id

),

field_states as (

    select
        *,
        case
            when state not in ('accepted', 'empty') then field || ': ' || reason
        end as open_reason

    from field_decisions

),

field_summary as (

    select
        task_id,
        case
            when bool_or(state = 'exhausted') then 'exhausted'
            when bool_or(state = 'rerun') then 'rerun'
            when bool_or(state = 'review') then 'review'
            when bool_and(state = 'empty') then 'empty'
            else 'accepted'
        end as state,
        min(confidence) as confidence,
        max(assignments_needed) as assignments_needed,
        count_if(state = 'accepted') as n_fields_accepted,
        count_if(state = 'empty') as n_fields_empty,
        count(*) as n_fields,
        {#- open fields in name order, so rebuilds write the same text -#}
        nullif(
            array_to_string(list_sort(list_distinct(list(open_reason))), '; '), ''
        ) as reason

    from field_states

    group by task_id

),

final as (

    select
        task_work.stage,
        task_work.task_id,
        field_summary.state,
        field_summary.confidence,
        task_work.n_assignments,
        task_work.n_workers,
        field_summary.assignments_needed::bigint as assignments_needed,
        field_summary.n_fields::bigint as n_fields,
        field_summary.n_fields_accepted::bigint as n_fields_accepted,
        field_summary.n_fields_empty::bigint as n_fields_empty,
        field_summary.reason,
        task_work.task_key,
        inputs_by_task.inputs_json,
        task_work.task_refs,
        task_work.first_submitted_at,
        task_work.last_submitted_at

    from task_work

    inner join field_summary
        on task_work.task_id = field_summary.task_id

    left join inputs_by_task
        on task_work.task_id = inputs_by_task.task_id

)

select * from final
