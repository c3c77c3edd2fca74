{#-
    One row per assignment: the task it answered. A task is its stage and the
    normalised values of the stage's key inputs (all inputs when the stage names
    none), so re-published or extended work on the same inputs is one task.
-#}

with

assignments as (

    select * from {{ ref('stg_assignments') }}

),

inputs as (

    select * from {{ ref('stg_inputs') }}

),

stages as (

    select * from {{ ref('int_pipeline_stages') }}

),

key_values as (

    select
        inputs.platform,
        inputs.assignment_id,
        assignments.stage,
        inputs.input_name,
        {{ hitflow_normalise_key_text('inputs.input_value') }} as key_value

    from inputs

    inner join assignments
        on
            inputs.platform = assignments.platform
            and inputs.assignment_id = assignments.assignment_id

    inner join stages
        on assignments.stage = stages.stage

    where
        len(stages.key_inputs) = 0
        or list_contains(stages.key_inputs, inputs.input_name)

),

{#
    The key is `name=value` pairs in input-name order, joined by a unit
    separator. Sorting each assignment's small list of [name, value] pairs
    costs less than an ordered string_agg.
#}
task_keys as (

    select
        platform,
        assignment_id,
        stage,
        array_to_string(
            list_transform(
                list_sort(list([input_name, coalesce(key_value, '')])),
                lambda _input: _input[1] || '=' || _input[2]
            ),
            chr(31)
        ) as task_key

    from key_values

    group by platform, assignment_id, stage

),

final as (

    select
        platform,
        assignment_id,
        stage,
        task_key,
        md5(stage || chr(30) || task_key) as task_id

    from task_keys

)

select * from final
