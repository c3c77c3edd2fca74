{#-
    One row per worker and stage: the worker's accuracy, the expected share of
    its answers that were right under the final posteriors (with the worker's
    Beta prior), in that stage and across all stages.
-#}
{%- set shrinkage = hitflow_trust('stage_shrinkage', 5) -%}

with

observations as (

    select * from {{ ref('int_em_observations') }}

),

posteriors as (

    select * from {{ ref('int_candidate_posteriors') }}

),

worker_priors as (

    select * from {{ ref('int_worker_priors') }}

),

credited as (

    select
        observations.worker_id,
        observations.stage,
        case
            when observations.says then posteriors.posterior
            else 1 - posteriors.posterior
        end as credit

    from observations

    inner join posteriors
        on observations.candidate_id = posteriors.candidate_id

),

per_stage as (

    select
        worker_id,
        stage,
        sum(credit) as credit,
        count(*) as n_answers

    from credited

    group by worker_id, stage

),

across_stages as (

    select
        per_stage.worker_id,
        sum(per_stage.n_answers) as n_answers,
        (any_value(worker_priors.prior_alpha) + sum(per_stage.credit))
        / (
            any_value(worker_priors.prior_alpha)
            + any_value(worker_priors.prior_beta)
            + sum(per_stage.n_answers)
        ) as accuracy

    from per_stage

    inner join worker_priors
        on per_stage.worker_id = worker_priors.worker_id

    group by per_stage.worker_id

),

final as (

    select
        per_stage.worker_id,
        per_stage.stage,
        per_stage.n_answers as stage_answers,
        ({{ shrinkage }} * across_stages.accuracy + per_stage.credit)
        / ({{ shrinkage }} + per_stage.n_answers) as stage_accuracy,
        across_stages.n_answers,
        across_stages.accuracy

    from per_stage

    inner join across_stages
        on per_stage.worker_id = across_stages.worker_id

)

select * from final
