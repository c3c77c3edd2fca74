{#- Input text as a task key: trimmed, lower-case, inner white space folded. -#}
{% macro hitflow_normalise_key_text(column) %}
    {{ return(adapter.dispatch('hitflow_normalise_key_text', 'hitflow')(column)) }}
{% endmacro %}

{% macro default__hitflow_normalise_key_text(column) -%}
    lower(regexp_replace(trim({{ column }}), '\s+', ' ', 'g'))
{%- endmacro %}
