{{ config(tags=["model_logic"]) }}
{#-
    Support is counted in workers: at least 1 and at most the workers who
    answered the field; partial support adds at most half a vote per other
    answering worker; shares lie in (0, 1] and entropy is not negative.
-#}

with

candidates as (

    select * from {{ ref('int_candidates') }}

),

validation_errors as (

    select
        candidate_id,
        n_workers,
        n_blank,
        support,
        partial_support,
        share,
        entropy

    from candidates

    where
        support < 1
        or support > n_workers
        or partial_support < support
        or partial_support > support + 0.5 * (n_workers - support)
        or share <= 0
        or share > 1
        or entropy < 0

)

select * from validation_errors
