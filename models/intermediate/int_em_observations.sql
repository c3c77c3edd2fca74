{#-
    One row per worker and candidate it spoke about. `says` is whether the
    worker gave the candidate. On multi-valued fields every worker who answered
    the task field speaks about every candidate (leaving one out is a vote
    against it); on single-valued fields only the candidate given is recorded,
    since giving one is already a vote against the others.
-#}

with

candidates as (

    select * from {{ ref('int_em_candidates') }}

),

votes as (

    select * from {{ ref('int_assignment_votes') }}

),

given as (

    select distinct
        worker_id,
        candidate_id

    from votes

),

single_valued as (

    select
        given.worker_id,
        candidates.stage,
        candidates.task_id,
        candidates.field,
        candidates.candidate_id,
        candidates.value_type,
        candidates.is_multi,
        true as says

    from given

    inner join candidates
        on given.candidate_id = candidates.candidate_id

    where not candidates.is_multi

),

answering_workers as (

    select distinct
        worker_id,
        task_id,
        field

    from votes

),

multi_valued as (

    select
        answering_workers.worker_id,
        candidates.stage,
        candidates.task_id,
        candidates.field,
        candidates.candidate_id,
        candidates.value_type,
        candidates.is_multi,
        given.candidate_id is not null as says

    from candidates

    inner join answering_workers
        on
            candidates.task_id = answering_workers.task_id
            and candidates.field = answering_workers.field

    left join given
        on
            answering_workers.worker_id = given.worker_id
            and candidates.candidate_id = given.candidate_id

    where candidates.is_multi

),

final as (

    select * from single_valued

    union all

    select * from multi_valued

)

select * from final
