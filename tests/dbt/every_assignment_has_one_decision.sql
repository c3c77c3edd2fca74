{#- Quality gate: every loaded assignment has exactly one decision. -#}
with

loaded as (

    select distinct
        platform,
        assignment_id

    from {{ source('raw', 'assignments') }}

),

decided as (

    select
        platform,
        assignment_id,
        count(*) as n_decisions

    from {{ ref('assignments') }}

    where decision in ('approve', 'reject', 'review')

    group by platform, assignment_id

)

select
    loaded.platform,
    loaded.assignment_id,
    coalesce(decided.n_decisions, 0) as n_decisions

from loaded

left join decided
    on
        loaded.platform = decided.platform
        and loaded.assignment_id = decided.assignment_id

where coalesce(decided.n_decisions, 0) != 1
