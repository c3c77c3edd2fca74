{#
    The pipeline definition (`vars.pipeline` in dbt_project.yml) as SQL rows, so
    models join to it instead of hard-coding stages and fields.
#}

{%- macro hitflow_stages() -%}
    {{ return(var('pipeline')['stages']) }}
{%- endmacro -%}

{#- A stage setting, falling back to the definition's defaults. -#}
{%- macro hitflow_setting(stage_spec, name) -%}
    {%- set defaults = var('pipeline').get('defaults', {}) -%}
    {{ return(stage_spec.get(name, defaults.get(name))) }}
{%- endmacro -%}

{%- macro hitflow_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace("'", "''") }}'
    {%- endif -%}
{%- endmacro -%}

{%- macro hitflow_text_list(values) -%}
    [{%- for value in values -%}
        {{ hitflow_literal(value) }}{{ ', ' if not loop.last }}
    {%- endfor -%}]::varchar[]
{%- endmacro -%}

{#- How many stages follow a stage in the chain of `next` stages. -#}
{%- macro hitflow_downstream_stages(name) -%}
    {%- set stages = hitflow_stages() -%}
    {%- set ns = namespace(depth=0, current=stages[name].get('next', {}).get('stage')) -%}
    {%- for _ in stages -%}
        {%- if ns.current -%}
            {%- set ns.depth = ns.depth + 1 -%}
            {%- set ns.current = stages[ns.current].get('next', {}).get('stage') -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(ns.depth) }}
{%- endmacro -%}

{#-
    The parts of every record field as rows (stage, field, part, part_type,
    part_index, is_key_part), in the order the definition lists them. The key
    part a record is compared by is its first url part, else its first part.
-#}
{%- macro hitflow_record_parts() -%}
    {%- set rows = [] -%}
    {%- for stage, spec in hitflow_stages().items() -%}
        {%- for field, field_spec in spec['fields'].items() -%}
            {%- if field_spec.get('type') == 'record' -%}
                {%- set parts = field_spec['parts'] -%}
                {%- set ns = namespace(key_part=none) -%}
                {%- for part, part_type in parts.items() -%}
                    {%- if ns.key_part is none and part_type == 'url' -%}
                        {%- set ns.key_part = part -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- set key_part = ns.key_part or (parts.keys() | list)[0] -%}
                {%- for part, part_type in parts.items() -%}
                    {%- do rows.append(
                        [stage, field, part, part_type, loop.index, part == key_part]
                    ) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if rows -%}
        {%- for stage, field, part, part_type, part_index, is_key_part in rows %}
    select
        {{ hitflow_literal(stage) }} as stage,
        {{ hitflow_literal(field) }} as field,
        {{ hitflow_literal(part) }} as part,
        {{ hitflow_literal(part_type) }} as part_type,
        {{ part_index }} as part_index,
        {{ hitflow_literal(is_key_part) }} as is_key_part
    {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    {%- else %}
    select
        null::varchar as stage,
        null::varchar as field,
        null::varchar as part,
        null::varchar as part_type,
        null::integer as part_index,
        null::boolean as is_key_part
    where false
    {%- endif -%}
{%- endmacro -%}
