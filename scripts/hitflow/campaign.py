"""Campaign folders: ``hitflow init``, ``hitflow run`` and ``hitflow status``.

A campaign folder holds what one requester's job needs:

    batches/<stage>/   batch result files as downloaded (CSV, Excel, TSV)
    reviews/           review workbooks a person filled in
    exports/           what hitflow writes for the requester
    warehouse/         the DuckDB file (unless HITFLOW_DB says otherwise)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from rich.console import Console
from rich.table import Table

from hitflow.errors import HitflowError
from hitflow.pipeline import load_pipeline
from hitflow.warehouse import connect, warehouse_path

BATCH_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm"}


def init_campaign(folder: Path) -> Iterator[str]:
    pipeline = load_pipeline()
    for stage in pipeline.stages:
        (folder / "batches" / stage).mkdir(parents=True, exist_ok=True)
    for name in ("reviews", "exports", "warehouse"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    _use_campaign_warehouse(folder)
    connect().close()
    yield f"campaign folder {folder} is ready:"
    yield f"  drop batch result files in {folder / 'batches'}/<stage>/"
    yield f"  filled-in review workbooks go in {folder / 'reviews'}/"
    yield f"  then run: hitflow run {folder}"


def _use_campaign_warehouse(folder: Path) -> None:
    if not os.environ.get("HITFLOW_DB"):
        os.environ["HITFLOW_DB"] = str(folder / "warehouse" / "hitflow.duckdb")


def new_files(folder: Path) -> tuple[list[tuple[str, Path]], list[Path]]:
    """Batch files (with their stage folder) and review workbooks in the folder."""
    batches = sorted(
        (path.parent.name, path)
        for path in (folder / "batches").glob("*/*")
        if path.suffix.lower() in BATCH_SUFFIXES and not path.name.startswith("~$")
    )
    reviews = sorted(
        path
        for path in (folder / "reviews").glob("*.xlsx")
        if not path.name.startswith("~$")
    )
    return batches, reviews


def run_campaign(
    folder: Path, *, force: bool = False, say: Callable[[str], None] = print
) -> None:
    """Load every new batch and review, build, export."""
    from hitflow.build import build
    from hitflow.export import export_all
    from hitflow.load import load_files_reporting
    from hitflow.review import import_review

    if not (folder / "batches").is_dir():
        raise HitflowError(f"{folder} is not a campaign folder; run hitflow init first")
    _use_campaign_warehouse(folder)
    batches, reviews = new_files(folder)
    refused = []
    for stage in sorted({stage for stage, _ in batches}):
        paths = [path for s, path in batches if s == stage]
        refused += load_files_reporting(paths, stage=stage, only_new=True)
    con = connect()
    try:
        for path in reviews:
            result = import_review(con, path)
            if result.imported_before is None:
                say(result.describe())
    finally:
        con.close()
    build(quiet=True)
    say("build passed: models and quality gates")
    con = connect()
    try:
        export_all(con, folder / "exports", force=force, say=say)
    finally:
        con.close()
    if refused:
        raise HitflowError(f"{len(refused)} files were refused (see above)")


def print_status(console: Console) -> None:
    """Tasks by state, workers by state, and spend, per stage."""
    from hitflow.leads import stage_costs

    path = warehouse_path()
    if not path.exists():
        raise HitflowError(f"no warehouse at {path}; load batch files first")
    con = connect()
    try:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'main' and table_name = 'tasks'"
        ).fetchone()[0]
        if not exists:
            raise HitflowError("nothing is built yet; run hitflow build first")
        states = ["accepted", "empty", "review", "rerun", "exhausted"]
        table = Table(title="tasks by state")
        for column in ["stage", *states, "assignments", "spend"]:
            table.add_column(column, justify="left" if column == "stage" else "right")
        counts = dict(
            ((stage, state), n)
            for stage, state, n in con.execute(
                "select stage, state, count(*) from tasks group by all"
            ).fetchall()
        )
        pipeline = load_pipeline()
        for cost in stage_costs(con, pipeline):
            table.add_row(
                cost.stage,
                *(f"{counts.get((cost.stage, s), 0):,}" for s in states),
                f"{cost.assignments:,}",
                f"${cost.total:,.2f}",
            )
        console.print(table)
        workers = Table(title="workers by state")
        for column in ("state", "workers", "assignments"):
            workers.add_column(column)
        for state, n, n_assignments in con.execute(
            "select state, count(*), sum(n_assignments) from workers "
            "group by state order by 1"
        ).fetchall():
            workers.add_row(state, f"{n:,}", f"{n_assignments:,}")
        console.print(workers)
    finally:
        con.close()
