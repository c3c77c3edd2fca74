"""``hitflow export``: the files a requester works with after a build."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from hitflow.errors import HitflowError
from hitflow.leads import LEAD_COLUMNS, cost_rows, lead_rows, stage_costs
from hitflow.nextstage import (
    already_exported,
    next_stage_items,
    record_exported,
    rerun_rows,
    write_csv,
)
from hitflow.pipeline import Pipeline, Stage, load_pipeline


def check_last_build(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse to export from a failed, missing or stale build."""
    last = con.execute(
        "select finished_at, n_errors, n_failed_tests from audit.build_runs "
        "where command = 'build' order by finished_at desc limit 1"
    ).fetchone()
    if last is None:
        raise HitflowError("nothing is built yet; run hitflow build first")
    finished_at, n_errors, n_failed = last
    if n_errors or n_failed:
        raise HitflowError(
            f"the last build had {n_errors} failed models and {n_failed} failed "
            "quality gates; fix them and build again, or export with --force"
        )
    (newer,) = con.execute(
        "select count(*) from raw.batches where loaded_at > ?", [finished_at]
    ).fetchone()
    (reviews,) = con.execute(
        "select count(*) from raw.review_decisions where imported_at > ?",
        [finished_at],
    ).fetchone()
    if newer or reviews:
        raise HitflowError(
            "batches or reviews were loaded after the last build; run hitflow "
            "build first, or export with --force"
        )


def export_all(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    *,
    stage: str | None = None,
    force: bool = False,
    say: Callable[[str], None] = print,
) -> None:
    """Write every export for one stage (or all) under ``out``."""
    if not force:
        check_last_build(con)
    pipeline = load_pipeline()
    stages = [pipeline.stage(stage)] if stage else list(pipeline.stages.values())
    out.mkdir(parents=True, exist_ok=True)
    for current in stages:
        folder = out / current.name
        folder.mkdir(exist_ok=True)
        _export_next_stage(con, pipeline, current, folder, say)
        _export_reruns(con, current, folder, say)
        _export_review(con, current, folder, say)
    _export_uploads(con, out, say)
    _export_leads_and_cost(con, pipeline, out, say)


def _export_next_stage(con, pipeline: Pipeline, stage: Stage, folder: Path, say):
    if not stage.next_stage:
        return
    from hitflow.workbook import write_rows_workbook

    items = next_stage_items(con, pipeline, stage)
    earlier = already_exported(con, stage.next_stage)
    new = [item for item in items if item.key not in earlier]
    old = [item for item in items if item.key in earlier]
    header = list(stage.next_inputs)
    path = folder / "next_stage_input.csv"
    write_csv(path, header, [item.row for item in new])
    write_rows_workbook(
        path.with_suffix(".xlsx"),
        {
            "new tasks": (header, [item.row for item in new]),
            "already exported": (
                [*header, "exported_in", "exported_at"],
                [
                    {
                        **item.row,
                        "exported_in": earlier[item.key][0],
                        "exported_at": earlier[item.key][1],
                    }
                    for item in old
                ],
            ),
        },
    )
    con.execute("begin transaction")
    record_exported(con, stage, new, path.name)
    con.execute("commit")
    say(
        f"{stage.name}: {len(new):,} new {stage.next_stage} tasks in {path} "
        f"({len(old):,} exported before left out)"
    )


def _export_reruns(con, stage: Stage, folder: Path, say) -> None:
    rows = rerun_rows(con, stage)
    path = folder / "rerun_input.csv"
    header = list(rows[0]) if rows else ["task_id", "assignments_needed"]
    write_csv(path, header, rows)
    needed = sum(int(row["assignments_needed"]) for row in rows)
    say(f"{stage.name}: {len(rows):,} tasks need {needed:,} more answers ({path})")


def _export_review(con, stage: Stage, folder: Path, say) -> None:
    from hitflow.review import write_review_workbook

    path = folder / "review.xlsx"
    n_items = write_review_workbook(con, stage.name, path)
    say(f"{stage.name}: {n_items:,} items for a person to review in {path}")


def _export_uploads(con, out: Path, say) -> None:
    from hitflow.uploads import (
        write_approve_reject,
        write_block_list,
        write_toloka_reviews,
    )

    for files in (write_approve_reject(con, out), write_toloka_reviews(con, out)):
        if files.paths:
            say(files.describe())
    path = out / "block_list.csv"
    n_blocked = write_block_list(con, path)
    say(f"{n_blocked:,} workers to block in {path}")


def _export_leads_and_cost(con, pipeline: Pipeline, out: Path, say) -> None:
    from hitflow.workbook import write_rows_workbook

    costs = stage_costs(con, pipeline)
    total = sum(cost.total for cost in costs)
    leads = lead_rows(con, pipeline, total)
    path = out / "leads.csv"
    write_csv(path, LEAD_COLUMNS, leads)
    write_rows_workbook(
        path.with_suffix(".xlsx"),
        {"leads": (LEAD_COLUMNS, leads)},
        confidence_column="confidence",
    )
    rows = cost_rows(costs, len(leads))
    cost_path = out / "cost_report.csv"
    write_csv(cost_path, list(rows[0]), rows)
    per_lead = f"${total / len(leads):.2f} a lead" if leads else "no leads yet"
    say(f"{len(leads):,} leads in {path}; spend ${total:.2f}, {per_lead} ({cost_path})")
