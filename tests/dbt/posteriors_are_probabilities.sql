{#-
    Quality gate: every posterior lies in [0, 1], and the candidates of a
    single-valued task field sum to 1 (multi-valued candidates are judged one
    by one, so only the range applies to them).
-#}
with

posteriors as (

    select * from {{ ref('int_candidate_posteriors') }}

),

out_of_range as (

    select
        task_id,
        field,
        'posterior outside [0, 1]' as problem

    from posteriors

    where posterior < 0 or posterior > 1 or posterior is null

),

bad_sums as (

    select
        task_id,
        field,
        'single-valued posteriors sum to ' || round(sum(posterior), 6) as problem

    from posteriors

    where not is_multi

    group by task_id, field

    having abs(sum(posterior) - 1) > 1e-6

)

select * from out_of_range

union all

select * from bad_sums
