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
