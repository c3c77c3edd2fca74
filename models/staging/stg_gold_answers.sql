with

source as (

    select * from {{ source('raw', 'gold_answers') }}

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
        gold_value,

        ---------- numbers
        position

    from source

)

select * from renamed
