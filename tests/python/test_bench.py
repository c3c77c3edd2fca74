"""`make bench` at a small size: the build it times is a whole, passing one."""

from __future__ import annotations

import pytest

from hitflow.bench import bench_build, bench_load
from hitflow.pipeline import PROJECT_DIR

pytestmark = pytest.mark.dbt


def test_the_benchmark_loads_and_builds_a_small_campaign(tmp_path):
    loaded = bench_load(2_000, tmp_path)
    assert loaded["assignments"] == 2_000
    built = bench_build(tmp_path)
    assert built["dbt_status"] == 0
    assert 0 < built["em_seconds"] < built["build_seconds"]
    assert {name for name, _ in built["slowest_models"]} <= _model_names()


def _model_names() -> set[str]:
    return {path.stem for path in (PROJECT_DIR / "models").rglob("*.sql")}
