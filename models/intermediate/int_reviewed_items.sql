{#-
    One row per reviewed item: the latest decision a person made on it (a later
    import of the same item wins), with a corrected value normalised as its
    field's type. Items are a task field (single-valued fields) or one
    candidate of a task field (multi-valued fields, `candidate_id` set).
-#}

with

decisions as (

    select * from {{ ref('stg_review_decisions') }}

),

fields as (

    select * from {{ ref('int_pipeline_fields') }}

),

key_parts as (

    {#- A record's value is its key part: the first url part, else the first. -#}
    select
        stage,
        field,
        arg_min(value_type, case when value_type = 'url' then 0 else 1 end)
            as value_type

    from fields

    group by stage, field

),

latest as (

    select *

    from decisions

    where decision != 'skip'

    qualify row_number() over (
        partition by review_id order by imported_at desc, sheet_row_number desc
    ) = 1

),

final as (

    select
        latest.review_id,
        latest.stage,
        latest.task_id,
        latest.field,
        latest.candidate_id,
        latest.decision,
        latest.corrected_value,
        {{ hitflow_normalise_value('latest.corrected_value', 'key_parts.value_type') }}
            as corrected_normalised,
        key_parts.value_type,
        latest.notes,
        latest.file_name,
        latest.imported_at

    from latest

    inner join key_parts
        on
            latest.stage = key_parts.stage
            and latest.field = key_parts.field

)

select * from final
