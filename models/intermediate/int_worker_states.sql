{#-
    One row per worker: trust (accuracy times every trust term's complement),
    the state it puts the worker in, and the reason, in words a requester reads.
    States: new (too few assignments to judge), ok, trusted, suspect, blocked.
    A suspect or blocked worker is distrusted: its word does not count towards
    accepting a value, and its open work waits for review.
-#}
{%- set min_assignments = hitflow_trust('min_assignments', 3) -%}
{%- set block_below = hitflow_trust('block_below', 0.35) -%}
{%- set suspect_below = hitflow_trust('suspect_below', 0.6) -%}
{%- set trusted_accuracy = hitflow_trust('trusted_accuracy', 0.9) -%}
{%- set trusted_min = hitflow_trust('trusted_min_answers', 10) -%}

with

signals as (

    select * from {{ ref('int_worker_signals') }}

),

accuracy as (

    select * from {{ ref('int_worker_accuracy') }}

),

worker_accuracy as (

    select
        worker_id,
        any_value(accuracy) as accuracy,
        any_value(n_answers) as n_answers,
        list(stage order by stage) as stages

    from accuracy

    group by worker_id

),

scored as (

    select
        signals.*,
        coalesce(worker_accuracy.accuracy, 0.5) as accuracy,
        coalesce(worker_accuracy.n_answers, 0) as n_answers,
        worker_accuracy.stages,
        {{ hitflow_trust_expression('coalesce(worker_accuracy.accuracy, 0.5)') }}
            as trust

    from signals

    left join worker_accuracy
        on signals.worker_id = worker_accuracy.worker_id

),

explained as (

    select
        *,
        case
            when n_blank >= 2 and blank_rate >= 0.5
                then
                    'left ' || n_blank || ' of ' || n_assignments
                    || ' assignments blank where others found answers'
            when n_copy_paste_tasks >= 3
                then
                    'gave the same value in ' || n_copy_paste_tasks
                    || ' tasks where no other worker gave it'
            when n_too_fast >= 2 and too_fast_rate >= 0.5
                then
                    'finished ' || n_too_fast || ' of ' || n_assignments
                    || ' assignments in a fraction of the usual time'
            when n_invalid >= 2 and invalid_rate >= 0.5
                then n_invalid || ' of ' || n_values || ' values were not valid'
            else
                'answers agree with other workers in about '
                || round(100 * accuracy) || '% of ' || n_answers || ' cases'
        end as reason

    from scored

),

states as (

    select
        worker_id,
        case
            when n_assignments < {{ min_assignments }} and trust >= {{ block_below }}
                then 'new'
            when trust < {{ block_below }} then 'blocked'
            when trust < {{ suspect_below }} then 'suspect'
            when
                accuracy >= {{ trusted_accuracy }}
                and n_answers >= {{ trusted_min }}
                and trust >= {{ trusted_accuracy }}
                then 'trusted'
            else 'ok'
        end as state,
        trust,
        accuracy,
        n_assignments,
        n_tasks,
        n_answers,
        stages,
        blank_rate,
        too_fast_rate,
        invalid_rate,
        n_copy_paste_tasks,
        most_pasted_value,
        pasted_values,
        platform_approval_rate,
        reason

    from explained

),

{# The one place that says which states are distrusted. #}
final as (

    select
        *,
        state in ('suspect', 'blocked') as is_distrusted

    from states

)

select * from final
