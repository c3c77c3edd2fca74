"""Loading real archive shapes, then building: one row per distinct assignment."""

from __future__ import annotations

import pytest

from conftest import (
    MTURK_TRIMMED_HEADER,
    mturk_directory_rows,
    toloka_rows,
    write_csv,
    write_tsv,
    write_xlsx,
)
from hitflow.build import run_dbt
from hitflow.load import load_file
from hitflow.pipeline import load_pipeline
from hitflow.warehouse import connect

pytestmark = pytest.mark.dbt


def _build(tmp_path) -> None:
    args = ["build", "--exclude-resource-type", "unit_test"]
    assert run_dbt(args + ["--target-path", str(tmp_path / "target")], quiet=True) == 0


def _counts(con) -> tuple[int, int, int]:
    return con.execute(
        "select count(*), count(distinct assignment_id), "
        "(select count(*) from tasks) from assignments"
    ).fetchone()


def test_four_archive_shapes_give_one_row_per_assignment(tmp_path, monkeypatch):
    monkeypatch.setenv("HITFLOW_DB", str(tmp_path / "w.duckdb"))
    first = mturk_directory_rows("A", 5, 3)
    files = [
        write_csv(tmp_path / "Batch_1_batch_results.csv", first),
        write_xlsx(
            tmp_path / "Batch_2_batch_results.xlsx", mturk_directory_rows("B", 4, 3)
        ),
        write_xlsx(
            tmp_path / "Batch_1_trimmed.xlsx",
            first,
            MTURK_TRIMMED_HEADER + ["Input.university_name", "Answer.student_org_url"],
        ),
        write_tsv(tmp_path / "assignments_toloka.tsv", toloka_rows(3, 3)),
    ]
    con = connect()
    pipeline = load_pipeline()
    for path in files:
        load_file(con, pipeline, path)
    con.close()
    _build(tmp_path)
    con = connect()
    assert _counts(con) == (15 + 12 + 9, 15 + 12 + 9, 5 + 4 + 3)
    for path in files:
        load_file(con, pipeline, path)
    con.close()
    _build(tmp_path)
    con = connect()
    assert _counts(con) == (36, 36, 12)
    con.close()


def test_republished_work_on_the_same_inputs_is_one_task(tmp_path, monkeypatch):
    """A new HIT id on the same university (a re-publish) merges into its task."""
    monkeypatch.setenv("HITFLOW_DB", str(tmp_path / "w.duckdb"))
    rows = mturk_directory_rows("A", 2, 3)
    again = mturk_directory_rows("A", 2, 1)
    for row in again:
        row["HITId"] = "NEW" + row["HITId"]
        row["AssignmentId"] = "NEW" + row["AssignmentId"]
        row["Input.university_name"] = "  " + row["Input.university_name"].upper()
    con = connect()
    load_file(con, load_pipeline(), write_csv(tmp_path / "a.csv", rows))
    load_file(con, load_pipeline(), write_csv(tmp_path / "b.csv", again))
    con.close()
    _build(tmp_path)
    con = connect()
    tasks = con.execute("select n_assignments, len(task_refs) from tasks").fetchall()
    con.close()
    assert sorted(tasks) == [(4, 2), (4, 2)]


def test_full_refresh_keeps_raw_rows(tmp_path, monkeypatch):
    monkeypatch.setenv("HITFLOW_DB", str(tmp_path / "w.duckdb"))
    con = connect()
    load_file(
        con,
        load_pipeline(),
        write_csv(tmp_path / "a.csv", mturk_directory_rows("A", 2, 3)),
    )
    con.close()
    _build(tmp_path)
    args = ["build", "--full-refresh", "--exclude-resource-type", "unit_test"]
    assert run_dbt(args + ["--target-path", str(tmp_path / "target")], quiet=True) == 0
    con = connect()
    assert con.execute("select count(*) from raw.assignments").fetchone() == (6,)
    assert con.execute("select count(*) from assignments").fetchone() == (6,)
    con.close()


def test_a_typed_none_marker_is_a_none_not_a_second_candidate(tmp_path, monkeypatch):
    """`<none>` is how hitflow names the none candidate; a worker typing it
    says "there is none", beside another worker who typed `n/a`."""
    monkeypatch.setenv("HITFLOW_DB", str(tmp_path / "w.duckdb"))
    rows = mturk_directory_rows("A", 1, 3)
    rows[0]["Answer.student_org_url"] = "<none>"
    rows[1]["Answer.student_org_url"] = "n/a"
    con = connect()
    load_file(con, load_pipeline(), write_csv(tmp_path / "a.csv", rows))
    con.close()
    _build(tmp_path)
    con = connect()
    assert con.execute(
        "select value_class from intermediate.int_answer_values "
        "where assignment_id = 'AASG0000x0'"
    ).fetchall() == [("none",)]
    assert con.execute(
        "select value, is_none, support from intermediate.int_candidates order by value"
    ).fetchall() == [("<none>", True, 2), ("https://orgs.u0.edu/clubs", False, 1)]
    con.close()
