{#-
    A value normalised as the type named by a column (`url`, `email`, ...), for
    places where the type is data rather than known when the model compiles:
    gold answers and reviewers' corrections. The result compares equal to a
    candidate's `value` in int_candidates: URLs as their agreement key, text
    lower-case. (Tracking parameters are not stripped here: the seed's lists
    live in int_answer_values.)
-#}
{% macro hitflow_normalise_value(column, type_column) -%}
    case {{ type_column }}
        when 'url' then {{ hitflow_url_agreement_key(hitflow_normalise_url(column)) }}
        when 'email' then {{ hitflow_normalise_email(column) }}
        when 'phone' then {{ hitflow_normalise_phone(column) }}
        when 'handle' then {{ hitflow_normalise_handle(column) }}
        when 'category' then {{ hitflow_normalise_category(column) }}
        else {{ hitflow_normalise_text_key(column) }}
    end
{%- endmacro %}

{#-
    A value as shown to people, normalised as the type named by a column: the
    display form int_answer_values gives a worker's answer (a URL keeps its
    scheme, text its case).
-#}
{% macro hitflow_display_value(column, type_column) -%}
    case {{ type_column }}
        when 'url' then {{ hitflow_normalise_url(column) }}
        when 'email' then {{ hitflow_normalise_email(column) }}
        when 'phone' then {{ hitflow_normalise_phone(column) }}
        when 'handle' then {{ hitflow_normalise_handle(column) }}
        when 'category' then {{ hitflow_normalise_category(column) }}
        else {{ hitflow_normalise_text(column) }}
    end
{%- endmacro %}
