"""The gold benchmarks are read in place, and skipped cleanly when absent."""

from __future__ import annotations

import pytest

from hitflow.bench import bench_build, bench_load
from hitflow.gold import GOLD_DIR, evaluate_gold, gold_sets
from hitflow.pipeline import PROJECT_DIR


def test_absent_benchmarks_are_skipped_with_a_message(tmp_path):
    lines = list(evaluate_gold(tmp_path / "nowhere"))
    assert lines == [f"gold: skipped, no benchmark data at {tmp_path / 'nowhere'}"]


def test_benchmark_folders_need_answers(tmp_path):
    (tmp_path / "dog").mkdir()
    (tmp_path / "duck").mkdir()
    (tmp_path / "duck" / "answers.csv").write_text("question,worker,answer\n")
    assert gold_sets(tmp_path) == [tmp_path / "duck"]


def test_the_benchmarks_are_looked_for_beside_the_repository():
    assert GOLD_DIR.parts[-3:] == ("shared", "data", "gold")


@pytest.mark.dbt
def test_the_benchmark_loads_and_builds_a_small_campaign(tmp_path):
    """`make bench` at a small size: the build it times is a whole, passing one."""
    loaded = bench_load(2_000, tmp_path)
    assert loaded["assignments"] == 2_000
    built = bench_build(tmp_path)
    assert built["dbt_status"] == 0
    assert 0 < built["em_seconds"] < built["build_seconds"]
    assert {name for name, _ in built["slowest_models"]} <= _model_names()


def _model_names() -> set[str]:
    return {path.stem for path in (PROJECT_DIR / "models").rglob("*.sql")}
