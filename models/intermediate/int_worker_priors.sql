{#-
    One row per worker: the Beta prior on its accuracy. The project prior
    (`prior_alpha`, `prior_beta`) is moved by the platform's lifetime approval
    rate, worth `approval_rate_weight` answers: a weak hint, since approval
    rates are easily inflated.
-#}
{%- set alpha = hitflow_trust('prior_alpha', 3) -%}
{%- set beta = hitflow_trust('prior_beta', 1) -%}
{%- set weight = hitflow_trust('approval_rate_weight', 2) -%}

with

assignments as (

    select * from {{ ref('stg_assignments') }}

),

latest_rates as (

    select
        worker_id,
        {#- the latest rate; of two at the same time, the higher -#}
        arg_max(
            platform_approval_rate,
            struct_pack(
                submitted_at := coalesce(submitted_at, '1970-01-01'::timestamp),
                platform_approval_rate
            )
        ) as platform_approval_rate,
        max(decided_before) as decided_before

    from assignments

    where platform_approval_rate is not null

    group by worker_id

),

workers as (

    select distinct worker_id from assignments

),

final as (

    select
        workers.worker_id,
        latest_rates.platform_approval_rate,
        {{ alpha }} + {{ weight }} * coalesce(latest_rates.platform_approval_rate, 0.5)
            as prior_alpha,
        {{ beta }}
        + {{ weight }} * (1 - coalesce(latest_rates.platform_approval_rate, 0.5))
            as prior_beta

    from workers

    left join latest_rates
        on workers.worker_id = latest_rates.worker_id

)

select * from final
