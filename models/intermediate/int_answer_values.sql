{#-
    One row per assignment, field and position: each answer normalised for its
    type, classed as a value, an explicit none or blank, and validated. A record
    field's parts are combined into one row per position. An assignment without
    a task (no inputs) has no rows.

    Record parts come in the order the pipeline definition lists them; the key
    part a record is compared by is its first url part, else its first part
    (hitflow_record_parts).
-#}

with

answers as (

    select * from {{ ref('stg_answers') }}

),

assignments as (

    select * from {{ ref('stg_assignments') }}

),

assignment_tasks as (

    select * from {{ ref('int_assignment_tasks') }}

),

pipeline_fields as (

    select * from {{ ref('int_pipeline_fields') }}

),

placeholder_values as (

    select * from {{ ref('placeholder_values') }}

),

tracking_parameters as (

    select * from {{ ref('tracking_parameters') }}

),

record_parts as (

    {{ hitflow_record_parts() }}

),

{# Seeds cannot hold the word null, so that placeholder is `literal:null`. #}
placeholders as (

    select
        {{ hitflow_normalise_key_text(
            "regexp_replace(placeholder, '^literal:', '')"
        ) }} as placeholder_key,
        min(value_class) as value_class

    from placeholder_values

    group by placeholder_key

),

tracking_lists as (

    select
        coalesce(
            list(lower(parameter)) filter (where match_type = 'exact'),
            []::varchar[]
        ) as exact_names,
        coalesce(
            list(lower(parameter)) filter (where match_type = 'prefix'),
            []::varchar[]
        ) as prefixes

    from tracking_parameters

),

task_assignments as (

    select
        assignments.platform,
        assignments.assignment_id,
        assignments.worker_id,
        assignment_tasks.stage,
        assignment_tasks.task_id

    from assignments

    inner join assignment_tasks
        on
            assignments.platform = assignment_tasks.platform
            and assignments.assignment_id = assignment_tasks.assignment_id

),

field_parts as (

    select
        pipeline_fields.stage,
        pipeline_fields.field,
        pipeline_fields.part,
        pipeline_fields.value_type as part_type,
        pipeline_fields.is_record,
        pipeline_fields.is_multi,
        pipeline_fields.domains,
        pipeline_fields.categories,
        coalesce(record_parts.part_index, 1) as part_index,
        coalesce(record_parts.is_key_part, true) as is_key_part

    from pipeline_fields

    left join record_parts
        on
            pipeline_fields.stage = record_parts.stage
            and pipeline_fields.field = record_parts.field
            and pipeline_fields.part = record_parts.part

),

{# Each field of a stage once, a record field by the type `record`. #}
stage_fields as (

    select distinct
        stage,
        field,
        is_multi,
        case when is_record then 'record' else part_type end as value_type

    from field_parts

),

{# Every assignment answers every field of its stage, present in the file or not. #}
assignment_fields as (

    select
        task_assignments.platform,
        task_assignments.assignment_id,
        task_assignments.worker_id,
        task_assignments.stage,
        task_assignments.task_id,
        stage_fields.field,
        stage_fields.is_multi,
        stage_fields.value_type

    from task_assignments

    inner join stage_fields
        on task_assignments.stage = stage_fields.stage

),

{# A cell loaded from two files is taken once, from the first file by hash. #}
deduplicated_answers as (

    select
        answers.platform,
        answers.assignment_id,
        answers.field,
        answers.part,
        answers.position,
        answers.answer_value

    from answers

    qualify row_number() over (
        partition by
            answers.platform,
            answers.assignment_id,
            answers.field,
            answers.part,
            answers.position
        order by answers.batch_sha256
    ) = 1

),

answered_positions as (

    select distinct
        deduplicated_answers.platform,
        deduplicated_answers.assignment_id,
        deduplicated_answers.field,
        deduplicated_answers.position

    from deduplicated_answers

),

{# Each position of a record gets all its parts, a part missing from the file blank. #}
cells as (

    select
        assignment_fields.platform,
        assignment_fields.assignment_id,
        assignment_fields.stage,
        assignment_fields.task_id,
        assignment_fields.worker_id,
        assignment_fields.field,
        assignment_fields.value_type,
        assignment_fields.is_multi,
        answered_positions.position,
        field_parts.part,
        field_parts.part_index,
        field_parts.is_key_part,
        field_parts.is_record,
        deduplicated_answers.answer_value as raw_value

    from assignment_fields

    inner join answered_positions
        on
            assignment_fields.platform = answered_positions.platform
            and assignment_fields.assignment_id = answered_positions.assignment_id
            and assignment_fields.field = answered_positions.field

    inner join field_parts
        on
            assignment_fields.stage = field_parts.stage
            and assignment_fields.field = field_parts.field

    left join deduplicated_answers
        on
            answered_positions.platform = deduplicated_answers.platform
            and answered_positions.assignment_id = deduplicated_answers.assignment_id
            and answered_positions.field = deduplicated_answers.field
            and answered_positions.position = deduplicated_answers.position
            and field_parts.part = deduplicated_answers.part

),

{#
    Each distinct text typed into a field part, so that a URL pasted into many
    tasks is classed, normalised and checked once.
#}
distinct_texts as (

    select distinct
        stage,
        field,
        part,
        raw_value

    from cells

),

answer_texts as (

    select
        distinct_texts.stage,
        distinct_texts.field,
        distinct_texts.part,
        field_parts.part_type,
        field_parts.domains,
        field_parts.categories,
        distinct_texts.raw_value

    from distinct_texts

    inner join field_parts
        on
            distinct_texts.stage = field_parts.stage
            and distinct_texts.field = field_parts.field
            and distinct_texts.part = field_parts.part

),

{# A category that is one of its field's categories is never a placeholder. #}
classified_cells as (

    select
        answer_texts.*,
        case
            when
                coalesce({{ hitflow_normalise_text('answer_texts.raw_value') }}, '')
                = ''
                then 'blank'
            when
                answer_texts.part_type = 'category'
                and list_contains(
                    answer_texts.categories,
                    {{ hitflow_normalise_category('answer_texts.raw_value') }}
                )
                then 'value'
            else coalesce(placeholders.value_class, 'value')
        end as cell_class

    from answer_texts

    left join placeholders
        on
            {{ hitflow_normalise_key_text('answer_texts.raw_value') }}
            = placeholders.placeholder_key

),

normalised_cells as (

    select
        classified_cells.*,
        case
            when classified_cells.cell_class <> 'value' then null
            when classified_cells.part_type = 'url'
                then {{ hitflow_normalise_url(
                    'classified_cells.raw_value',
                    'tracking_lists.exact_names',
                    'tracking_lists.prefixes'
                ) }}
            when classified_cells.part_type = 'email'
                then {{ hitflow_normalise_email('classified_cells.raw_value') }}
            when classified_cells.part_type = 'phone'
                then {{ hitflow_normalise_phone('classified_cells.raw_value') }}
            when classified_cells.part_type = 'handle'
                then {{ hitflow_normalise_handle('classified_cells.raw_value') }}
            when classified_cells.part_type = 'category'
                then {{ hitflow_normalise_category('classified_cells.raw_value') }}
            else {{ hitflow_normalise_text('classified_cells.raw_value') }}
        end as normalised_value

    from classified_cells

    cross join tracking_lists

),

{#
    The value compared for agreement (http and https alike, text case-blind)
    and why a value fails its type's check, NULL when it passes.
#}
validated_cells as (

    select
        *,
        case
            when part_type = 'url'
                then {{ hitflow_url_agreement_key('normalised_value') }}
            when part_type = 'text'
                then {{ hitflow_normalise_text_key('normalised_value') }}
            else normalised_value
        end as agreement_value,
        case
            when cell_class <> 'value' then null
            when
                part_type = 'url'
                and coalesce({{ hitflow_url_scheme('normalised_value') }}, '')
                not in ('http', 'https')
                then 'not_http_url'
            when
                part_type = 'url'
                and not {{ hitflow_is_valid_url('normalised_value') }}
                then 'bad_url_syntax'
            when
                part_type = 'url'
                and len(domains) > 0
                and not {{ hitflow_host_on_domains(
                    hitflow_url_host('normalised_value'), 'domains'
                ) }}
                then 'domain_not_allowed'
            when
                part_type = 'email'
                and not {{ hitflow_is_valid_email('normalised_value') }}
                then 'bad_email_syntax'
            when
                part_type = 'phone'
                and not {{ hitflow_is_valid_phone('normalised_value') }}
                then 'bad_phone_length'
            when
                part_type = 'handle'
                and not {{ hitflow_is_valid_handle('normalised_value') }}
                then 'bad_handle_syntax'
            when
                part_type = 'category'
                and len(categories) > 0
                and not list_contains(categories, normalised_value)
                then 'category_not_allowed'
        end as cell_invalid_reason

    from normalised_cells

),

{#
    A record's reasons name their part (`link:not_http_url`); a record whose key
    part has no value is invalid (`link:missing`) and is compared by its first
    part that has one. Each part is also a member of the record's JSON object.
#}
record_cells as (

    select
        cells.platform,
        cells.assignment_id,
        cells.stage,
        cells.task_id,
        cells.worker_id,
        cells.field,
        cells.value_type,
        cells.is_multi,
        cells.position,
        cells.part,
        cells.part_index,
        cells.is_key_part,
        cells.is_record,
        cells.raw_value,
        validated_cells.cell_class,
        validated_cells.normalised_value,
        validated_cells.agreement_value,
        case
            when not cells.is_record then validated_cells.cell_invalid_reason
            when cells.is_key_part and validated_cells.cell_class <> 'value'
                then cells.part || ':missing'
            when validated_cells.cell_invalid_reason is not null
                then cells.part || ':' || validated_cells.cell_invalid_reason
        end as part_invalid_reason,
        {{ hitflow_json_string('cells.part') }}
        || ': '
        || {{ hitflow_json_string('validated_cells.normalised_value') }}
            as json_member

    from cells

    inner join validated_cells
        on
            cells.stage = validated_cells.stage
            and cells.field = validated_cells.field
            and cells.part = validated_cells.part
            and cells.raw_value is not distinct from validated_cells.raw_value

),

{# A plain field's cell is its position. #}
plain_positions as (

    select
        platform,
        assignment_id,
        stage,
        task_id,
        worker_id,
        field,
        value_type,
        is_multi,
        position,
        cell_class as value_class,
        raw_value,
        agreement_value as value,
        normalised_value as display_value,
        part_invalid_reason as invalid_reason

    from record_cells

    where not is_record

),

record_positions as (

    select
        platform,
        assignment_id,
        stage,
        task_id,
        worker_id,
        field,
        value_type,
        is_multi,
        position,
        case
            when bool_or(cell_class = 'value') then 'value'
            when bool_or(cell_class = 'none') then 'none'
            else 'blank'
        end as value_class,
        string_agg(
            part || ': ' || raw_value, ' | ' order by part_index
        ) filter (where cell_class <> 'blank') as raw_value,
        coalesce(
            min(agreement_value) filter (where is_key_part and cell_class = 'value'),
            arg_min(agreement_value, part_index) filter (where cell_class = 'value')
        ) as value,
        '{'
        || string_agg(json_member, ', ' order by part_index)
        || '}' as display_value,
        arg_min(part_invalid_reason, part_index) filter (
            where part_invalid_reason is not null
        ) as invalid_reason

    from record_cells

    where is_record

    group by
        platform,
        assignment_id,
        stage,
        task_id,
        worker_id,
        field,
        value_type,
        is_multi,
        position

),

positions as (

    select * from plain_positions

    union all

    select * from record_positions

),

{#
    The values an assignment gave for a field: a value given twice counts once,
    at its first position, and a single-valued field keeps only its first value.
#}
value_positions as (

    select
        platform,
        assignment_id,
        stage,
        task_id,
        worker_id,
        field,
        position,
        value_type,
        raw_value,
        value,
        display_value,
        value_class,
        invalid_reason is null as is_valid,
        invalid_reason,
        case when is_multi then value end as repeat_key

    from positions

    where value_class = 'value'

),

{# The first position of each value (multi-valued) or of any value (single). #}
first_positions as (

    select
        platform,
        assignment_id,
        field,
        min(position) as position

    from value_positions

    group by platform, assignment_id, field, repeat_key

),

value_rows as (

    select
        value_positions.platform,
        value_positions.assignment_id,
        value_positions.stage,
        value_positions.task_id,
        value_positions.worker_id,
        value_positions.field,
        value_positions.position,
        value_positions.value_type,
        value_positions.raw_value,
        value_positions.value,
        value_positions.display_value,
        value_positions.value_class,
        value_positions.is_valid,
        value_positions.invalid_reason

    from value_positions

    inner join first_positions
        on
            value_positions.platform = first_positions.platform
            and value_positions.assignment_id = first_positions.assignment_id
            and value_positions.field = first_positions.field
            and value_positions.position = first_positions.position

),

{#
    A field the assignment gave no value for is one row at position 1: none when
    any position was a placeholder meaning none, else blank. Its raw value is
    the first placeholder typed, else the first cell.

    A field left blank by a worker who answered other fields of the task (an
    e-mail but no Facebook link) reads as "there is none": the form has no
    way to say so per field. A wholly blank assignment stays blank.
#}
answering_assignments as (

    select distinct
        platform,
        assignment_id

    from positions

    where value_class <> 'blank'

),

{# Fields with no value: every position they have is none or blank. #}
empty_fields as (

    select
        assignment_fields.platform,
        assignment_fields.assignment_id,
        assignment_fields.stage,
        assignment_fields.task_id,
        assignment_fields.worker_id,
        assignment_fields.field,
        assignment_fields.value_type,
        coalesce(
            arg_min(positions.raw_value, positions.position) filter (
                where positions.value_class = 'none'
            ),
            arg_min(positions.raw_value, positions.position)
        ) as raw_value,
        case
            when bool_or(positions.value_class = 'none') then 'none' else 'blank'
        end as value_class

    from assignment_fields

    anti join first_positions
        on
            assignment_fields.platform = first_positions.platform
            and assignment_fields.assignment_id = first_positions.assignment_id
            and assignment_fields.field = first_positions.field

    left join positions
        on
            assignment_fields.platform = positions.platform
            and assignment_fields.assignment_id = positions.assignment_id
            and assignment_fields.field = positions.field
            and positions.value_class <> 'value'

    group by
        assignment_fields.platform,
        assignment_fields.assignment_id,
        assignment_fields.stage,
        assignment_fields.task_id,
        assignment_fields.worker_id,
        assignment_fields.field,
        assignment_fields.value_type

),

empty_rows as (

    select
        empty_fields.platform,
        empty_fields.assignment_id,
        empty_fields.stage,
        empty_fields.task_id,
        empty_fields.worker_id,
        empty_fields.field,
        1 as position,
        empty_fields.value_type,
        empty_fields.raw_value,
        null::varchar as value,
        null::varchar as display_value,
        case
            when answering_assignments.assignment_id is not null then 'none'
            else empty_fields.value_class
        end as value_class,
        null::boolean as is_valid,
        null::varchar as invalid_reason,
        empty_fields.value_class = 'blank'
        and answering_assignments.assignment_id is not null as is_implied_none

    from empty_fields

    left join answering_assignments
        on
            empty_fields.platform = answering_assignments.platform
            and empty_fields.assignment_id = answering_assignments.assignment_id

),

final as (

    select
        *,
        false as is_implied_none

    from value_rows

    union all

    select * from empty_rows

)

select * from final
