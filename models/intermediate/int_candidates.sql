{#-
    One row per task, field and candidate: every distinct value the task's
    assignments gave for the field, plus `<none>` when any said there is none,
    with how many workers support it and how much they agree.
-#}

with

answer_values as not materialized (

    select * from {{ ref('int_answer_values') }}

),

assignment_votes as not materialized (

    select * from {{ ref('int_assignment_votes') }}

),

task_workers as (

    select
        stage,
        task_id,
        count(distinct worker_id) as n_workers

    from answer_values

    group by stage, task_id

),

task_fields as (

    select
        stage,
        task_id,
        field,
        any_value(value_type) as value_type,
        count(*) filter (where value_class = 'blank') as n_blank,
        count(distinct worker_id) filter (
            where value_class <> 'blank'
        ) as n_answering_workers

    from answer_values

    group by stage, task_id, field

),

{# A candidate id stands for its task, field and value. #}
candidate_workers as (

    select
        candidate_id,
        any_value(stage) as stage,
        any_value(task_id) as task_id,
        any_value(field) as field,
        any_value(value) as value,
        any_value(is_none) as is_none,
        list_sort(list_distinct(list(worker_id))) as worker_ids

    from assignment_votes

    group by candidate_id

),

candidate_support as (

    select
        *,
        len(worker_ids) as support

    from candidate_workers

),

{#
    A candidate is shown as the spelling most of its workers gave; on a tie, the
    spelling equal to the value (https over http), then the first in order.
#}
display_counts as (

    select
        stage,
        task_id,
        field,
        value,
        display_value,
        is_valid,
        invalid_reason,
        count(distinct worker_id) as n_display_workers

    from answer_values

    where value_class = 'value'

    group by stage, task_id, field, value, display_value, is_valid, invalid_reason

),

display_choices as (

    select
        stage,
        task_id,
        field,
        value,
        arg_min(
            struct_pack(display_value, is_valid, invalid_reason),
            struct_pack(
                n_workers := -n_display_workers,
                differs := display_value <> value,
                display_value
            )
        ) as display_choice

    from display_counts

    group by stage, task_id, field, value

),

candidate_displays as (

    select
        stage,
        task_id,
        field,
        value,
        display_choice['display_value'] as display_value,
        display_choice['is_valid'] as is_valid,
        display_choice['invalid_reason'] as invalid_reason

    from display_choices

),

{#
    Per task field, the total support and the sum of support * log2(support),
    from which each candidate's entropy term follows without a window:
    H = -sum(p log2 p) with p = s / T is log2(T) - sum(s log2 s) / T.
#}
field_totals as (

    select
        stage,
        task_id,
        field,
        count(*) as n_candidates,
        sum(support) as total_support,
        sum(support * log2(support)) as support_log_support

    from candidate_support

    group by stage, task_id, field

),

{# Each candidate with its task field's type, counts and entropy. #}
candidate_fields as (

    select
        candidate_support.stage,
        candidate_support.task_id,
        candidate_support.field,
        candidate_support.candidate_id,
        candidate_support.value,
        candidate_support.is_none,
        candidate_support.support,
        candidate_support.worker_ids,
        task_fields.value_type,
        task_fields.n_blank,
        task_fields.n_answering_workers as n_answering,
        field_totals.n_candidates,
        case
            when field_totals.n_candidates = 1 then 0.0
            else greatest(
                log2(field_totals.total_support)
                - field_totals.support_log_support / field_totals.total_support,
                0.0
            )
        end as entropy

    from candidate_support

    inner join task_fields
        on
            candidate_support.stage = task_fields.stage
            and candidate_support.task_id = task_fields.task_id
            and candidate_support.field = task_fields.field

    inner join field_totals
        on
            candidate_support.stage = field_totals.stage
            and candidate_support.task_id = field_totals.task_id
            and candidate_support.field = field_totals.field

),

{#
    The host of each URL candidate of a task field that has another candidate
    to be close to, once per candidate.
#}
url_hosts as materialized (

    select
        stage,
        task_id,
        field,
        candidate_id,
        value,
        {{ hitflow_url_host('value') }} as host

    from candidate_fields

    where value_type = 'url' and n_candidates > 1 and not is_none

),

{# Only candidates sharing their host with another are split into path segments. #}
url_candidates as (

    select
        stage,
        task_id,
        field,
        candidate_id,
        host,
        {{ hitflow_url_path_segments('value') }} as path_segments

    from url_hosts

    where host is not null

    qualify count(*) over (partition by stage, task_id, field, host) > 1

),

url_votes as (

    select
        url_candidates.stage,
        url_candidates.task_id,
        url_candidates.field,
        url_candidates.candidate_id,
        url_candidates.host,
        url_candidates.path_segments,
        assignment_votes.worker_id

    from url_candidates

    inner join assignment_votes
        on url_candidates.candidate_id = assignment_votes.candidate_id

),

{#
    Workers who gave a different URL on the candidate's host where one path is
    a segment-wise prefix of the other (or the same path) and the shorter path
    is not empty: `/clubs` and `/clubs/list`, not `/club` and `/clubs`.
#}
close_votes as (

    select
        url_candidates.stage,
        url_candidates.task_id,
        url_candidates.field,
        url_candidates.candidate_id,
        url_votes.worker_id

    from url_candidates

    inner join url_votes
        on
            url_candidates.stage = url_votes.stage
            and url_candidates.task_id = url_votes.task_id
            and url_candidates.field = url_votes.field
            and url_candidates.host = url_votes.host
            and url_candidates.candidate_id <> url_votes.candidate_id

    where
        least(len(url_candidates.path_segments), len(url_votes.path_segments)) > 0
        and (
            url_votes.path_segments[1:len(url_candidates.path_segments)]
            = url_candidates.path_segments
            or url_candidates.path_segments[1:len(url_votes.path_segments)]
            = url_votes.path_segments
        )

),

partial_votes as (

    select
        close_votes.stage,
        close_votes.task_id,
        close_votes.field,
        close_votes.candidate_id,
        count(distinct close_votes.worker_id) as n_close_workers

    from close_votes

    left join assignment_votes
        on
            close_votes.candidate_id = assignment_votes.candidate_id
            and close_votes.worker_id = assignment_votes.worker_id

    where assignment_votes.candidate_id is null

    group by
        close_votes.stage,
        close_votes.task_id,
        close_votes.field,
        close_votes.candidate_id

),

candidates as (

    select
        candidate_fields.stage,
        candidate_fields.task_id,
        candidate_fields.field,
        candidate_fields.candidate_id,
        candidate_fields.value,
        case
            when candidate_fields.is_none then candidate_fields.value
            else candidate_displays.display_value
        end as display_value,
        candidate_fields.value_type,
        candidate_fields.is_none,
        candidate_displays.is_valid,
        candidate_displays.invalid_reason,
        task_workers.n_workers,
        candidate_fields.n_blank,
        candidate_fields.n_answering,
        candidate_fields.n_candidates,
        candidate_fields.support,
        (
            candidate_fields.support
            + 0.5 * coalesce(partial_votes.n_close_workers, 0)
        )::double as partial_support,
        candidate_fields.support / candidate_fields.n_answering as share,
        candidate_fields.entropy,
        candidate_fields.worker_ids

    from candidate_fields

    inner join task_workers
        on
            candidate_fields.stage = task_workers.stage
            and candidate_fields.task_id = task_workers.task_id

    left join candidate_displays
        on
            candidate_fields.stage = candidate_displays.stage
            and candidate_fields.task_id = candidate_displays.task_id
            and candidate_fields.field = candidate_displays.field
            and candidate_fields.value = candidate_displays.value
            and not candidate_fields.is_none

    left join partial_votes
        on candidate_fields.candidate_id = partial_votes.candidate_id

),

final as (

    select
        stage,
        task_id,
        field,
        candidate_id,
        value,
        display_value,
        value_type,
        is_none,
        is_valid,
        invalid_reason,
        n_workers,
        n_blank,
        n_answering,
        n_candidates,
        support,
        partial_support,
        share,
        entropy,
        worker_ids

    from candidates

)

select * from final
