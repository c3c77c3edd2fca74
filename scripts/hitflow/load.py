"""Landing batch files in the raw tables: exactly once, all or nothing per file.

A file is checked completely before anything is written; a file that fails adds
nothing and its error names the file, the row and the column. A file already
loaded (same SHA-256) adds nothing; a file that repeats assignments already loaded
(a trimmed copy, a re-download) adds only the new ones.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from hitflow.batchfile import ROW_COLUMN, check_readable, file_sha256, read_into
from hitflow.errors import HitflowError
from hitflow.pipeline import Pipeline, Stage
from hitflow.platforms import ASSIGNMENT_ATTRIBUTES, WideProfile, wide_profiles

GENERIC_REQUIRED = ("task", "worker", "field", "value")
GENERIC_OPTIONAL = {
    "assignment_id": "assignment",
    "status": "status",
    "accept_time": "accept_time",
    "submit_time": "submit_time",
    "work_seconds": "work_seconds",
    "reward": "reward",
}
GENERIC_INPUT_PREFIX = "input."


@dataclass(frozen=True)
class LoadResult:
    path: Path
    stage: str
    platform: str
    # Assignments in the file, and how many of them were new.
    n_assignments: int
    n_new: int
    # When the same content was loaded before, its load time.
    loaded_before: dt.datetime | None = None

    def describe(self) -> str:
        name = self.path.name
        if self.loaded_before is not None:
            when = self.loaded_before.strftime("%Y-%m-%d %H:%M")
            return f"{name} was already loaded on {when} (same content); nothing added"
        skipped = self.n_assignments - self.n_new
        text = (
            f"loaded {self.n_new:,} assignments from {name} "
            f"(stage {self.stage}, {self.platform})"
        )
        if skipped:
            text += f"; {skipped:,} already loaded from another file were skipped"
        return text


def quote_identifier(name: str) -> str:
    """A column name from a file, quoted so it can only ever name a column."""
    return '"' + name.replace('"', '""') + '"'


def load_file(
    con: duckdb.DuckDBPyConnection,
    pipeline: Pipeline,
    path: Path,
    *,
    stage: str | None = None,
    platform: str | None = None,
) -> LoadResult:
    """Load one batch file atomically; raise HitflowError (nothing written)."""
    check_readable(path)
    sha = file_sha256(path)
    before = con.execute(
        "select min(loaded_at), any_value(stage), any_value(platform) "
        "from raw.batches where batch_sha256 = ?",
        [sha],
    ).fetchone()
    if before[0] is not None:
        return LoadResult(path, before[1], before[2], 0, 0, loaded_before=before[0])
    con.execute("begin transaction")
    try:
        result = _load_new_file(con, pipeline, path, sha, stage, platform)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        for table in ("batch_rows", "batch_assignments", "new_assignments", "new_rows"):
            con.execute(f"drop table if exists {table}")
    return result


def _load_new_file(con, pipeline, path, sha, stage_name, platform_name):
    def needed(header: list[str]) -> list[str]:
        profile = _choose_profile(header, platform_name)
        return header if profile is None else profile.used_columns(header)

    header = read_into(con, path, "batch_rows", keep=needed)
    profile = _choose_profile(header, platform_name)
    if profile is None:
        loader = _GenericBatch(con, pipeline, header)
    else:
        loader = _WideBatch(con, pipeline, header, profile)
    stage = loader.resolve_stage(stage_name)
    loader.check_rows(stage)
    n_assignments, n_new = _land_assignments(con, loader.platform, stage, sha)
    loader.land_values(stage, sha)
    (n_rows,) = con.execute("select count(*) from batch_rows").fetchone()
    con.execute(
        "insert into raw.batches values (?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)",
        [
            sha,
            path.name,
            str(path.resolve()),
            loader.platform,
            stage.name,
            json.dumps(header),
            n_rows,
            n_new,
        ],
    )
    return LoadResult(path, stage.name, loader.platform, n_assignments, n_new)


def _choose_profile(header: list[str], platform: str | None) -> WideProfile | None:
    profiles = wide_profiles()
    if platform == "generic":
        return None
    if platform is not None:
        if platform not in profiles:
            known = ", ".join([*profiles, "generic"])
            raise HitflowError(f"unknown platform {platform!r}; use one of {known}")
        return profiles[platform]
    for profile in profiles.values():
        if profile.detect(header):
            return profile
    if all(col in header for col in GENERIC_REQUIRED):
        return None
    raise HitflowError(
        "is not batch results: it has no HITId, AssignmentId, WorkerId or Answer.* "
        "columns (nor Toloka's, nor the generic task, worker, field, value)"
    )


def _land_assignments(con, platform: str, stage: Stage, sha: str) -> tuple[int, int]:
    """Insert the file's assignments not loaded before; return (all, new)."""
    con.execute(
        "create temp table new_assignments as "
        "select * from batch_assignments as batch "
        "where not exists (select 1 from raw.assignments as landed "
        "where landed.platform = ? and landed.assignment_id = batch.assignment_id)",
        [platform],
    )
    columns = ", ".join(ASSIGNMENT_ATTRIBUTES)
    con.execute(
        f"insert into raw.assignments select ?, {ROW_COLUMN}, ?, ?, {columns} "
        "from new_assignments",
        [sha, platform, stage.name],
    )
    (n_all,) = con.execute("select count(*) from batch_assignments").fetchone()
    (n_new,) = con.execute("select count(*) from new_assignments").fetchone()
    return n_all, n_new


