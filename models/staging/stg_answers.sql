with

source as (

    select * from {{ source('raw', 'answers') }}

),

renamed as (

    select
        ---------- ids
        platform,
        assignment_id,
        batch_sha256,

        ---------- text
        field,
        part,
        answer_value,

        ---------- numbers
        position

    from source

)

select * from renamed
