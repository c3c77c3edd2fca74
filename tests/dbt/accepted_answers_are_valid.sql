{#- Quality gate: no accepted value fails its own validity check. -#}
select
    stage,
    task_id,
    field,
    value,
    invalid_reason

from {{ ref('task_answers') }}

where accepted and not is_none and not coalesce(is_valid, false)
