{#- One row per stage of the pipeline definition, with its settings. -#}
{%- set settings = [
    'redundancy', 'max_assignments', 'reward', 'platform_fee',
    'accept_confidence', 'review_confidence',
] -%}

with

stages as (

    {% for name, spec in hitflow_stages().items() %}
        select
            {{ hitflow_literal(name) }} as stage,
            {% for setting in settings %}
                {{ hitflow_literal(hitflow_setting(spec, setting)) }} as {{ setting }},
            {% endfor %}
            {{ hitflow_text_list(spec.get('key_inputs', [])) }} as key_inputs,
            {{ hitflow_literal(spec.get('next', {}).get('stage')) }} as next_stage
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

typed as (

    select
        stage::varchar as stage,
        redundancy::integer as redundancy,
        max_assignments::integer as max_assignments,
        reward::decimal(12, 4) as reward,
        platform_fee::double as platform_fee,
        accept_confidence::double as accept_confidence,
        review_confidence::double as review_confidence,
        key_inputs,
        next_stage::varchar as next_stage

    from stages

)

select * from typed
