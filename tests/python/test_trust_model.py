"""The trust model on a simulated campaign with known truth and planted spammers."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
import yaml

from hitflow.build import run_dbt
from hitflow.evaluate import honest_blocked, spammers_caught, stage_quality
from hitflow.load import load_file
from hitflow.pipeline import PROJECT_DIR, load_pipeline
from hitflow.simulate import Crowd, World, simulate_batch, simulate_rerun
from hitflow.warehouse import connect

pytestmark = pytest.mark.dbt
SEED = 5


def _build(target: Path, trust: dict | None = None) -> None:
    args = [
        "build",
        "--exclude-resource-type",
        "unit_test",
        "--target-path",
        str(target),
    ]
    assert run_dbt(args, quiet=True, trust=trust) == 0, "dbt build failed"


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    """Three stages from the truth's inputs, built, then one rerun round."""
    work = tmp_path_factory.mktemp("trust")
    world = World.generate(SEED, n_universities=40)
    crowd = Crowd.generate(SEED)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HITFLOW_DB", str(work / "w.duckdb"))
        pipeline = load_pipeline()
        batches = {}
        con = connect()
        for number, stage in enumerate(("directories", "clubs", "leads"), start=1):
            path = work / f"{stage}_{number}.csv"
            batches[stage] = simulate_batch(
                world, crowd, stage, world.inputs(stage), path, seed=SEED
            )
            load_file(con, pipeline, path)
        con.close()
        _build(work / "target")
        _rerun_round(work, world, crowd, batches, pipeline)
        _build(work / "target")
        yield work, world, crowd


def _rerun_round(work, world, crowd, batches, pipeline) -> None:
    con = connect()
    rows = con.execute(
        "select stage, unnest(task_refs), assignments_needed from tasks "
        "where state = 'rerun'"
    ).fetchall()
    for stage, previous in batches.items():
        wanted = {ref: needed for s, ref, needed in rows if s == stage}
        for needed in sorted(set(wanted.values())):
            refs = [ref for ref, n in wanted.items() if n == needed]
            path = simulate_rerun(
                world, crowd, previous, work / f"{stage}_rerun_{needed}.csv",
                seed=SEED + needed, extra_assignments=needed, task_ids=refs,
            )  # fmt: skip
            load_file(con, pipeline, path)
    con.close()


@pytest.fixture
def con(campaign):
    work, _, _ = campaign
    connection = connect(work / "w.duckdb")
    yield connection
    connection.close()


def test_every_planted_spammer_is_suspect_or_blocked(campaign, con):
    _, _, crowd = campaign
    caught = spammers_caught(con, crowd)
    assert caught, "the simulated crowd did no spam work"
    assert set(caught.values()) <= {"suspect", "blocked"}, caught


def test_no_honest_worker_is_blocked(campaign, con):
    _, _, crowd = campaign
    assert honest_blocked(con, crowd) == []


def test_accepted_answers_are_right(campaign, con):
    _, world, _ = campaign
    qualities = stage_quality(con, world)
    accepted = sum(q.accepted_values for q in qualities)
    correct = sum(q.correct_values for q in qualities)
    assert accepted > 100
    assert correct / accepted >= 0.98, [(q.stage, q.precision) for q in qualities]


def test_most_tasks_are_decided_without_a_person(campaign, con):
    (decided, total) = con.execute(
        "select count_if(state in ('accepted', 'empty')), count(*) from tasks"
    ).fetchone()
    assert decided / total >= 0.80


def test_honest_disagreement_is_paid(campaign, con):
    """Careful and sloppy workers are never rejected, wrong answers or not."""
    _, _, crowd = campaign
    honest = {w.id for w in crowd.workers if w.kind in ("careful", "sloppy")}
    rejected = {
        worker
        for (worker,) in con.execute(
            "select distinct worker_id from assignments where decision = 'reject'"
        ).fetchall()
    }
    assert rejected, "no assignment was rejected at all"
    assert not rejected & honest


def test_one_assignment_per_task_flows_through(tmp_path, monkeypatch):
    """An archive with a single assignment per task: nothing accepted on one word."""
    monkeypatch.setenv("HITFLOW_DB", str(tmp_path / "w.duckdb"))
    world, crowd = World.generate(3, n_universities=12), Crowd.generate(3)
    path = simulate_batch(
        world, crowd, "directories", world.inputs("directories"),
        tmp_path / "one.csv", seed=3, assignments_per_task=1,
    )  # fmt: skip
    con = connect()
    load_file(con, load_pipeline(), path)
    con.close()
    _build(tmp_path / "target")
    con = connect()
    states = dict(
        con.execute("select state, count(*) from tasks group by 1").fetchall()
    )
    (n_assignments,) = con.execute("select count(*) from assignments").fetchone()
    con.close()
    assert n_assignments == 12
    assert sum(states.values()) == 12
    assert "accepted" not in states or states["accepted"] < 12


