{#-
    One row per gold task field and known value: answers known in advance, from
    a batch's known-answer columns (Toloka `GOLDEN:`) or the `gold_answers` seed
    (stage, task_id, field, value; task ids as in the tasks mart). The EM models
    clamp these tasks to their known answer.
-#}

with

gold_cells as (

    select * from {{ ref('stg_gold_answers') }}

),

assignment_tasks as (

    select * from {{ ref('int_assignment_tasks') }}

),

seeded as (

    select * from {{ ref('gold_answers') }}

),

fields as (

    select * from {{ ref('int_pipeline_fields') }}

),

from_batches as (

    select distinct
        assignment_tasks.stage,
        assignment_tasks.task_id,
        gold_cells.field,
        gold_cells.part,
        gold_cells.gold_value

    from gold_cells

    inner join assignment_tasks
        on
            gold_cells.platform = assignment_tasks.platform
            and gold_cells.assignment_id = assignment_tasks.assignment_id

    where gold_cells.part = ''

),

from_seed as (

    select
        stage::varchar as stage,
        task_id::varchar as task_id,
        field::varchar as field,
        '' as part,
        value::varchar as gold_value

    from seeded

),

all_gold as (

    select * from from_batches

    union

    select * from from_seed

),

final as (

    select distinct
        all_gold.stage,
        all_gold.task_id,
        all_gold.field,
        {{ hitflow_normalise_value('all_gold.gold_value', 'fields.value_type') }}
            as value

    from all_gold

    inner join fields
        on
            all_gold.stage = fields.stage
            and all_gold.field = fields.field
            and all_gold.part = fields.part

)

select * from final
