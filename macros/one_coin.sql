{#
    The two halves of a one-coin Dawid-Skene round, used by int_em_one_coin.
    Private: they expect that model's CTEs (candidates, worker_stages, facts);
    settled candidates have no facts and are never re-scored.
#}

{#-
    M-step: each worker's accuracy is the expected share of its observations
    that were right, under a Beta prior (worker_stages: the project prior moved
    by the platform's approval rate). The stage estimate is shrunk towards the
    worker's estimate across stages, so a spammer caught in one stage is known
    in the next. Returns the log-odds of each worker's accuracy in each stage,
    the weight the E-step gives its word.
-#}
{% macro _hitflow_one_coin_m_step(posterior, shrinkage) %}
    with per_stage as (

        select
            facts.worker_stage_key,
            sum(
                case
                    when facts.says then {{ posterior }}.posterior_raw
                    else 1 - {{ posterior }}.posterior_raw
                end
            ) as credit

        from facts

        inner join {{ posterior }}
            on facts.candidate_key = {{ posterior }}.candidate_key

        group by facts.worker_stage_key

    ),

    {#- Settled candidates add the same credit every round. -#}
    credited as (

        select
            worker_stages.worker_stage_key,
            coalesce(per_stage.credit, 0.0) + worker_stages.settled_credit as credit,
            worker_stages.worker_key,
            worker_stages.n_observations,
            worker_stages.prior_alpha,
            worker_stages.prior_beta

        from worker_stages

        left join per_stage
            on worker_stages.worker_stage_key = per_stage.worker_stage_key

    ),

    across_stages as (

        select
            worker_key,
            (any_value(prior_alpha) + sum(credit))
            / (
                any_value(prior_alpha)
                + any_value(prior_beta)
                + sum(n_observations)
            ) as global_quality

        from credited

        group by worker_key

    )

    select
        credited.worker_stage_key,
        {{ hitflow_logit(
            '(' ~ hitflow_clip_probability(
                '(' ~ shrinkage ~ ' * across_stages.global_quality + credited.credit)'
                ~ ' / (' ~ shrinkage ~ ' + credited.n_observations)'
            ) ~ ')'
        ) }} as weight

    from credited

    inner join across_stages
        on credited.worker_key = across_stages.worker_key
{% endmacro %}

{#-
    E-step: each candidate's posterior from the workers who spoke about it.
    Single-valued: a softmax over the task field's candidates. Multi-valued: a
    logistic of the summed votes for and against. A score is bounded by the
    number of workers times the largest weight (about 7 plus log K), far inside
    what `exp` can take; it is clamped to +-500 only to keep a pathological task
    (hundreds of workers on one item) finite.
-#}
{% macro _hitflow_one_coin_e_step(quality) %}
    with evidence as (

        select
            facts.candidate_key,
            sum(
                facts.direction * {{ quality }}.weight + facts.support_bonus
            ) as evidence

        from facts

        inner join {{ quality }}
            on facts.worker_stage_key = {{ quality }}.worker_stage_key

        group by facts.candidate_key

    ),

    scored as (

        select
            candidates.candidate_key,
            candidates.item_key,
            candidates.is_multi,
            exp(least(greatest(
                candidates.prior_score + evidence.evidence, -500
            ), 500)) as odds

        from evidence

        inner join candidates
            on evidence.candidate_key = candidates.candidate_key

    ),

    {#- A single-valued task field's total odds, the softmax's denominator. -#}
    item_odds as (

        select
            item_key,
            sum(odds) as total_odds

        from scored

        where not is_multi

        group by item_key

    )

    select
        scored.candidate_key,
        scored.item_key,
        case
            when scored.is_multi then scored.odds / (1 + scored.odds)
            else scored.odds / item_odds.total_odds
        end as posterior_raw

    from scored

    left join item_odds
        on scored.item_key = item_odds.item_key
{% endmacro %}
