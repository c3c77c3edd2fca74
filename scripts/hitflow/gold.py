"""The trust model on public benchmarks with known truth.

Reads the gold data sets beside the repository (``../shared/data/gold``: dog
breeds and ducks, ``question,worker,answer`` with ``question,truth``), loads each
through the ordinary generic loader as a one-field `category` stage, builds with
the EM model and with plain majority vote, and prints accuracy against the truth.
The data are read in place, never copied.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hitflow.pipeline import PROJECT_DIR
from hitflow.warehouse import connect

GOLD_DIR = PROJECT_DIR.parent / "shared" / "data" / "gold"
GOLD_PIPELINE = """\
pipeline:
  defaults: {{redundancy: 3, max_assignments: 100, reward: 0.01}}
  stages:
    label:
      key_inputs: [task]
      fields:
        label: {{type: category, categories: {categories}}}
"""


def gold_sets(root: Path = GOLD_DIR) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / "answers.csv").exists())


def _long_csv(answers: Path, out: Path) -> list[str]:
    """Rewrite answers as the generic long CSV; return the labels seen."""
    labels = set()
    with answers.open(newline="") as src, out.open("w", newline="") as dst:
        writer = csv.writer(dst)
        writer.writerow(["task", "worker", "field", "value"])
        for row in csv.DictReader(src):
            writer.writerow([row["question"], row["worker"], "label", row["answer"]])
            labels.add(row["answer"])
    return sorted(labels)


def accuracy(warehouse: Path, truth: Path) -> float:
    """Share of questions whose top candidate is the true label; a tie goes to
    the label first in sort order, as crowd-kit breaks it."""
    con = connect(warehouse)
    try:
        (score,) = con.execute(
            """
            with top as (
                select
                    inputs.input_value as question,
                    (list(
                        answers.value
                        order by answers.confidence desc, answers.value
                    ))[1] as predicted
                from task_answers as answers
                inner join intermediate.int_task_inputs as inputs
                    on answers.task_id = inputs.task_id
                where inputs.input_name = 'task'
                group by inputs.input_value
            )
            select avg((top.predicted = truth.truth::varchar)::int)
            from read_csv(?, all_varchar = true) as truth
            inner join top
                on top.question = truth.question
            """,
            [str(truth)],
        ).fetchone()
    finally:
        con.close()
    return float(score)


def evaluate(folder: Path, method: str, settings: dict | None = None) -> float:
    from hitflow.build import run_dbt
    from hitflow.load import load_file
    from hitflow.pipeline import load_pipeline
    from hitflow.warehouse import connect

    with tempfile.TemporaryDirectory(prefix=f"hitflow-gold-{folder.name}-") as tmp:
        work = Path(tmp)
        long_csv = work / f"{folder.name}.csv"
        labels = _long_csv(folder / "answers.csv", long_csv)
        definition = work / "pipeline.yml"
        definition.write_text(GOLD_PIPELINE.format(categories=json.dumps(labels)))
        saved = {k: os.environ.get(k) for k in ("HITFLOW_DB", "HITFLOW_PIPELINE")}
        os.environ["HITFLOW_DB"] = str(work / "gold.duckdb")
        os.environ["HITFLOW_PIPELINE"] = str(definition)
        try:
            con = connect()
            load_file(con, load_pipeline(), long_csv, stage="label", platform="generic")
            con.close()
            status = run_dbt(
                [
                    "build",
                    "--exclude-resource-type",
                    "test",
                    "unit_test",
                    "--target-path",
                    str(work / "target"),
                ],
                quiet=True,
                trust={"method": method, **(settings or {})},
            )
            if status != 0:
                raise RuntimeError(f"dbt run failed on {folder.name}")
            return accuracy(work / "gold.duckdb", folder / "truth.csv")
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def evaluate_gold(root: Path = GOLD_DIR) -> Iterator[str]:
    sets = gold_sets(root)
    if not sets:
        yield f"gold: skipped, no benchmark data at {root}"
        return
    for folder in sets:
        em = evaluate(folder, "em")
        majority = evaluate(folder, "majority")
        yield (
            f"gold {folder.name}: hitflow EM accuracy {em:.3f}, "
            f"majority vote {majority:.3f}"
        )
