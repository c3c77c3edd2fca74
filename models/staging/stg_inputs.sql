with

source as (

    select * from {{ source('raw', 'inputs') }}

),

renamed as (

    select
        ---------- ids
        platform,
        assignment_id,
        batch_sha256,

        ---------- text
        input_name,
        input_value

    from source

)

select * from renamed
