{#-
    What a person should look at, most valuable first. An item is a task field
    (single-valued fields) or one doubtful candidate of a task field
    (multi-valued fields). Priority is the value of a person's minute: the
    chance the model is wrong (1 - confidence) times how much work the answer
    unlocks (1 + the number of stages after this one), plus 1 when the budget
    is spent and only a person can decide.
-#}
{%- set stages = hitflow_stages() -%}

with

field_decisions as (

    select * from {{ ref('int_task_field_decisions') }}

),

candidate_decisions as (

    select * from {{ ref('int_candidate_decisions') }}

),

stage_depth as (

    {% for name in stages %}
        select
            {{ hitflow_literal(name) }} as stage,
            {{ hitflow_downstream_stages(name) }} as downstream_stages
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

open_fields as (

    select * from field_decisions

    where state in ('review', 'exhausted')

),

candidate_items as (

    select
        open_fields.stage,
        open_fields.task_id,
        open_fields.field,
        candidate_decisions.candidate_id,
        open_fields.state,
        candidate_decisions.verdict as reason,
        greatest(candidate_decisions.posterior, 1 - candidate_decisions.posterior)
            as confidence

    from open_fields

    inner join candidate_decisions
        on
            open_fields.task_id = candidate_decisions.task_id
            and open_fields.field = candidate_decisions.field

    where
        open_fields.is_multi
        and candidate_decisions.verdict in ('contested', 'single_answer')

),

{#
    A whole task field is the item when it is single-valued, or multi-valued
    with no single doubtful candidate (say nobody's answer stood out).
#}
field_items as (

    select
        open_fields.stage,
        open_fields.task_id,
        open_fields.field,
        null::varchar as candidate_id,
        open_fields.state,
        open_fields.reason,
        open_fields.confidence

    from open_fields

    where
        not open_fields.is_multi
        or not exists (
            select 1
            from candidate_items
            where
                candidate_items.task_id = open_fields.task_id
                and candidate_items.field = open_fields.field
        )

),

items as (

    select * from field_items

    union all

    select * from candidate_items

),

final as (

    select
        md5(
            items.task_id || '|' || items.field || '|'
            || coalesce(items.candidate_id, '')
        ) as review_id,
        items.stage,
        items.task_id,
        items.field,
        items.candidate_id,
        round(
            (1 - items.confidence) * (1 + stage_depth.downstream_stages)
            + case when items.state = 'exhausted' then 1 else 0 end,
            4
        ) as priority,
        items.reason,
        items.state,
        items.confidence

    from items

    inner join stage_depth
        on items.stage = stage_depth.stage

)

select * from final
