{#
    Trust terms: each returns a penalty in [0, 1] as an expression over the
    columns of int_worker_signals; a worker's trust is its accuracy times
    (1 - penalty) for every term listed in `vars.trust.trust_terms`.

    To add a term, write a macro like these (in any file under macros/) and add
    its name to that list; no model changes. Its expression may use any column
    of int_worker_signals (see its YAML for the list).
#}

{#- Assignments left wholly blank, once a worker has done a few. -#}
{% macro hitflow_term_blank_rate() -%}
    case when n_assignments >= 2 then blank_rate else 0 end
{%- endmacro %}

{#- Assignments finished in a fraction of the stage's median time; weighs
    less than blanks, since some honest workers are quick. -#}
{% macro hitflow_term_too_fast() -%}
    case when n_assignments >= 2 then 0.7 * too_fast_rate else 0 end
{%- endmacro %}

{#- One value pasted into many unrelated tasks where no one else gave it. -#}
{% macro hitflow_term_copy_paste() -%}
    least(1.0, n_copy_paste_tasks / 5.0)
{%- endmacro %}

{#- Values that fail their field's validity check (not a URL, `n@a@`). -#}
{% macro hitflow_term_invalid_rate() -%}
    case when n_values >= 2 then invalid_rate else 0 end
{%- endmacro %}

{#- An optional term, off by default: a low platform approval rate. -#}
{% macro hitflow_term_low_approval_rate() -%}
    case
        when platform_approval_rate is null then 0
        else greatest(0.0, 0.9 - platform_approval_rate) * 2
    end
{%- endmacro %}

{#- trust = accuracy x product of (1 - term) over the configured terms. -#}
{% macro hitflow_trust_expression(accuracy_column) -%}
    {{ accuracy_column }}
    {%- for term in hitflow_trust('trust_terms', []) %}
    * (1 - least(1.0, greatest(0.0, {{ context[term]() }})))
    {%- endfor %}
{%- endmacro %}
