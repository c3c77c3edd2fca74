with

candidate_decisions as (

    select * from {{ ref('int_candidate_decisions') }}

),

field_decisions as (

    select * from {{ ref('int_task_field_decisions') }}

),

reviewed as (

    select * from {{ ref('int_reviewed_items') }}

),

from_workers as (

    select
        candidate_decisions.candidate_id,
        candidate_decisions.stage,
        candidate_decisions.task_id,
        candidate_decisions.field,
        candidate_decisions.value,
        candidate_decisions.display_value,
        candidate_decisions.value_type,
        candidate_decisions.is_none,
        candidate_decisions.is_valid,
        candidate_decisions.invalid_reason,
        candidate_decisions.support,
        candidate_decisions.partial_support,
        candidate_decisions.share,
        candidate_decisions.entropy,
        candidate_decisions.posterior as confidence,
        candidate_decisions.is_accepted
        and field_decisions.state in ('accepted', 'empty') as accepted,
        candidate_decisions.verdict,
        candidate_decisions.worker_ids,
        'workers' as source

    from candidate_decisions

    inner join field_decisions
        on
            candidate_decisions.task_id = field_decisions.task_id
            and candidate_decisions.field = field_decisions.field

),

from_reviewers as (

    {#- A reviewer's corrected value that no worker gave. -#}
    select
        md5(
            reviewed.task_id || '|' || reviewed.field || '|'
            || reviewed.corrected_normalised
        ) as candidate_id,
        reviewed.stage,
        reviewed.task_id,
        reviewed.field,
        reviewed.corrected_normalised as value,
        reviewed.corrected_display as display_value,
        reviewed.value_type,
        false as is_none,
        true as is_valid,
        null::varchar as invalid_reason,
        0 as support,
        0.0 as partial_support,
        0.0 as share,
        null::double as entropy,
        1.0 as confidence,
        true as accepted,
        'reviewed' as verdict,
        []::varchar[] as worker_ids,
        'reviewer' as source

    from reviewed

    where
        reviewed.decision = 'correct'
        and not exists (
            select 1
            from candidate_decisions
            where
                candidate_decisions.task_id = reviewed.task_id
                and candidate_decisions.field = reviewed.field
                and candidate_decisions.value = reviewed.corrected_normalised
        )

),

final as (

    select * from from_workers

    union all

    select * from from_reviewers

)

select
    candidate_id,
    stage,
    task_id,
    field,
    value,
    display_value,
    value_type,
    is_none,
    is_valid,
    invalid_reason,
    support,
    partial_support,
    share,
    entropy,
    confidence,
    accepted,
    verdict,
    worker_ids,
    source

from final
