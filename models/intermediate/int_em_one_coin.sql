{#-
    One-coin Dawid-Skene over each task's own candidates, for every field that is
    not a `category`: one accuracy per worker (per stage, shrunk towards the
    worker's accuracy across stages), no global class list, so ten thousand
    distinct URLs cost no more than ten thousand answers.

    Single-valued fields: the candidates of a task field compete (a softmax);
    a worker of accuracy q moves the log-odds of the candidate it gave by
    log(q (K - 1) / (1 - q)), K the number of candidates (at least 2).
    Multi-valued fields (e-mails, clubs): each candidate is true or false on its
    own; every worker who answered the task field votes for the candidates it
    listed and against the ones it did not, with weight logit(q).
    Invalid candidates start from a low prior; gold tasks are clamped to their
    known answer in every round.

    Each round is one materialised CTE pair (M-step, E-step), so DuckDB computes
    each once and the cost grows linearly with `em_iterations`. With method
    `majority` no round runs and the posterior is the vote share.
-#}
{%- set rounds = hitflow_trust('em_iterations', 10) | int
    if hitflow_trust('method', 'em') == 'em' else 0 -%}
{%- set alpha = hitflow_trust('prior_alpha', 3) -%}
{%- set beta = hitflow_trust('prior_beta', 1) -%}
{%- set shrinkage = hitflow_trust('stage_shrinkage', 5) -%}

with

item_candidates as (

    select * from {{ ref('int_em_candidates') }}

    where value_type != 'category'

),

observations as materialized (

    select * from {{ ref('int_em_observations') }}

    where value_type != 'category'

),

worker_priors as (

    select * from {{ ref('int_worker_priors') }}

),

posterior_0 as materialized (

    {#- Round 0 (majority vote): the share of answering workers who gave it. -#}
    select
        item_candidates.candidate_id,
        case
            when any_value(item_candidates.is_gold)
                then any_value(item_candidates.is_gold_answer)::double
            else count_if(observations.says) / any_value(item_candidates.n_answering)
        end as posterior_raw

    from item_candidates

    inner join observations
        on item_candidates.candidate_id = observations.candidate_id

    group by item_candidates.candidate_id

),

{% for round in range(1, rounds + 1) %}
    quality_{{ round }} as materialized (

        {{ _hitflow_one_coin_m_step(
            'posterior_' ~ (round - 1), alpha, beta, shrinkage
        ) }}

    ),

    posterior_{{ round }} as materialized (

        {{ _hitflow_one_coin_e_step('quality_' ~ round) }}

    ),

{% endfor %}
normalised as (

    {#- Single-valued candidates of a task field sum to 1 (round 0 needs it). -#}
    select
        item_candidates.candidate_id,
        item_candidates.stage,
        item_candidates.task_id,
        item_candidates.field,
        item_candidates.is_multi,
        case
            when item_candidates.is_gold
                then case when item_candidates.is_gold_answer then 1.0 else 0.0 end
            when item_candidates.is_multi then final_round.posterior_raw
            else final_round.posterior_raw / sum(final_round.posterior_raw) over (
                partition by item_candidates.task_id, item_candidates.field
            )
        end as posterior

    from item_candidates

    inner join posterior_{{ rounds }} as final_round
        on item_candidates.candidate_id = final_round.candidate_id

),

final as (

    select
        candidate_id,
        stage,
        task_id,
        field,
        is_multi,
        least(greatest(posterior, 0.0), 1.0) as posterior,
        {{ rounds }} as em_rounds

    from normalised

)

select * from final