def _first_problem(con, sql: str, params: list | None = None):
    return con.execute(sql, params or []).fetchone()


class _WideBatch:
    """One row per assignment: MTurk CSV/Excel and Toloka TSV."""

    def __init__(self, con, pipeline: Pipeline, header: list[str], profile):
        missing = profile.missing(header)
        if missing:
            raise HitflowError(f"is not batch results: no {', '.join(missing)} column")
        self.con, self.pipeline, self.header = con, pipeline, header
        self.profile, self.platform = profile, profile.name
        self.answers = self._answer_sources()

    def _answer_sources(self) -> dict[str, tuple[str, list[str]]]:
        """Answer name -> (SQL expression over batch_rows, its parameters)."""
        sources = {}
        prefix = self.profile.answer_prefix
        for column in self.profile.answer_columns(self.header):
            if column == self.profile.json_answer_column:
                sources.update(self._json_answer_sources(column))
            else:
                sources[column[len(prefix) :]] = (
                    f"rows.{quote_identifier(column)}",
                    [],
                )
        return sources

    def _json_answer_sources(self, column: str) -> dict[str, tuple[str, list[str]]]:
        quoted = quote_identifier(column)
        try:
            keys = self.con.execute(
                "select distinct unnest(json_keys(json_extract(value, '$[0]'))) "
                f"from (select {quoted} as value from batch_rows "
                f"where {quoted} is not null)"
            ).fetchall()
        except duckdb.Error:
            raise HitflowError(f"column {column} does not hold JSON answers") from None
        sources = {}
        for (key,) in keys:
            path = "$[0]." + json.dumps(key)
            sources[key] = (f"json_extract_string(rows.{quoted}, ?)", [path])
        return sources

    def resolve_stage(self, stage_name: str | None) -> Stage:
        names = sorted(self.answers)
        stage = (
            self.pipeline.stage(stage_name)
            if stage_name
            else self.pipeline.infer_stage(names)
        )
        unknown = [name for name in names if stage.match_column(name) is None]
        if unknown:
            prefix = self.profile.answer_prefix
            raise HitflowError(
                f"answer column {prefix}{unknown[0]} is not a field of stage "
                f"{stage.name}"
            )
        inputs = [c[len(self.profile.input_prefix) :] for c in self._input_columns()]
        for key in stage.key_inputs:
            if key not in inputs:
                raise HitflowError(
                    f"has no {self.profile.input_prefix}{key} column, which identifies "
                    f"a task of stage {stage.name}"
                )
        self._build_assignments()
        return stage

    def _input_columns(self) -> list[str]:
        return self.profile.input_columns(self.header)

    def _build_assignments(self) -> None:
        selects = []
        for attribute in ASSIGNMENT_ATTRIBUTES:
            column = self.profile.columns.get(attribute) or ""
            if column in self.header:
                selects.append(f"trim({quote_identifier(column)}) as {attribute}")
            else:
                selects.append(f"null::varchar as {attribute}")
        self.con.execute(
            f"create temp table batch_assignments as select {ROW_COLUMN}, "
            f"{', '.join(selects)} from batch_rows"
        )

    def check_rows(self, stage: Stage) -> None:
        for attribute in ("assignment_id", "worker_id", "task_ref"):
            column = self.profile.columns[attribute]
            row = _first_problem(
                self.con,
                f"select min({ROW_COLUMN}) from batch_assignments "
                f"where coalesce({attribute}, '') = ''",
            )
            if row[0] is not None:
                raise HitflowError(f"row {row[0]}, column {column}: empty")
        row = _first_problem(
            self.con,
            f"select assignment_id, min({ROW_COLUMN}), max({ROW_COLUMN}) "
            "from batch_assignments group by assignment_id having count(*) > 1 "
            f"order by 2 limit 1",
        )
        if row is not None:
            column = self.profile.columns["assignment_id"]
            raise HitflowError(f"rows {row[1]} and {row[2]} repeat {column} {row[0]}")
        for key in stage.key_inputs:
            column = self.profile.input_prefix + key
            row = _first_problem(
                self.con,
                f"select min({ROW_COLUMN}) from batch_rows "
                f"where coalesce(trim({quote_identifier(column)}), '') = ''",
            )
            if row[0] is not None:
                raise HitflowError(
                    f"row {row[0]}, column {column}: empty, but it identifies the task"
                )

    def land_values(self, stage: Stage, sha: str) -> None:
        # One join, then plain scans: each column lands by its own insert.
        self.con.execute(
            "create temp table new_rows as select new.assignment_id as "
            "__assignment_id, rows.* from batch_rows as rows join new_assignments "
            f"as new on new.{ROW_COLUMN} = rows.{ROW_COLUMN}"
        )
        join = "from new_rows as rows"
        prefix = self.profile.input_prefix
        for column in self._input_columns():
            self.con.execute(
                "insert into raw.inputs select ?, ?, rows.__assignment_id, ?, "
                f"rows.{quote_identifier(column)} {join}",
                [sha, self.platform, column[len(prefix) :]],
            )
        for name, (expression, params) in self.answers.items():
            fld, part, position = stage.match_column(name)
            self.con.execute(
                "insert into raw.answers select ?, ?, rows.__assignment_id, ?, ?, ?, "
                f"{expression} {join}",
                [sha, self.platform, fld, part, position, *params],
            )
        gold_prefix = self.profile.gold_prefix or ""
        for column in self.profile.gold_columns(self.header):
            matched = stage.match_column(column[len(gold_prefix) :])
            if matched is None:
                continue
            self.con.execute(
                "insert into raw.gold_answers "
                "select ?, ?, rows.__assignment_id, ?, ?, ?, "
                f"rows.{quote_identifier(column)} {join} "
                f"where rows.{quote_identifier(column)} is not null",
                [sha, self.platform, *matched],
            )


