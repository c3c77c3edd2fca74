{#
    Normalisers and validity checks for answer values, one pair per field type.

    Each public macro dispatches, so a project or another adapter can override it
    (`dispatch` in dbt_project.yml); the `default__` implementations are written
    for DuckDB and name the DuckDB doc they rely on. Every macro takes a SQL
    expression and returns one, NULL in gives NULL out, and the validity checks
    expect a value that has been through its type's normaliser.

    Several defaults bind a sub-expression once with `_hitflow_let` instead of
    repeating it, which keeps the compiled SQL small when macros nest.
#}

{#-
    `body` with `name` bound to the value of `expression`, evaluated once.
    https://duckdb.org/docs/stable/sql/functions/lambda
-#}
{% macro _hitflow_let(expression, name, body) -%}
    (list_transform([{{ expression }}], lambda {{ name }}: {{ body }}))[1]
{%- endmacro %}


{# ---------------------------------------------------------------- urls #}

{#-
    A URL in canonical form, for display and as the base of comparison:
    - trimmed; `//host/...` and a bare `host.tld/...` get `http://`;
    - scheme and host lower-case, `www.` and a trailing dot dropped from the host;
    - ports :80 and :443 dropped, for either scheme;
    - fragment (`#...`) dropped; trailing slashes of the path dropped;
    - tracking query parameters dropped, the others kept in their order, and an
      empty query dropped. `tracking_names` and `tracking_prefixes` are SQL
      expressions of type varchar[] (lower-case names, and name prefixes such as
      `utm_`); int_answer_values passes the lists of the `tracking_parameters`
      seed, aggregated in SQL and cross-joined, rather than reading the seed at
      compile time, so a fresh warehouse compiles and unit tests can mock the
      seed. Without them no parameter is dropped.
    Path and query keep their case: servers may tell them apart. The scheme is
    kept as given (lower-case); `hitflow_url_agreement_key` makes http and https
    the same for comparison. A value with another scheme (`ftp:`, `javascript:`)
    is only trimmed, scheme and host lower-cased; the validity check rejects it.
-#}
{% macro hitflow_normalise_url(column, tracking_names=none, tracking_prefixes=none) %}
    {{ return(adapter.dispatch('hitflow_normalise_url', 'hitflow')(
        column,
        tracking_names or '[]::varchar[]',
        tracking_prefixes or '[]::varchar[]'
    )) }}
{% endmacro %}

{#-
    https://duckdb.org/docs/stable/sql/functions/regular_expressions
    (regexp_extract with a list of group names returns a struct)
    https://duckdb.org/docs/stable/sql/functions/list (list_filter, string_split)
-#}
{% macro default__hitflow_normalise_url(column, tracking_names, tracking_prefixes) -%}
    {%- set parts_pattern -%}
        '^([a-z][a-z0-9+.-]*)://([^/?#@]*@)?([^/?#:]*)(:[0-9]*)?([^?#]*)(\?[^#]*)?'
    {%- endset -%}
    {%- set kept_parameters -%}
        list_filter(
            string_split(ltrim(_url_parts.query, '?'), '&'),
            lambda _parameter:
                _parameter <> ''
                and not list_contains(
                    {{ tracking_names }}, lower(split_part(_parameter, '=', 1))
                )
                and len(list_filter(
                    {{ tracking_prefixes }},
                    lambda _prefix: starts_with(
                        lower(split_part(_parameter, '=', 1)), _prefix
                    )
                )) = 0
        )
    {%- endset -%}
    {%- set query -%}
        case
            when _url_parts.query in ('', '?') then ''
            else {{ _hitflow_let(kept_parameters, '_parameters',
                "case when len(_parameters) = 0 then ''"
                ~ " else '?' || array_to_string(_parameters, '&') end") }}
        end
    {%- endset -%}
    {%- set rebuilt -%}
        lower(_url_parts.scheme) || '://'
        || _url_parts.userinfo
        || regexp_replace(
            regexp_replace(lower(_url_parts.host), '^www\.', ''), '\.$', ''
        )
        || case
            when _url_parts.port in (':', ':80', ':443') then ''
            else _url_parts.port
        end
        || regexp_replace(_url_parts.path, '/+$', '')
        || {{ query }}
    {%- endset -%}
    {#-
        Most answers are already `http(s)://host/path` with a lower-case host
        and no port, user, query or fragment. For those, dropping `www.` and
        the trailing slashes is the whole job, and costs a fraction of
        splitting the URL into its parts.
    -#}
    {%- set split_and_rebuild -%}
        case
            when regexp_matches(_url, '^https?://[a-z0-9.-]*[a-z0-9](/[^?#]*)?$')
                then rtrim(
                    case
                        when starts_with(_url, 'https://www.')
                            then 'https://' || _url[13:]
                        when starts_with(_url, 'http://www.')
                            then 'http://' || _url[12:]
                        else _url
                    end,
                    '/'
                )
            when regexp_matches(_url, '^[a-z][a-z0-9+.-]*://', 'i')
                then {{ _hitflow_let(
                    "regexp_extract(_url, " ~ parts_pattern ~ ", "
                    ~ "['scheme', 'userinfo', 'host', 'port', 'path', 'query'], 'i')",
                    '_url_parts',
                    rebuilt
                ) }}
            else _url
        end
    {%- endset -%}
    {{ _hitflow_let(_hitflow_url_with_scheme(column), '_url', split_and_rebuild) }}
{%- endmacro %}

{#-
    The trimmed text, with `http://` added when it starts with a bare host.
    Written out rather than bound with `_hitflow_let`: DuckDB prepares a
    constant pattern once per query, but inside a lambda once per chunk of
    rows, and this pattern's Unicode classes are costly to prepare.
-#}
{% macro _hitflow_url_with_scheme(column) -%}
    case
        when starts_with(trim({{ column }}), '//') then 'http:' || trim({{ column }})
        when regexp_matches(
            trim({{ column }}),
            '^([\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+'
            || '\p{L}{2,}(:[0-9]+)?([/?#]|$)'
        ) then 'http://' || trim({{ column }})
        else trim({{ column }})
    end
{%- endmacro %}

{#-
    A normalised URL as compared for agreement: http and https are the same
    site, so the key of an http or https URL is its https form. Other values
    are their own key.
-#}
{% macro hitflow_url_agreement_key(column) %}
    {{ return(adapter.dispatch('hitflow_url_agreement_key', 'hitflow')(column)) }}
{% endmacro %}

{#- https://duckdb.org/docs/stable/sql/functions/regular_expressions -#}
{% macro default__hitflow_url_agreement_key(column) -%}
    regexp_replace({{ column }}, '^https?://', 'https://')
{%- endmacro %}

{#- The lower-cased scheme of a URL (`https`), NULL when it has none. -#}
{% macro hitflow_url_scheme(column) %}
    {{ return(adapter.dispatch('hitflow_url_scheme', 'hitflow')(column)) }}
{% endmacro %}

{#- https://duckdb.org/docs/stable/sql/functions/regular_expressions -#}
{% macro default__hitflow_url_scheme(column) -%}
    lower(nullif(regexp_extract({{ column }}, '^([a-z][a-z0-9+.-]*):', 1, 'i'), ''))
{%- endmacro %}

{#- The lower-cased host of a `scheme://` URL, NULL when it has none. -#}
{% macro hitflow_url_host(column) %}
    {{ return(adapter.dispatch('hitflow_url_host', 'hitflow')(column)) }}
{% endmacro %}

{#- https://duckdb.org/docs/stable/sql/functions/regular_expressions -#}
{% macro default__hitflow_url_host(column) -%}
    lower(nullif(
        regexp_extract(
            {{ column }}, '^[a-z][a-z0-9+.-]*://([^/?#@]*@)?([^/?#:]*)', 2, 'i'
        ),
        ''
    ))
{%- endmacro %}

{#-
    The path of a `scheme://` URL, '' when it has none (`https://a.edu`), NULL
    when the value is no such URL.
-#}
{% macro hitflow_url_path(column) %}
    {{ return(adapter.dispatch('hitflow_url_path', 'hitflow')(column)) }}
{% endmacro %}

{#- https://duckdb.org/docs/stable/sql/functions/regular_expressions -#}
{% macro default__hitflow_url_path(column) -%}
    case
        when regexp_matches({{ column }}, '^[a-z][a-z0-9+.-]*://', 'i')
            then regexp_extract(
                {{ column }}, '^[a-z][a-z0-9+.-]*://[^/?#]*([^?#]*)', 1, 'i'
            )
    end
{%- endmacro %}

{#-
    The non-empty segments of a URL's path as a list: `https://a.edu/clubs//list/`
    is ['clubs', 'list'].
-#}
{% macro hitflow_url_path_segments(column) %}
    {{ return(adapter.dispatch('hitflow_url_path_segments', 'hitflow')(column)) }}
{% endmacro %}

{#- https://duckdb.org/docs/stable/sql/functions/list (list_filter) -#}
{% macro default__hitflow_url_path_segments(column) -%}
    list_filter(
        string_split({{ hitflow_url_path(column) }}, '/'),
        lambda _segment: _segment <> ''
    )
{%- endmacro %}

{#-
    Whether a host is one of the domains (a varchar[] expression) or a
    subdomain of one: `m.facebook.com` is on `facebook.com`.
-#}
{% macro hitflow_host_on_domains(host, domains) %}
    {{ return(adapter.dispatch('hitflow_host_on_domains', 'hitflow')(host, domains)) }}
{% endmacro %}

{#- https://duckdb.org/docs/stable/sql/functions/list (list_filter) -#}
{% macro default__hitflow_host_on_domains(host, domains) -%}
    len(list_filter(
        {{ domains }},
        lambda _domain:
            {{ host }} = lower(_domain)
            or ends_with({{ host }}, '.' || lower(_domain))
    )) > 0
{%- endmacro %}

{#-
    An http or https URL with a dotted host whose last label is letters (two or
    more, or an `xn--` IDN label), an optional port, and no white space.
-#}
{% macro hitflow_is_valid_url(column) %}
    {{ return(adapter.dispatch('hitflow_is_valid_url', 'hitflow')(column)) }}
{% endmacro %}

{#- https://duckdb.org/docs/stable/sql/functions/regular_expressions -#}
{% macro default__hitflow_is_valid_url(column) -%}
    regexp_matches(
        {{ column }},
        '^https?://([^\s/?#@]+@)?([\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+'
        || '(\p{L}{2,}|xn--[a-z0-9-]+)\.?(:[0-9]{1,5})?([/?#]\S*)?$',
        'i'
    )
{%- endmacro %}


{# -------------------------------------------------------------- e-mails #}

{#- Trimmed, `<...>` and `mailto:` (with any `?subject=...`) dropped, lower-case. -#}
{% macro hitflow_normalise_email(column) %}
    {{ return(adapter.dispatch('hitflow_normalise_email', 'hitflow')(column)) }}
{% endmacro %}

{#- https://duckdb.org/docs/stable/sql/functions/regular_expressions -#}
{% macro default__hitflow_normalise_email(column) -%}
    lower(trim(regexp_replace(
        trim(regexp_replace(trim({{ column }}), '^<(.*)>$', '\1')),
        '^mailto:\s*([^?]*)(\?.*)?$',
        '\1',
        'i'
    )))
{%- endmacro %}

{#-
    A pragmatic syntax check, not RFC 5322: local@domain.tld with no white space,
    one @, dotted domain labels of letters, digits and hyphens, and a top-level
    domain of two or more letters.
-#}
{% macro hitflow_is_valid_email(column) %}
    {{ return(adapter.dispatch('hitflow_is_valid_email', 'hitflow')(column)) }}
{% endmacro %}

{#- https://duckdb.org/docs/stable/sql/functions/regular_expressions -#}
{% macro default__hitflow_is_valid_email(column) -%}
    regexp_matches(
        {{ column }},
        '^[^\s@<>(),;:"\[\]]+@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$',
        'i'
    )
{%- endmacro %}


{# --------------------------------------------------------------- phones #}

{#-
    Digits, with the country code as `+` when it is known:
    - Excel's number forms are undone first: `6513418285.0` and `6.513418285E+9`;
    - an extension at the end (`x12`, `ext. 12`, `#12`) is dropped;
    - a leading `+` or `00` keeps the country code that follows it;
    - ten digits that form a North American number get `+1`, as do eleven
      starting with 1; other numbers stay bare digits (country unknown).
-#}
{% macro hitflow_normalise_phone(column) %}
    {{ return(adapter.dispatch('hitflow_normalise_phone', 'hitflow')(column)) }}
{% endmacro %}

{#-
    https://duckdb.org/docs/stable/sql/functions/regular_expressions
    https://duckdb.org/docs/stable/sql/expressions/cast (try_cast)
-#}
{% macro default__hitflow_normalise_phone(column) -%}
    {%- set unexcelled -%}
        case
            when regexp_matches(_phone, '^[0-9](\.[0-9]+)?e\+?[0-9]+$', 'i')
                then coalesce(
                    try_cast(try_cast(_phone as double) as hugeint)::varchar, _phone
                )
            else regexp_replace(
                regexp_replace(_phone, '^([0-9]+)\.0+$', '\1'),
                '\s*(ext\.?|extension|x|#)\s*[0-9]{1,6}$',
                '',
                'i'
            )
        end
    {%- endset -%}
    {%- set with_country -%}
        case
            when starts_with(_number, '+') then '+' || _digits
            when starts_with(_digits, '00') then '+' || _digits[3:]
            when regexp_matches(_digits, '^[2-9][0-9]{9}$') then '+1' || _digits
            when regexp_matches(_digits, '^1[2-9][0-9]{9}$') then '+' || _digits
            else _digits
        end
    {%- endset -%}
    {{ _hitflow_let(
        _hitflow_let('trim(' ~ column ~ ')', '_phone', unexcelled),
        '_number',
        _hitflow_let(
            "regexp_replace(_number, '[^0-9]+', '', 'g')", '_digits', with_country
        )
    ) }}
{%- endmacro %}

{#- 7 to 15 digits (ITU E.164 allows at most 15), optionally after `+`. -#}
{% macro hitflow_is_valid_phone(column) %}
    {{ return(adapter.dispatch('hitflow_is_valid_phone', 'hitflow')(column)) }}
{% endmacro %}

{#- https://duckdb.org/docs/stable/sql/functions/regular_expressions -#}
{% macro default__hitflow_is_valid_phone(column) -%}
    regexp_matches({{ column }}, '^\+?[0-9]{7,15}$')
{%- endmacro %}


{# -------------------------------------------------------------- handles #}

{#-
    A social-media handle: `@name`, `name`, `instagram.com/name` and
    `https://www.instagram.com/name/?hl=en` are all `name`, lower-case. Any
    `scheme://` and `host.tld/` in front is dropped, then a leading `@`, then
    everything from the first `/`, `?` or `#`.
-#}
{% macro hitflow_normalise_handle(column) %}
    {{ return(adapter.dispatch('hitflow_normalise_handle', 'hitflow')(column)) }}
{% endmacro %}

{#- https://duckdb.org/docs/stable/sql/functions/regular_expressions -#}
{% macro default__hitflow_normalise_handle(column) -%}
    lower(regexp_extract(
        regexp_replace(
            regexp_replace(
                regexp_replace(trim({{ column }}), '^([a-z][a-z0-9+.-]*:)?//', '', 'i'),
                '^[^/@?#\s]+\.[a-z]{2,}/+',
                '',
                'i'
            ),
            '^@+',
            ''
        ),
        '^[^/?#]*'
    ))
{%- endmacro %}

{#- 1 to 30 of lower-case letters, digits, `.` and `_` (Instagram's rule). -#}
{% macro hitflow_is_valid_handle(column) %}
    {{ return(adapter.dispatch('hitflow_is_valid_handle', 'hitflow')(column)) }}
{% endmacro %}

{#- https://duckdb.org/docs/stable/sql/functions/regular_expressions -#}
{% macro default__hitflow_is_valid_handle(column) -%}
    regexp_matches({{ column }}, '^[a-z0-9._]{1,30}$')
{%- endmacro %}


{# ------------------------------------------------------ text, categories #}

{#-
    Free text for display: trimmed, every run of white space (no-break spaces
    too) one space, case kept. `hitflow_normalise_text_key` is the same,
    lower-case, for comparison.
-#}
{% macro hitflow_normalise_text(column) %}
    {{ return(adapter.dispatch('hitflow_normalise_text', 'hitflow')(column)) }}
{% endmacro %}

{#- https://duckdb.org/docs/stable/sql/functions/regular_expressions -#}
{% macro default__hitflow_normalise_text(column) -%}
    trim(regexp_replace({{ column }}, '[\s\x{00a0}]+', ' ', 'g'))
{%- endmacro %}

{% macro hitflow_normalise_text_key(column) %}
    {{ return(adapter.dispatch('hitflow_normalise_text_key', 'hitflow')(column)) }}
{% endmacro %}

{% macro default__hitflow_normalise_text_key(column) -%}
    lower({{ hitflow_normalise_text(column) }})
{%- endmacro %}

{#- A category label: trimmed, white space folded, lower-case. -#}
{% macro hitflow_normalise_category(column) %}
    {{ return(adapter.dispatch('hitflow_normalise_category', 'hitflow')(column)) }}
{% endmacro %}

{% macro default__hitflow_normalise_category(column) -%}
    lower({{ hitflow_normalise_text(column) }})
{%- endmacro %}


{# ----------------------------------------------------------------- json #}

{#- A text value as a JSON string literal (`"Chess \"A\" Club"`); NULL as null. -#}
{% macro hitflow_json_string(column) %}
    {{ return(adapter.dispatch('hitflow_json_string', 'hitflow')(column)) }}
{% endmacro %}

{#- https://duckdb.org/docs/stable/data/json/creating_json (to_json) -#}
{% macro default__hitflow_json_string(column) -%}
    coalesce(to_json({{ column }}::varchar)::varchar, 'null')
{%- endmacro %}
