{#-
    Quality gate: an assignment is only rejected when its worker is suspect or
    blocked; a worker in good standing who disagrees with the others is paid.
-#}
select
    assignment_id,
    worker_id,
    worker_state,
    reason_code

from {{ ref('assignments') }}

where decision = 'reject' and worker_state not in ('suspect', 'blocked')