class _GenericBatch:
    """One row per answer cell: ``task, worker, field, value`` (+ optional columns).

    Without an ``assignment`` column, one worker's answers to one task form one
    assignment. ``input.<name>`` columns are the task's inputs; without any, the
    ``task`` value itself is the task's only input, named ``task``.
    """

    platform = "generic"

    def __init__(self, con, pipeline: Pipeline, header: list[str]):
        missing = [col for col in GENERIC_REQUIRED if col not in header]
        if missing:
            raise HitflowError(f"is not batch results: no {', '.join(missing)} column")
        self.con, self.pipeline, self.header = con, pipeline, header
        self.labels = [
            row[0]
            for row in con.execute(
                "select distinct field from batch_rows where field is not null"
            ).fetchall()
        ]

    def resolve_stage(self, stage_name: str | None) -> Stage:
        stage = (
            self.pipeline.stage(stage_name)
            if stage_name
            else self.pipeline.infer_stage(sorted(self.labels))
        )
        for label in self.labels:
            if stage.match_column(label) is None:
                raise HitflowError(
                    f"field {label!r} in column field is not a field of stage "
                    f"{stage.name}"
                )
        inputs = self._input_names()
        for key in stage.key_inputs:
            if key not in inputs:
                raise HitflowError(
                    f"has no {GENERIC_INPUT_PREFIX}{key} column, which identifies a "
                    f"task of stage {stage.name}"
                )
        self._build_assignments()
        return stage

    def _input_names(self) -> list[str]:
        names = [
            col[len(GENERIC_INPUT_PREFIX) :]
            for col in self.header
            if col.startswith(GENERIC_INPUT_PREFIX)
        ]
        return names or ["task"]

    def _build_assignments(self) -> None:
        derived = "trim(task) || ':' || trim(worker)"
        if "assignment" in self.header:
            derived = f"coalesce(nullif(trim(assignment), ''), {derived})"
        self.con.execute(
            "create or replace temp table batch_rows as "
            f"select *, {derived} as __assignment from batch_rows"
        )
        selects = []
        for attribute in ASSIGNMENT_ATTRIBUTES:
            if attribute == "assignment_id":
                continue
            source = {"task_ref": "task", "worker_id": "worker"}.get(
                attribute, GENERIC_OPTIONAL.get(attribute)
            )
            if source in self.header:
                selects.append(f"min(trim({quote_identifier(source)})) as {attribute}")
            else:
                selects.append(f"null::varchar as {attribute}")
        self.con.execute(
            f"create temp table batch_assignments as select min({ROW_COLUMN}) "
            f"as {ROW_COLUMN}, __assignment as assignment_id, "
            f"{', '.join(selects)}, count(distinct trim(worker)) as n_workers "
            "from batch_rows group by __assignment"
        )

    def check_rows(self, stage: Stage) -> None:
        for column in ("task", "worker", "field"):
            row = _first_problem(
                self.con,
                f"select min({ROW_COLUMN}) from batch_rows "
                f"where coalesce(trim({quote_identifier(column)}), '') = ''",
            )
            if row[0] is not None:
                raise HitflowError(f"row {row[0]}, column {column}: empty")
        row = _first_problem(
            self.con,
            f"select {ROW_COLUMN}, assignment_id from batch_assignments "
            "where n_workers > 1 order by 1 limit 1",
        )
        if row is not None:
            raise HitflowError(
                f"row {row[0]}, column assignment: {row[1]} has several workers"
            )

    def land_values(self, stage: Stage, sha: str) -> None:
        self.con.execute(
            "create or replace temp table field_map "
            "(label varchar, field varchar, part varchar, position integer)"
        )
        self.con.executemany(
            "insert into field_map values (?, ?, ?, ?)",
            [(label, *stage.match_column(label)) for label in self.labels],
        )
        position = "field_map.position"
        if "position" in self.header:
            position = f"coalesce(try_cast(rows.position as integer), {position})"
        part = "field_map.part"
        if "part" in self.header:
            part = "coalesce(rows.part, field_map.part)"
        join = "join new_assignments as new on new.assignment_id = rows.__assignment"
        self.con.execute(
            "insert into raw.answers select distinct ?, ?, new.assignment_id, "
            f"field_map.field, {part}, {position}, rows.value "
            "from batch_rows as rows "
            "join field_map on field_map.label = rows.field "
            f"{join}",
            [sha, self.platform],
        )
        has_inputs = any(c.startswith(GENERIC_INPUT_PREFIX) for c in self.header)
        for name in self._input_names():
            column = GENERIC_INPUT_PREFIX + name if has_inputs else "task"
            self.con.execute(
                "insert into raw.inputs select ?, ?, new.assignment_id, ?, "
                f"min(rows.{quote_identifier(column)}) from batch_rows as rows {join} "
                "group by new.assignment_id",
                [sha, self.platform, name],
            )
        self.con.execute("drop table field_map")


def load_files_reporting(
    paths: list[Path],
    *,
    stage: str | None = None,
    platform: str | None = None,
    only_new: bool = False,
) -> list[Path]:
    """Load each file, printing one line per file; return the refused files.

    With ``only_new``, files loaded before are passed over in silence (a
    campaign folder keeps every file it ever received).
    """
    from rich.console import Console
    from rich.progress import Progress

    from hitflow.pipeline import load_pipeline
    from hitflow.warehouse import connect

    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    pipeline = load_pipeline()
    refused = []
    con = connect()
    try:
        with Progress(console=err, transient=True) as progress:
            bar = progress.add_task("loading", total=len(paths))
            for path in paths:
                progress.update(bar, description=f"loading {path.name}")
                try:
                    result = load_file(
                        con, pipeline, path, stage=stage, platform=platform
                    )
                    if not (only_new and result.loaded_before is not None):
                        out.print(result.describe())
                except HitflowError as problem:
                    err.print(f"{path.name}: {problem}; nothing from it was loaded")
                    refused.append(path)
                progress.advance(bar)
    finally:
        con.close()
    return refused
