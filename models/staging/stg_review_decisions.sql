with

source as (

    select * from {{ source('raw', 'review_decisions') }}

),

renamed as (

    select
        ---------- ids
        review_id,
        task_id,
        candidate_id,
        file_sha256,

        ---------- text
        stage,
        field,
        lower(trim(decision)) as decision,
        corrected_value,
        notes,
        file_name,
        sheet,

        ---------- numbers
        row_number as sheet_row_number,

        ---------- timestamps
        imported_at

    from source

)

select * from renamed
