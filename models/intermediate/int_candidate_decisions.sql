{#-
    One row per candidate: its posterior and what the model makes of it.
    A candidate is `accepted` when its posterior reaches the stage's
    `accept_confidence`, it passes its validity check (or is the explicit
    "none"), and either two usable workers gave it, a trusted worker did, or the
    task is gold: a single answer is never accepted on its own. A trusted
    worker's lone answer counts only when no other usable worker answered the
    task field differently.
    It is `uncertain` when it is not accepted but its posterior reaches
    `review_confidence`; below that it is dismissed.
-#}

with

candidates as (

    select * from {{ ref('int_candidates') }}

),

posteriors as (

    select * from {{ ref('int_candidate_posteriors') }}

),

em_candidates as (

    select * from {{ ref('int_em_candidates') }}

),

votes as (

    select * from {{ ref('int_assignment_votes') }}

),

worker_states as (

    select * from {{ ref('int_worker_states') }}

),

stages as (

    select * from {{ ref('int_pipeline_stages') }}

),

reviewed as (

    select * from {{ ref('int_reviewed_items') }}

),

{# Each worker once per candidate it gave, however many of its assignments gave it. #}
usable_votes as (

    select distinct
        votes.task_id,
        votes.field,
        votes.candidate_id,
        votes.worker_id,
        not worker_states.is_distrusted as is_usable,
        worker_states.state = 'trusted' as is_trusted

    from votes

    inner join worker_states
        on votes.worker_id = worker_states.worker_id

),

{# Usable workers who answered the task field at all. #}
answering as (

    select
        task_id,
        field,
        count(distinct worker_id) filter (where is_usable) as usable_answering

    from usable_votes

    group by task_id, field

),

backing as (

    select
        usable_votes.candidate_id,
        count_if(usable_votes.is_usable) as usable_support,
        count_if(usable_votes.is_trusted) as trusted_support,
        any_value(answering.usable_answering) as usable_answering

    from usable_votes

    inner join answering
        on
            usable_votes.task_id = answering.task_id
            and usable_votes.field = answering.field

    group by usable_votes.candidate_id

),

judged as (

    select
        candidates.candidate_id,
        candidates.stage,
        candidates.task_id,
        candidates.field,
        candidates.value,
        candidates.display_value,
        candidates.value_type,
        candidates.is_none,
        candidates.is_valid,
        candidates.invalid_reason,
        candidates.support,
        candidates.partial_support,
        candidates.share,
        candidates.entropy,
        candidates.worker_ids,
        em_candidates.is_multi,
        em_candidates.is_gold,
        posteriors.posterior,
        coalesce(backing.usable_support, 0) as usable_support,
        coalesce(backing.trusted_support, 0) as trusted_support,
        coalesce(backing.usable_answering, 0) as usable_answering,
        stages.accept_confidence,
        stages.review_confidence,
        coalesce(candidate_reviews.decision, field_reviews.decision) as review_decision,
        case
            when candidate_reviews.decision = 'accept' then true
            when candidate_reviews.decision in ('correct', 'none', 'rerun') then false
            when field_reviews.decision in ('accept', 'correct')
                then candidates.value = field_reviews.corrected_normalised
            when field_reviews.decision = 'none' then candidates.is_none
            when field_reviews.decision = 'rerun' then false
        end as is_accepted_by_reviewer

    from candidates

    inner join posteriors
        on candidates.candidate_id = posteriors.candidate_id

    inner join em_candidates
        on candidates.candidate_id = em_candidates.candidate_id

    inner join stages
        on candidates.stage = stages.stage

    left join backing
        on candidates.candidate_id = backing.candidate_id

    left join reviewed as candidate_reviews
        on candidates.candidate_id = candidate_reviews.candidate_id

    left join reviewed as field_reviews
        on
            candidates.task_id = field_reviews.task_id
            and candidates.field = field_reviews.field
            and field_reviews.candidate_id is null

),

model_judged as (

    select
        *,
        posterior >= accept_confidence
        and (coalesce(is_valid, false) or is_none)
        and (
            usable_support >= 2
            or (trusted_support >= 1 and usable_support = usable_answering)
            or is_gold
        ) as is_accepted_by_model

    from judged

),

final as (

    select
        *,
        coalesce(is_accepted_by_reviewer, is_accepted_by_model) as is_accepted,
        case
            when review_decision is not null then 'reviewed'
            when
                posterior >= accept_confidence
                and not (coalesce(is_valid, false) or is_none)
                then 'invalid'
            when posterior >= accept_confidence and not is_accepted_by_model
                then 'single_answer'
            when posterior >= accept_confidence then 'confident'
            when posterior >= review_confidence then 'contested'
            else 'dismissed'
        end as verdict

    from model_judged

)

select * from final
