{#
    Records each dbt invocation's outcome in audit.build_runs (on-run-end), so
    `hitflow export` can refuse to publish from a build whose models or quality
    gates failed, whether it ran as `hitflow build` or plain `dbt build`.
#}
{% macro hitflow_record_build(results) %}
    {%- if execute -%}
        {%- set errors = results | selectattr('status', 'in', ['error', 'runtime error'])
            | list | length -%}
        {%- set failed = results | selectattr('status', 'equalto', 'fail')
            | list | length -%}
        insert into audit.build_runs values (
            '{{ invocation_id }}',
            '{{ flags.WHICH }}',
            current_timestamp,
            {{ results | length }},
            {{ errors }},
            {{ failed }}
        )
    {%- endif -%}
{% endmacro %}
