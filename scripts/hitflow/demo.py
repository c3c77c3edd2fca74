"""``make demo``: a whole three-stage campaign with the simulator in the loop.

directories -> clubs -> leads, each stage: publish (simulate) -> load -> build ->
export; then one rerun round for tasks that need more answers, and one review
round in which a scripted reviewer answers the review workbook from the
simulator's truth. The report compares the final leads with the truth, and
shows what plain majority vote would have accepted from the same answers.
"""

from __future__ import annotations

import csv
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hitflow.campaign import init_campaign, run_campaign
from hitflow.evaluate import (
    honest_blocked,
    leads_quality,
    spammers_caught,
    stage_quality,
)
from hitflow.simulate import (
    Crowd,
    World,
    resave_as_excel,
    simulate_batch,
    simulate_rerun,
)
from hitflow.warehouse import connect

STAGES = ("directories", "clubs", "leads")


@dataclass
class DemoRun:
    folder: Path
    world: World
    crowd: Crowd
    seed: int
    say: Callable[[str], None]
    batch_number: int = 4_500_000
    reviewed_items: int = 0
    # Next-stage input rows exported so far, by the stage they are for.
    pending: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    @property
    def exports(self) -> Path:
        return self.folder / "exports"

    def next_batch(self, stage: str) -> Path:
        """Where the platform (the simulator) writes the next batch's results."""
        self.batch_number += 1
        folder = self.folder / "published" / stage
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"Batch_{self.batch_number}_batch_results.csv"

    def download(self, stage: str, batch: Path, *, excel: bool = False) -> Path:
        """Put a batch where the requester drops downloads (as Excel, if asked)."""
        target = self.folder / "batches" / stage
        if excel:
            return resave_as_excel(batch, target / batch.with_suffix(".xlsx").name)
        return Path(shutil.copy(batch, target / batch.name))


def _read_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _stage_inputs(run: DemoRun, stage: str, previous: str | None) -> list[dict]:
    if previous is None:
        return run.world.inputs(stage)
    return run.pending.pop(stage, [])


def _run_campaign(run: DemoRun) -> None:
    """``hitflow run`` on the folder, keeping each export's new next-stage rows."""
    run_campaign(run.folder, say=lambda line: None)
    for stage in STAGES:
        rows = _read_rows(run.exports / stage / "next_stage_input.csv")
        if rows:
            nxt = STAGES[STAGES.index(stage) + 1]
            run.pending.setdefault(nxt, []).extend(rows)


def _publish(run: DemoRun, stage: str, rows: list[dict]) -> Path | None:
    if not rows:
        run.say(f"{stage}: nothing to publish")
        return None
    path = simulate_batch(
        run.world, run.crowd, stage, rows, run.next_batch(stage), seed=run.seed
    )
    # Real archives hold Excel re-saves too: the first stage arrives that way.
    downloaded = run.download(stage, path, excel=stage == "directories")
    run.say(f"{stage}: published {len(rows):,} tasks; results in {downloaded.name}")
    return path


def _rerun(run: DemoRun, stage: str, first_batch: Path) -> int:
    """Publish more assignments for the tasks on the rerun list."""
    rows = _read_rows(run.exports / stage / "rerun_input.csv")
    if not rows:
        return 0
    by_need: dict[int, list[str]] = {}
    for row in rows:
        by_need.setdefault(int(row["assignments_needed"]), []).append(row["task_ref"])
    for needed, task_refs in sorted(by_need.items()):
        batch = simulate_rerun(
            run.world,
            run.crowd,
            first_batch,
            run.next_batch(stage),
            seed=run.seed + needed,
            extra_assignments=needed,
            task_ids=task_refs,
        )
        run.download(stage, batch)
    run.say(f"{stage}: rerun {len(rows):,} tasks for more answers")
    return len(rows)


def run_demo(
    out: Path, *, seed: int, universities: int, say: Callable[[str], None] = print
) -> None:
    from hitflow.demo_review import answer_review_workbook

    started = time.perf_counter()
    folder = out / "campaign"
    if folder.exists():
        shutil.rmtree(folder)
    os.environ["HITFLOW_DB"] = str(folder / "warehouse" / "hitflow.duckdb")
    for _ in init_campaign(folder):
        pass
    run = DemoRun(
        folder,
        World.generate(seed, n_universities=universities),
        Crowd.generate(seed),
        seed,
        say,
    )
    previous = None
    for stage in STAGES:
        batch = _publish(run, stage, _stage_inputs(run, stage, previous))
        if batch is None:
            break
        _run_campaign(run)
        # One round of reruns, then one of review on what is still open.
        if _rerun(run, stage, batch):
            _run_campaign(run)
        workbook = run.exports / stage / "review.xlsx"
        reviewed = folder / "reviews" / f"{stage}_reviewed.xlsx"
        n_items = answer_review_workbook(workbook, reviewed, run.world, stage)
        run.reviewed_items += n_items
        say(f"{stage}: a person reviewed {n_items:,} items")
        if n_items:
            _run_campaign(run)
        previous = stage
    report = write_report(run, out, time.perf_counter() - started)
    say("")
    say(report)


