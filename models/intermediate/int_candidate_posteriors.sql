{#-
    One row per candidate: the probability it is the truth, from the one-coin
    model (open-ended fields) or the confusion-matrix model (category fields).

    A view: the union of two tables, cheaper to read through than to copy.
-#}

{{ config(materialized='view') }}

with

one_coin as (

    select * from {{ ref('int_em_one_coin') }}

),

category as (

    select * from {{ ref('int_em_category') }}

),

final as (

    select
        candidate_id,
        stage,
        task_id,
        field,
        is_multi,
        posterior,
        em_rounds,
        'one_coin' as model

    from one_coin

    union all

    select
        candidate_id,
        stage,
        task_id,
        field,
        is_multi,
        posterior,
        em_rounds,
        'confusion_matrix' as model

    from category

)

select * from final
