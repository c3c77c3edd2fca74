{#-
    Quality gate: a rejection carries a reason the worker can read, within the
    platform's 1,024 characters and free of control characters.
-#}
select
    assignment_id,
    reason

from {{ ref('assignments') }}

where
    decision = 'reject'
    and (
        reason is null
        or length(reason) > 1024
        or regexp_matches(reason, '[\x00-\x1f]')
    )
