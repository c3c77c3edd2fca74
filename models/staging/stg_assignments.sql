with

source as (

    select * from {{ source('raw', 'assignments') }}

),

renamed as (

    select
        ---------- ids
        platform,
        assignment_id,
        task_ref,
        worker_id,
        batch_sha256,
        row_number as batch_row_number,

        ---------- text
        stage,
        lower(status) as platform_status,
        approval_rate as approval_rate_text,

        ---------- numbers
        {{ hitflow_parse_money('reward') }} as reward,
        try_cast(max_assignments as integer) as max_assignments,
        {{ hitflow_approval_count('approval_rate', 1) }} as approved_before,
        {{ hitflow_approval_count('approval_rate', 2) }} as decided_before,

        ---------- timestamps
        {{ hitflow_parse_platform_time('accept_time') }} as accepted_at,
        {{ hitflow_parse_platform_time('submit_time') }} as submitted_at,

        ---------- raw durations
        try_cast(work_seconds as double) as work_seconds_reported

    from source

),

with_durations as (

    select
        *,
        coalesce(
            work_seconds_reported,
            {{ hitflow_seconds_between('accepted_at', 'submitted_at') }}
        ) as work_seconds,
        case
            when decided_before > 0 then approved_before / decided_before
        end as platform_approval_rate

    from renamed

)

select * from with_durations
