{#
    The two halves of a one-coin Dawid-Skene round, used by int_em_one_coin.
    Private: they expect that model's CTEs (observations, item_candidates,
    worker_priors).
#}

{#-
    M-step: each worker's accuracy is the expected share of its observations
    that were right, under a Beta prior (worker_priors: the project prior moved
    by the platform's approval rate). The stage estimate is shrunk towards the
    worker's estimate across stages, so a spammer caught in one stage is known
    in the next.
-#}
{% macro _hitflow_one_coin_m_step(posterior, alpha, beta, shrinkage) %}
    with credited as (

        select
            observations.worker_id,
            observations.stage,
            case
                when observations.says then {{ posterior }}.posterior_raw
                else 1 - {{ posterior }}.posterior_raw
            end as credit

        from observations

        inner join {{ posterior }}
            on observations.candidate_id = {{ posterior }}.candidate_id

    ),

    per_stage as (

        select
            worker_id,
            stage,
            sum(credit) as credit,
            count(*) as n_observations

        from credited

        group by worker_id, stage

    ),

    across_stages as (

        select
            per_stage.worker_id,
            (coalesce(any_value(worker_priors.prior_alpha), {{ alpha }}) + sum(per_stage.credit))
            / (
                coalesce(any_value(worker_priors.prior_alpha), {{ alpha }})
                + coalesce(any_value(worker_priors.prior_beta), {{ beta }})
                + sum(per_stage.n_observations)
            ) as global_quality

        from per_stage

        left join worker_priors
            on per_stage.worker_id = worker_priors.worker_id

        group by per_stage.worker_id

    )

    select
        per_stage.worker_id,
        per_stage.stage,
        {{ hitflow_clip_probability(
            '(' ~ shrinkage ~ ' * across_stages.global_quality + per_stage.credit)'
            ~ ' / (' ~ shrinkage ~ ' + per_stage.n_observations)'
        ) }} as quality

    from per_stage

    inner join across_stages
        on per_stage.worker_id = across_stages.worker_id
{% endmacro %}

{#-
    E-step: each candidate's posterior from the workers who spoke about it.
    Single-valued: a softmax over the task field's candidates. Multi-valued: a
    logistic of the summed votes for and against.
-#}
{% macro _hitflow_one_coin_e_step(quality) %}
    with weighed as (

        select
            item_candidates.candidate_id,
            item_candidates.task_id,
            item_candidates.field,
            item_candidates.is_multi,
            item_candidates.n_candidates,
            item_candidates.prior,
            item_candidates.is_gold,
            item_candidates.is_gold_answer,
            sum(
                case
                    when item_candidates.is_multi and observations.says
                        then {{ hitflow_logit(quality ~ '.quality') }}
                    when item_candidates.is_multi
                        then -{{ hitflow_logit(quality ~ '.quality') }}
                    else {{ hitflow_logit(quality ~ '.quality') }}
                        + ln(item_candidates.n_candidates - 1)
                end
            ) as evidence

        from item_candidates

        inner join observations
            on item_candidates.candidate_id = observations.candidate_id

        inner join {{ quality }}
            on
                observations.worker_id = {{ quality }}.worker_id
                and observations.stage = {{ quality }}.stage

        group by all

    ),

    scored as (

        select
            *,
            {{ hitflow_logit('prior') }} + evidence as score

        from weighed

    ),

    centred as (

        select
            *,
            exp(score - max(score) over (partition by task_id, field)) as odds

        from scored

    )

    select
        candidate_id,
        case
            when is_gold then is_gold_answer::double
            when is_multi then 1 / (1 + exp(-score))
            else odds / sum(odds) over (partition by task_id, field)
        end as posterior_raw

    from centred
{% endmacro %}
