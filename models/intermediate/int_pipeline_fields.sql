{#-
    One row per stage, answer field and record part (part '' for plain fields),
    with the type values are normalised and validated as.
-#}

with

fields as (

    {% set rows = [] %}
    {% for stage, spec in hitflow_stages().items() %}
        {% for field, field_spec in spec['fields'].items() %}
            {% set field_type = field_spec.get('type', 'text') %}
            {% if field_type == 'record' %}
                {% for part, part_type in field_spec['parts'].items() %}
                    {% do rows.append([stage, field, part, part_type, field_spec]) %}
                {% endfor %}
            {% else %}
                {% do rows.append([stage, field, '', field_type, field_spec]) %}
            {% endif %}
        {% endfor %}
    {% endfor %}

    {% for stage, field, part, value_type, field_spec in rows %}
        select
            {{ hitflow_literal(stage) }} as stage,
            {{ hitflow_literal(field) }} as field,
            {{ hitflow_literal(part) }} as part,
            {{ hitflow_literal(value_type) }} as value_type,
            {{ hitflow_literal(field_spec.get('type', 'text') == 'record') }}
                as is_record,
            {{ hitflow_literal(field_spec.get('multi', false)) }} as is_multi,
            {{ hitflow_text_list(field_spec.get('domains', [])) }} as domains,
            {{ hitflow_text_list(field_spec.get('categories', [])) }} as categories
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

typed as (

    select
        stage::varchar as stage,
        field::varchar as field,
        part::varchar as part,
        value_type::varchar as value_type,
        is_record::boolean as is_record,
        is_multi::boolean as is_multi,
        domains,
        categories

    from fields

)

select * from typed
