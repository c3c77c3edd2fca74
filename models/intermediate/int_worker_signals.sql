{#-
    One row per worker: the spam signals, each a separate, documented column
    that a trust term can use. `n_blank` counts wholly blank assignments on
    tasks where at least two other workers found values.
-#}
{%- set fast_fraction = hitflow_trust('fast_fraction', 0.25) -%}
{%- set paste_min = hitflow_trust('copy_paste_min_tasks', 3) -%}

with

assignments as not materialized (

    select * from {{ ref('stg_assignments') }}

),

answer_values as not materialized (

    select * from {{ ref('int_answer_values') }}

),

candidates as (

    select * from {{ ref('int_candidates') }}

),

worker_priors as (

    select * from {{ ref('int_worker_priors') }}

),

stage_medians as (

    select
        stage,
        median(work_seconds) as median_work_seconds

    from assignments

    group by stage

),

assignment_facts as (

    select
        answer_values.platform,
        answer_values.assignment_id,
        any_value(answer_values.worker_id) as worker_id,
        any_value(answer_values.task_id) as task_id,
        bool_and(answer_values.value_class = 'blank') as is_blank,
        count_if(answer_values.value_class = 'value') as n_values,
        count_if(answer_values.value_class = 'value' and not answer_values.is_valid)
            as n_invalid

    from answer_values

    group by answer_values.platform, answer_values.assignment_id

),

{# Workers who gave a value (not blank, not none) in each task. #}
task_value_workers as (

    select distinct
        task_id,
        worker_id

    from answer_values

    where value_class = 'value'

),

task_answerers as (

    select
        task_id,
        count(*) as n_with_values

    from task_value_workers

    group by task_id

),

timed as (

    select
        assignment_facts.*,
        {#- A blank counts against a worker only where two others found values:
            "no relevant clubs here" is also a blank form. -#}
        assignment_facts.is_blank and task_answerers.n_with_values >= 2
            as is_contradicted_blank,
        coalesce(
            assignments.work_seconds
            < {{ fast_fraction }} * stage_medians.median_work_seconds,
            false
        ) as is_too_fast

    from assignment_facts

    inner join assignments
        on
            assignment_facts.platform = assignments.platform
            and assignment_facts.assignment_id = assignments.assignment_id

    left join stage_medians
        on assignments.stage = stage_medians.stage

    left join task_answerers
        on assignment_facts.task_id = task_answerers.task_id

),

lonely_values as (

    {#- Values a worker gave that no other worker gave in that task. -#}
    select distinct
        answer_values.worker_id,
        answer_values.task_id,
        answer_values.value

    from answer_values

    inner join candidates
        on
            answer_values.task_id = candidates.task_id
            and answer_values.field = candidates.field
            and answer_values.value = candidates.value

    where answer_values.value_class = 'value' and candidates.support = 1

),

pasted_counts as (

    select
        worker_id,
        value,
        count(*) as n_tasks

    from lonely_values

    group by worker_id, value

    having count(*) >= {{ paste_min }}

),

pasted as (

    select
        worker_id,
        sum(n_tasks) as n_copy_paste_tasks,
        {#- Ties go to the value that sorts first, so rebuilds agree. -#}
        arg_min(value, struct_pack(n_tasks := -n_tasks, value)) as most_pasted_value,
        list_sort(list(value)) as pasted_values

    from pasted_counts

    group by worker_id

),

per_worker as (

    select
        worker_id,
        count(*) as n_assignments,
        count(distinct task_id) as n_tasks,
        count_if(is_contradicted_blank) as n_blank,
        count_if(is_too_fast) as n_too_fast,
        sum(n_values) as n_values,
        sum(n_invalid) as n_invalid

    from timed

    group by worker_id

),

final as (

    select
        per_worker.worker_id,
        per_worker.n_assignments,
        per_worker.n_tasks,
        per_worker.n_blank,
        per_worker.n_blank / per_worker.n_assignments as blank_rate,
        per_worker.n_too_fast,
        per_worker.n_too_fast / per_worker.n_assignments as too_fast_rate,
        per_worker.n_values,
        per_worker.n_invalid,
        coalesce(per_worker.n_invalid / nullif(per_worker.n_values, 0), 0)
            as invalid_rate,
        coalesce(pasted.n_copy_paste_tasks, 0) as n_copy_paste_tasks,
        pasted.most_pasted_value,
        coalesce(pasted.pasted_values, []::varchar[]) as pasted_values,
        worker_priors.platform_approval_rate

    from per_worker

    left join pasted
        on per_worker.worker_id = pasted.worker_id

    left join worker_priors
        on per_worker.worker_id = worker_priors.worker_id

)

select * from final
