{#-
    One row per candidate, with what the EM models need to know of it: whether
    its field is multi-valued, how many candidates and answering workers its
    task field has, its prior, and gold clamps.
-#}

with

candidates as (

    select * from {{ ref('int_candidates') }}

),

fields as (

    select * from {{ ref('int_pipeline_fields') }}

),

gold as (

    select * from {{ ref('int_gold_values') }}

),

field_kinds as (

    select
        stage,
        field,
        bool_or(is_multi) as is_multi,
        case when bool_or(is_record) then 'record' else any_value(value_type) end
            as value_type

    from fields

    group by stage, field

),

gold_items as (

    select distinct
        task_id,
        field

    from gold

),

final as (

    select
        candidates.candidate_id,
        candidates.stage,
        candidates.task_id,
        candidates.field,
        field_kinds.value_type,
        field_kinds.is_multi,
        greatest(candidates.n_candidates, 2) as n_candidates,
        candidates.n_answering,
        gold_items.task_id is not null as is_gold,
        gold.value is not null as is_gold_answer,
        case
            when candidates.is_none or candidates.is_valid then 0.5
            else 0.05
        end as prior

    from candidates

    inner join field_kinds
        on
            candidates.stage = field_kinds.stage
            and candidates.field = field_kinds.field

    left join gold_items
        on
            candidates.task_id = gold_items.task_id
            and candidates.field = gold_items.field

    left join gold
        on
            candidates.task_id = gold.task_id
            and candidates.field = gold.field
            and candidates.value = gold.value

)

select * from final
