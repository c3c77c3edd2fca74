{#
    Parsers for what platforms write into batch files. Each dispatches, so another
    adapter can supply its own dialect; the defaults are written for DuckDB.
#}

{#- Money as written by the platform (`$0.05`) or by Excel (`0.05`). -#}
{% macro hitflow_parse_money(column) %}
    {{ return(adapter.dispatch('hitflow_parse_money', 'hitflow')(column)) }}
{% endmacro %}

{% macro default__hitflow_parse_money(column) -%}
    try_cast(replace(replace(trim({{ column }}), '$', ''), ',', '') as decimal(12, 4))
{%- endmacro %}

{#-
    One of the counts in an approval rate such as `98% (3984/4075)`:
    group 1 is approvals, group 2 decided assignments.
-#}
{% macro hitflow_approval_count(column, group) %}
    {{ return(adapter.dispatch('hitflow_approval_count', 'hitflow')(column, group)) }}
{% endmacro %}

{% macro default__hitflow_approval_count(column, group) -%}
    try_cast(
        nullif(regexp_extract({{ column }}, '\((\d+)/(\d+)\)', {{ group }}), '')
        as double
    )
{%- endmacro %}

{#-
    A platform timestamp as UTC: MTurk's `Tue Feb 09 09:23:29 PST 2021` (zone
    abbreviation PST, PDT, UTC or GMT) or an ISO 8601 string (Toloka, generic).
    https://duckdb.org/docs/sql/functions/dateformat
-#}
{% macro hitflow_parse_platform_time(column) %}
    {{ return(adapter.dispatch('hitflow_parse_platform_time', 'hitflow')(column)) }}
{% endmacro %}

{% macro default__hitflow_parse_platform_time(column) -%}
    coalesce(
        try_strptime(
            regexp_replace(trim({{ column }}), ' (PST|PDT|UTC|GMT) ', ' '),
            '%a %b %d %H:%M:%S %Y'
        )
        + to_hours(
            case regexp_extract({{ column }}, ' (PST|PDT|UTC|GMT) ', 1)
                when 'PST' then 8
                when 'PDT' then 7
                else 0
            end
        ),
        try_cast(trim({{ column }}) as timestamp)
    )
{%- endmacro %}

{#- Seconds from one timestamp to a later one. -#}
{% macro hitflow_seconds_between(start_column, end_column) %}
    {{ return(adapter.dispatch('hitflow_seconds_between', 'hitflow')(
        start_column, end_column
    )) }}
{% endmacro %}

{% macro default__hitflow_seconds_between(start_column, end_column) -%}
    date_diff('second', {{ start_column }}, {{ end_column }})::double
{%- endmacro %}
