{#-
    One row per reviewed item: the latest decision a person made on it (a later
    import of the same item wins), with a corrected value normalised as its
    field's type. Items are a task field (single-valued fields) or one
    candidate of a task field (multi-valued fields, `candidate_id` set).

    A record's correction is its key part alone (`https://u.edu/pdc`) or every
    part in the definition's order with ` | ` between them
    (`Pre-Dental Club | https://u.edu/pdc`); it is compared by its key part and
    shown as the JSON object of its parts, as workers' records are.
-#}

with

decisions as (

    select * from {{ ref('stg_review_decisions') }}

),

fields as (

    select * from {{ ref('int_pipeline_fields') }}

),

record_parts as (

    {{ hitflow_record_parts() }}

),

{# A record's value is its key part (hitflow_record_parts), and has its type. #}
key_parts as (

    select
        fields.stage,
        fields.field,
        fields.value_type

    from fields

    left join record_parts
        on
            fields.stage = record_parts.stage
            and fields.field = record_parts.field
            and fields.part = record_parts.part

    where coalesce(record_parts.is_key_part, true)

),

record_fields as (

    select
        stage,
        field,
        count(*) as n_parts

    from record_parts

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

record_part_values as (

    select
        latest.review_id,
        record_parts.part,
        record_parts.part_index,
        record_parts.part_type,
        record_parts.is_key_part,
        case
            when
                len(string_split(latest.corrected_value, ' | '))
                = record_fields.n_parts
                then trim(
                    string_split(latest.corrected_value, ' | ')[record_parts.part_index]
                )
            when record_parts.is_key_part then trim(latest.corrected_value)
        end as part_text

    from latest

    inner join record_parts
        on
            latest.stage = record_parts.stage
            and latest.field = record_parts.field

    inner join record_fields
        on
            latest.stage = record_fields.stage
            and latest.field = record_fields.field

    where latest.corrected_value is not null

),

record_corrections as (

    select
        record_part_values.review_id,
        any_value(record_part_values.part_text) filter (
            where record_part_values.is_key_part
        ) as key_text,
        '{'
        || string_agg(
            {{ hitflow_json_string('record_part_values.part') }}
            || ': '
            || {{ hitflow_json_string(
                hitflow_display_value(
                    'record_part_values.part_text', 'record_part_values.part_type'
                )
            ) }},
            ', '
            order by record_part_values.part_index
        )
        || '}' as display_value

    from record_part_values

    group by record_part_values.review_id

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
        {{ hitflow_normalise_value(
            'coalesce(record_corrections.key_text, latest.corrected_value)',
            'key_parts.value_type'
        ) }} as corrected_normalised,
        coalesce(record_corrections.display_value, latest.corrected_value)
            as corrected_display,
        key_parts.value_type,
        latest.notes,
        latest.file_name,
        latest.imported_at

    from latest

    inner join key_parts
        on
            latest.stage = key_parts.stage
            and latest.field = key_parts.field

    left join record_corrections
        on latest.review_id = record_corrections.review_id

)

select * from final
