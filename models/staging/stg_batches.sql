with

source as (

    select * from {{ source('raw', 'batches') }}

),

renamed as (

    select
        ---------- ids
        batch_sha256,

        ---------- text
        file_name,
        file_path,
        platform,
        stage,
        columns_json,

        ---------- numbers
        n_rows,
        n_new_assignments,

        ---------- timestamps
        loaded_at

    from source

)

select * from renamed
