{#
    The raw tables: append-only, written only by the Python loaders (`hitflow load`,
    `hitflow review import`). dbt runs this on every start so that a fresh warehouse
    builds, but it only ever creates what is missing: it never drops or rewrites a
    raw row, so `dbt build --full-refresh` loses nothing a person loaded or typed.

    `raw.exported_items` records what `hitflow export` already handed to the next
    stage, so nothing is published (and paid for) twice. `audit.build_runs` is
    written by dbt's on-run-end hook: exports refuse to run after a failed build.

    The Python package renders this same macro with plain Jinja, so it must stay
    free of dbt-only functions. Every row carries `batch_sha256`, the SHA-256 of
    the file it came from; `raw.batches` holds that file's path and load time.
#}
{% macro hitflow_raw_tables_ddl() %}
create schema if not exists raw;

create table if not exists raw.batches (
    batch_sha256 varchar not null,
    file_name varchar not null,
    file_path varchar not null,
    platform varchar not null,
    stage varchar not null,
    columns_json varchar not null,
    n_rows bigint not null,
    n_new_assignments bigint not null,
    loaded_at timestamp not null
);

create table if not exists raw.assignments (
    batch_sha256 varchar not null,
    row_number bigint not null,
    platform varchar not null,
    stage varchar not null,
    assignment_id varchar not null,
    task_ref varchar,
    worker_id varchar not null,
    status varchar,
    accept_time varchar,
    submit_time varchar,
    work_seconds varchar,
    reward varchar,
    approval_rate varchar,
    max_assignments varchar
);

create table if not exists raw.inputs (
    batch_sha256 varchar not null,
    platform varchar not null,
    assignment_id varchar not null,
    input_name varchar not null,
    input_value varchar
);

create table if not exists raw.answers (
    batch_sha256 varchar not null,
    platform varchar not null,
    assignment_id varchar not null,
    field varchar not null,
    part varchar not null,
    position integer not null,
    answer_value varchar
);

create table if not exists raw.gold_answers (
    batch_sha256 varchar not null,
    platform varchar not null,
    assignment_id varchar not null,
    field varchar not null,
    part varchar not null,
    position integer not null,
    gold_value varchar
);

create table if not exists raw.review_decisions (
    file_sha256 varchar not null,
    file_name varchar not null,
    sheet varchar not null,
    row_number integer not null,
    review_id varchar not null,
    stage varchar not null,
    task_id varchar not null,
    field varchar not null,
    candidate_id varchar,
    decision varchar not null,
    corrected_value varchar,
    notes varchar,
    imported_at timestamp not null
);

create table if not exists raw.exported_items (
    export_id varchar not null,
    stage varchar not null,
    task_id varchar not null,
    candidate_id varchar,
    next_stage varchar not null,
    item_key varchar not null,
    file_name varchar not null,
    exported_at timestamp not null
);

create schema if not exists audit;

create table if not exists audit.build_runs (
    invocation_id varchar not null,
    command varchar,
    finished_at timestamp not null,
    n_nodes integer not null,
    n_errors integer not null,
    n_failed_tests integer not null
);
{% endmacro %}
