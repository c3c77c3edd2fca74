{#
    Settings of the trust model (`vars.trust` in dbt_project.yml), with defaults,
    so models and user macros read them one way.
#}
{%- macro hitflow_trust(name, default=none) -%}
    {{ return(var('trust', {}).get(name, default)) }}
{%- endmacro -%}

{#- Keep a probability strictly inside (0, 1) so its logarithm is finite. -#}
{%- macro hitflow_clip_probability(expression, margin=0.001) -%}
    least(greatest({{ expression }}, {{ margin }}), {{ 1 - margin }})
{%- endmacro -%}

{#- log(p / (1 - p)) of a clipped probability. -#}
{%- macro hitflow_logit(expression) -%}
    ln({{ hitflow_clip_probability(expression) }}
        / (1 - {{ hitflow_clip_probability(expression) }}))
{%- endmacro -%}
