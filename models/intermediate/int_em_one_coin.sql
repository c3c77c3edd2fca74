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
    each once and the cost grows linearly with `em_iterations`. The rounds join
    on integer keys numbered once at the start (`candidates`, `items`,
    `worker_stages`, `facts`) rather than on the text ids. A settled candidate
    (the only one of a single-valued task field, or on a gold task) has the
    same posterior in every round, so the rounds skip it: its credit to its
    workers is added once. With method `majority` no round runs and the
    posterior is the vote share.
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

observations as (

    select * from {{ ref('int_em_observations') }}

    where value_type != 'category'

),

worker_priors as (

    select * from {{ ref('int_worker_priors') }}

),

{# A task field whose candidates compete, numbered. #}
items as materialized (

    select
        task_id,
        field,
        row_number() over () as item_key,
        count(*) as n_item_candidates

    from item_candidates

    group by task_id, field

),

{#
    Each candidate, numbered, with the parts of its score that do not change
    from round to round: its prior's log-odds and, on a single-valued field,
    the log(K - 1) each worker who gives it adds.
-#}
candidates as materialized (

    select
        item_candidates.candidate_id,
        row_number() over () as candidate_key,
        items.item_key,
        item_candidates.is_multi,
        item_candidates.is_gold,
        item_candidates.is_gold_answer,
        item_candidates.n_answering,
        {{ hitflow_logit('item_candidates.prior') }} as prior_score,
        case
            when item_candidates.is_multi then 0.0
            else ln(item_candidates.n_candidates - 1)
        end as support_bonus,
        case
            when item_candidates.is_gold
                then item_candidates.is_gold_answer::double
            when not item_candidates.is_multi and items.n_item_candidates = 1
                then 1.0
        end as settled_posterior

    from item_candidates

    inner join items
        on
            item_candidates.task_id = items.task_id
            and item_candidates.field = items.field

),

{#
    A worker in a stage, numbered, with its prior, how often it spoke, and the
    credit its observations of settled candidates earn in every round.
#}
worker_stages as materialized (

    select
        observations.worker_id,
        observations.stage,
        row_number() over () as worker_stage_key,
        dense_rank() over (order by observations.worker_id) as worker_key,
        coalesce(any_value(worker_priors.prior_alpha), {{ alpha }}) as prior_alpha,
        coalesce(any_value(worker_priors.prior_beta), {{ beta }}) as prior_beta,
        count(*) as n_observations,
        coalesce(
            sum(
                case
                    when observations.says then candidates.settled_posterior
                    else 1 - candidates.settled_posterior
                end
            ),
            0.0
        ) as settled_credit

    from observations

    inner join candidates
        on observations.candidate_id = candidates.candidate_id

    left join worker_priors
        on observations.worker_id = worker_priors.worker_id

    group by observations.worker_id, observations.stage

),

{#
    One row per observation of a candidate still in play (not settled): a
    worker's weight counts for the candidate (`direction` 1) when it gave it,
    against it (-1) when it left it out of a multi-valued field.
-#}
facts as materialized (

    select
        candidates.candidate_key,
        worker_stages.worker_stage_key,
        observations.says,
        case when observations.says then 1.0 else -1.0 end as direction,
        candidates.support_bonus

    from observations

    inner join candidates
        on observations.candidate_id = candidates.candidate_id

    inner join worker_stages
        on
            observations.worker_id = worker_stages.worker_id
            and observations.stage = worker_stages.stage

    where candidates.settled_posterior is null

),

posterior_0 as materialized (

    {#- Round 0 (majority vote): the share of answering workers who gave it. -#}
    select
        candidates.candidate_key,
        candidates.item_key,
        count_if(facts.says) / any_value(candidates.n_answering) as posterior_raw

    from candidates

    inner join facts
        on candidates.candidate_key = facts.candidate_key

    group by candidates.candidate_key, candidates.item_key

),

{% for round in range(1, rounds + 1) %}
    quality_{{ round }} as materialized (

        {{ _hitflow_one_coin_m_step('posterior_' ~ (round - 1), shrinkage) }}

    ),

    posterior_{{ round }} as materialized (

        {{ _hitflow_one_coin_e_step('quality_' ~ round) }}

    ),

{% endfor %}
{#- Single-valued candidates of a task field sum to 1 (round 0 needs it). -#}
normalised as (

    select
        final_round.candidate_key,
        case
            when candidates.is_multi then final_round.posterior_raw
            else final_round.posterior_raw / sum(final_round.posterior_raw) over (
                partition by final_round.item_key
            )
        end as posterior

    from posterior_{{ rounds }} as final_round

    inner join candidates
        on final_round.candidate_key = candidates.candidate_key

    union all

    select
        candidate_key,
        settled_posterior as posterior

    from candidates

    where settled_posterior is not null

),

final as (

    select
        item_candidates.candidate_id,
        item_candidates.stage,
        item_candidates.task_id,
        item_candidates.field,
        item_candidates.is_multi,
        least(greatest(normalised.posterior, 0.0), 1.0) as posterior,
        {{ rounds }} as em_rounds

    from normalised

    inner join candidates
        on normalised.candidate_key = candidates.candidate_key

    inner join item_candidates
        on candidates.candidate_id = item_candidates.candidate_id

)

select * from final