def test_an_added_trust_term_changes_trust_without_model_edits(campaign, tmp_path):
    """A scoring term is a macro named in vars.trust.trust_terms; nothing else."""
    work, _, _ = campaign
    con = connect(work / "w.duckdb")
    before = dict(con.execute("select worker_id, trust from workers").fetchall())
    rates = dict(
        con.execute("select worker_id, platform_approval_rate from workers").fetchall()
    )
    con.close()
    terms = list(load_pipeline_trust_terms()) + ["hitflow_term_low_approval_rate"]
    _build(tmp_path / "target", trust={"trust_terms": terms})
    con = connect(work / "w.duckdb")
    after = dict(con.execute("select worker_id, trust from workers").fetchall())
    con.close()
    _build(tmp_path / "target")  # leave the shared warehouse as the others saw it
    lowered = [w for w in before if rates[w] is not None and rates[w] < 0.9]
    assert lowered, "no simulated worker has a low approval rate"
    assert all(after[w] < before[w] for w in lowered if before[w] > 0)
    assert all(after[w] == pytest.approx(before[w]) for w in before if w not in lowered)


def load_pipeline_trust_terms() -> list[str]:
    from hitflow.build import project_vars

    return project_vars()["trust"]["trust_terms"]


def readme_queries() -> list[tuple[str, str]]:
    """The ad-hoc queries the README shows, as (title, sql)."""
    text = (PROJECT_DIR / "README.md").read_text()
    found = re.findall(r"\*\*(.+?)\*\*\s*\n+```sql\n(.*?)```", text, flags=re.S)
    return [(title, sql) for title, sql in found]


def test_the_readme_shows_ad_hoc_queries():
    titles = [title for title, _ in readme_queries()]
    assert len(titles) >= 4, titles


@pytest.mark.parametrize("title,sql", readme_queries())
def test_each_readme_query_runs_and_answers(campaign, con, title, sql):
    rows = con.execute(sql).fetchall()
    assert rows, f"the README query {title!r} returned nothing"


def test_worker_states_are_explained(con):
    rows = con.execute("select state, reason from workers").fetchall()
    assert all(reason for _, reason in rows)
    assert {state for state, _ in rows} <= {
        "new",
        "ok",
        "trusted",
        "suspect",
        "blocked",
    }


def test_rerun_list_stays_under_ten_assignments(campaign, con):
    (worst,) = con.execute(
        "select coalesce(max(n_assignments + assignments_needed), 0) from tasks"
    ).fetchone()
    assert worst <= 9


def test_majority_vote_is_a_documented_switch(campaign, tmp_path):
    """method: majority runs the same models with every worker equally believed."""
    work, world, _ = campaign
    _build(tmp_path / "target", trust={"method": "majority"})
    con = connect(work / "w.duckdb")
    (rounds,) = con.execute(
        "select max(em_rounds) from intermediate.int_candidate_posteriors"
    ).fetchone()
    con.close()
    _build(tmp_path / "target")
    assert rounds == 0


def _not_null_columns() -> list[tuple[str, str]]:
    """The mart columns whose enforced contract declares a not_null constraint."""
    columns = []
    for path in sorted((PROJECT_DIR / "models" / "marts").glob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            for column in model.get("columns", []):
                types = {c.get("type") for c in column.get("constraints", [])}
                if "not_null" in types:
                    columns.append((model["name"], column["name"]))
    return columns


def test_mart_columns_declared_not_null_refuse_a_null(con):
    """The contracts' not_null constraints are enforced by DuckDB, so a model
    that produced a NULL there would fail its build instead of landing."""
    declared = _not_null_columns()
    assert len(declared) > 20
    enforced = set(
        con.execute(
            "select table_name, unnest(constraint_column_names) "
            "from duckdb_constraints() "
            "where constraint_type = 'NOT NULL' and schema_name = 'main'"
        ).fetchall()
    )
    assert [c for c in declared if c not in enforced] == []
    con.execute("begin")
    try:
        with pytest.raises(duckdb.ConstraintException, match="trust"):
            con.execute(
                "insert into workers select * replace (null::double as trust) "
                "from workers limit 1"
            )
    finally:
        con.execute("rollback")