def write_report(run: DemoRun, out: Path, seconds: float) -> str:
    warehouse = Path(os.environ["HITFLOW_DB"])
    con = connect(warehouse)
    try:
        qualities = stage_quality(con, run.world)
        caught = spammers_caught(con, run.crowd)
        honest = honest_blocked(con, run.crowd)
        bought = dict(
            con.execute("select stage, count(*) from assignments group by 1").fetchall()
        )
        (n_tasks,) = con.execute("select count(*) from tasks").fetchone()
    finally:
        con.close()
    leads = _read_rows(run.exports / "leads.csv")
    precision, recall = leads_quality(leads, run.world)
    costs = {row["stage"]: row for row in _read_rows(run.exports / "cost_report.csv")}
    majority = majority_baseline(run, warehouse)
    lines = [
        "# hitflow demo report",
        "",
        f"A simulated campaign: {len(run.world.truth_directories())} universities, "
        f"{len(run.crowd.workers)} workers, seed {run.seed}; {seconds:.0f} s.",
        "",
        "| stage | assignments bought | tasks | accepted-value precision | spend |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for quality in qualities:
        spend = costs.get(quality.stage, {}).get("total_spend", "")
        lines.append(
            f"| {quality.stage} | {bought.get(quality.stage, 0):,} | {quality.tasks:,} "
            f"| {quality.precision:.3f} | ${spend} |"
        )
    planted = sum(len(v) for k, v in run.crowd.spammers().items() if k != "placeholder")
    n_caught = sum(state in ("blocked", "suspect") for state in caught.values())
    total = costs.get("all stages", {})
    lines += [
        "",
        f"- spammers caught: {n_caught} of {planted} planted "
        f"({', '.join(sorted(set(caught.values())))}); "
        f"honest workers blocked: {len(honest)}",
        f"- items a person reviewed: {run.reviewed_items:,} "
        f"({run.reviewed_items / n_tasks:.1%} of {n_tasks:,} tasks)",
        f"- leads found: {len(leads):,}; precision {precision:.3f}, recall "
        f"{recall:.3f} against the simulator's truth",
        f"- spend ${total.get('total_spend', '0')}, "
        f"${total.get('spend_per_lead', '') or '-'} per lead",
        f"- majority vote on the same answers: {majority}",
        "",
        "Files:",
        f"- warehouse: {warehouse}",
        f"- exports: {run.exports} (leads.csv, cost_report.csv, block_list.csv, "
        "<stage>/next_stage_input.csv, review.xlsx, rerun_input.csv, "
        "*.approve_reject.csv)",
        f"- batches: {run.folder / 'batches'}; reviews: {run.folder / 'reviews'}",
    ]
    report = "\n".join(lines) + "\n"
    (out / "report.md").write_text(report)
    return report


def majority_baseline(run: DemoRun, warehouse: Path) -> str:
    """Rebuild a copy of the warehouse with majority vote; measure its leads."""
    from hitflow.build import run_dbt
    from hitflow.leads import lead_rows
    from hitflow.pipeline import load_pipeline

    copy = warehouse.with_name("majority.duckdb")
    con = connect(warehouse)
    con.execute("checkpoint")
    con.close()
    shutil.copy(warehouse, copy)
    saved = os.environ["HITFLOW_DB"]
    os.environ["HITFLOW_DB"] = str(copy)
    try:
        status = run_dbt(
            [
                "build",
                "--exclude-resource-type",
                "test",
                "unit_test",
                "--target-path",
                str(copy.parent / "target-majority"),
            ],
            quiet=True,
            trust={"method": "majority"},
        )
        if status != 0:
            return "could not be built"
        con = connect(copy)
        try:
            leads = lead_rows(con, load_pipeline(), 0.0)
            qualities = stage_quality(con, run.world)
        finally:
            con.close()
    finally:
        os.environ["HITFLOW_DB"] = saved
    precision, recall = leads_quality(leads, run.world)
    worst = min(q.precision for q in qualities)
    return (
        f"{len(leads):,} leads, precision {precision:.3f}, recall {recall:.3f} "
        f"(lowest accepted-value precision of a stage {worst:.3f})"
    )
