"""What the next stage runs on: accepted answers as new tasks, and reruns.

A stage's ``next.inputs`` in the pipeline definition maps each next-stage input to
``input.<name>`` (this task's input) or ``answer.<field>`` / ``answer.<field>.<part>``
(an accepted answer). A multi-valued field fans out: every accepted club becomes
one leads task. Items handed over before are recorded in ``raw.exported_items``
and left out, so a requester never pays twice for the same task.
"""

from __future__ import annotations

import csv
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from hitflow.pipeline import Pipeline, Stage


@dataclass(frozen=True)
class NextItem:
    # Where it came from: the task and accepted candidate of this stage.
    task_id: str
    candidate_id: str | None
    # The next stage's input row, in the definition's column order.
    row: dict[str, str]
    # The next stage's task key, as the warehouse computes it.
    key: str


def key_text(value: str | None) -> str:
    """Input text as a task key: trimmed, lower-case, white space folded.

    Mirrors the ``hitflow_normalise_key_text`` macro the warehouse uses.
    """
    return " ".join((value or "").split()).lower()


def task_key(stage: Stage, row: dict[str, str]) -> str:
    names = stage.key_inputs or tuple(row)
    return "\x1f".join(f"{name}={key_text(row.get(name))}" for name in sorted(names))


def fan_out_field(stage: Stage) -> tuple[str, str] | None:
    """The answer field (and part) the mapping reads, if any."""
    for source in stage.next_inputs.values():
        kind, _, rest = source.partition(".")
        if kind == "answer":
            name, _, part = rest.partition(".")
            return name, part
    return None


def next_stage_items(
    con: duckdb.DuckDBPyConnection, pipeline: Pipeline, stage: Stage
) -> list[NextItem]:
    """Every accepted item of ``stage`` as a next-stage input row (deduplicated)."""
    if not stage.next_stage:
        return []
    next_stage = pipeline.stage(stage.next_stage)
    fan_out = fan_out_field(stage)
    if fan_out is None:
        rows = con.execute(
            "select task_id, inputs_json, null, null from tasks "
            "where stage = ? and state in ('accepted', 'empty') order by task_id",
            [stage.name],
        ).fetchall()
    else:
        rows = con.execute(
            "select tasks.task_id, tasks.inputs_json, answers.candidate_id, "
            "answers.display_value from tasks "
            "inner join task_answers as answers "
            "on tasks.stage = answers.stage and tasks.task_id = answers.task_id "
            "where tasks.stage = ? and answers.field = ? and answers.accepted "
            "and not answers.is_none order by tasks.task_id, answers.candidate_id",
            [stage.name, fan_out[0]],
        ).fetchall()
    items, seen = [], set()
    for task_id, inputs_json, candidate_id, display_value in rows:
        row = _map_row(stage, json.loads(inputs_json or "{}"), display_value)
        key = task_key(next_stage, row)
        if key not in seen:
            seen.add(key)
            items.append(NextItem(task_id, candidate_id, row, key))
    return items


def _map_row(stage: Stage, inputs: dict, answer: str | None) -> dict[str, str]:
    row = {}
    for name, source in stage.next_inputs.items():
        kind, _, rest = source.partition(".")
        if kind == "input":
            row[name] = inputs.get(rest) or ""
            continue
        _, _, part = rest.partition(".")
        if part:
            row[name] = (json.loads(answer) if answer else {}).get(part) or ""
        else:
            row[name] = answer or ""
    return row


def already_exported(
    con: duckdb.DuckDBPyConnection, next_stage: str
) -> dict[str, tuple[str, str]]:
    """item key -> (file name, time) of items handed to ``next_stage`` before."""
    rows = con.execute(
        "select item_key, any_value(file_name), min(exported_at)::varchar "
        "from raw.exported_items where next_stage = ? group by item_key",
        [next_stage],
    ).fetchall()
    return {key: (name, when) for key, name, when in rows}


def record_exported(
    con: duckdb.DuckDBPyConnection,
    stage: Stage,
    items: list[NextItem],
    file_name: str,
) -> None:
    if not items:
        return
    export_id = uuid.uuid4().hex
    con.executemany(
        "insert into raw.exported_items "
        "values (?, ?, ?, ?, ?, ?, ?, current_timestamp)",
        [
            (export_id, stage.name, i.task_id, i.candidate_id, stage.next_stage, i.key,
             file_name)
            for i in items
        ],
    )  # fmt: skip


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    """A batch-input CSV: header row of template variables, one row per task."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def rerun_rows(con: duckdb.DuckDBPyConnection, stage: Stage) -> list[dict[str, str]]:
    """Tasks in state rerun, as republishable input rows plus answers needed."""
    rows = con.execute(
        "select task_id, inputs_json, task_refs, n_assignments, assignments_needed "
        "from tasks where stage = ? and state = 'rerun' and assignments_needed > 0 "
        "order by task_id",
        [stage.name],
    ).fetchall()
    ceiling = int(stage.settings.get("max_assignments", 9))
    result = []
    for task_id, inputs_json, task_refs, n_assignments, needed in rows:
        needed = min(int(needed), ceiling - int(n_assignments))
        if needed <= 0:
            continue
        row = {k: v or "" for k, v in json.loads(inputs_json or "{}").items()}
        row["assignments_needed"] = str(needed)
        row["task_ref"] = (task_refs or [""])[-1]
        row["task_id"] = task_id
        result.append(row)
    return result
