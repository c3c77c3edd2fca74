"""The loader: real layouts land once; bad files are refused whole."""

from __future__ import annotations

import json
import zipfile

import pytest

from conftest import (
    MTURK_TRIMMED_HEADER,
    mturk_directory_rows,
    raw_counts,
    toloka_rows,
    write_csv,
    write_tsv,
    write_xlsx,
)
from hitflow.errors import HitflowError
from hitflow.load import load_file


def test_full_csv_lands_every_assignment_input_and_answer(
    warehouse, pipeline, tmp_path
):
    path = write_csv(
        tmp_path / "Batch_1_batch_results.csv", mturk_directory_rows("A", 4, 3)
    )
    result = load_file(warehouse, pipeline, path)
    assert (result.stage, result.platform, result.n_new) == ("directories", "mturk", 12)
    counts = raw_counts(warehouse)
    assert counts["assignments"] == 12
    assert counts["inputs"] == 12 * 3
    assert counts["answers"] == 12
    sha, row = warehouse.execute(
        "select batch_sha256, row_number from raw.assignments "
        "where assignment_id = 'AASG0000x0'"
    ).fetchone()
    assert row == 2  # the header is row 1
    (path_landed,) = warehouse.execute(
        "select file_path from raw.batches where batch_sha256 = ?", [sha]
    ).fetchone()
    assert path_landed == str(path.resolve())


def test_same_file_twice_adds_nothing(warehouse, pipeline, tmp_path):
    path = write_csv(tmp_path / "b.csv", mturk_directory_rows("A", 2, 3))
    load_file(warehouse, pipeline, path)
    before = raw_counts(warehouse)
    again = load_file(warehouse, pipeline, path)
    assert again.loaded_before is not None
    assert "already loaded" in again.describe()
    assert raw_counts(warehouse) == before


def test_trimmed_copy_adds_only_new_assignments(warehouse, pipeline, tmp_path):
    rows = mturk_directory_rows("A", 3, 3)
    load_file(warehouse, pipeline, write_csv(tmp_path / "full.csv", rows[:6]))
    header = MTURK_TRIMMED_HEADER + ["Input.university_name", "Answer.student_org_url"]
    trimmed = write_xlsx(tmp_path / "trimmed.xlsx", rows, header)
    result = load_file(warehouse, pipeline, trimmed)
    assert (result.n_assignments, result.n_new) == (9, 3)
    assert "6 already loaded" in result.describe()
    assert raw_counts(warehouse)["assignments"] == 9


def test_excel_resave_keeps_digits_and_money_as_text(warehouse, pipeline, tmp_path):
    rows = mturk_directory_rows("X", 1, 1)
    rows[0]["Answer.student_org_url"] = "6513418285"
    load_file(warehouse, pipeline, write_xlsx(tmp_path / "b.xlsx", rows))
    reward, answer = warehouse.execute(
        "select reward, answer_value from raw.assignments join raw.answers "
        "using (platform, assignment_id)"
    ).fetchone()
    assert (reward, answer) == ("0.05", "6513418285")


def test_toloka_tsv_lands_with_its_own_ids(warehouse, pipeline, tmp_path):
    path = write_tsv(tmp_path / "assignments.tsv", toloka_rows(2, 3))
    result = load_file(warehouse, pipeline, path)
    assert (result.platform, result.stage, result.n_new) == ("toloka", "directories", 6)
    workers = warehouse.execute(
        "select distinct worker_id from raw.assignments order by 1"
    ).fetchall()
    assert workers == [("tw0",), ("tw1",), ("tw2",)]


def test_toloka_golden_column_lands_as_known_answer(warehouse, pipeline, tmp_path):
    rows = toloka_rows(1, 2)
    rows[0]["GOLDEN:student_org_url"] = "https://clubs.t0.ru/"
    load_file(warehouse, pipeline, write_tsv(tmp_path / "g.tsv", rows))
    assert raw_counts(warehouse)["gold_answers"] == 1


def test_task_answers_json_column_is_expanded(warehouse, pipeline, tmp_path):
    rows = mturk_directory_rows("J", 1, 2)
    for row in rows:
        url = row.pop("Answer.student_org_url")
        row["Answer.taskAnswers"] = json.dumps([{"student_org_url": url}])
    load_file(warehouse, pipeline, write_csv(tmp_path / "json.csv", rows))
    values = warehouse.execute("select field, answer_value from raw.answers").fetchall()
    assert values == [("student_org_url", "https://orgs.u0.edu/clubs")] * 2


def test_leads_columns_infer_the_leads_stage_with_positions(
    warehouse, pipeline, tmp_path
):
    row = {
        "HITId": "H1",
        "AssignmentId": "A1",
        "WorkerId": "W1",
        "Input.university": "U",
        "Input.club_name": "Pre-Dental Society",
        "Input.club_link": "https://u.edu/pds",
        "Answer.email_1": "a@u.edu",
        "Answer.email_2": "b@u.edu",
        "Answer.facebook": "",
        "Answer.instagram": "@pds",
        "Answer.phone_number": "6513418285",
        "Answer.website": "",
    }
    result = load_file(warehouse, pipeline, write_csv(tmp_path / "leads.csv", [row]))
    assert result.stage == "leads"
    emails = warehouse.execute(
        "select position, answer_value from raw.answers where field = 'email' "
        "order by position"
    ).fetchall()
    assert emails == [(1, "a@u.edu"), (2, "b@u.edu")]


def test_club_record_columns_land_as_parts(warehouse, pipeline, tmp_path):
    row = {
        "HITId": "H1",
        "AssignmentId": "A1",
        "WorkerId": "W1",
        "Input.university": "U",
        "Input.directory_link": "https://u.edu/orgs",
        "Answer.club_name_1": "Pre-Dental Society",
        "Answer.club_link_1": "https://u.edu/pds",
        "Answer.club_name_2": "",
        "Answer.club_link_2": "",
    }
    load_file(warehouse, pipeline, write_csv(tmp_path / "clubs.csv", [row]))
    parts = warehouse.execute(
        "select field, part, position from raw.answers order by position, part"
    ).fetchall()
    assert parts == [
        ("club", "link", 1),
        ("club", "name", 1),
        ("club", "link", 2),
        ("club", "name", 2),
    ]


def test_generic_long_csv_groups_cells_into_assignments(warehouse, pipeline, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(
        "task,worker,field,value,input.university_name\n"
        "t1,w1,student_org_url,https://a.edu/clubs,Univ A\n"
        "t1,w2,student_org_url,https://a.edu/clubs/,Univ A\n"
        "t2,w1,student_org_url,,Univ B\n"
    )
    result = load_file(warehouse, pipeline, path)
    assert (result.platform, result.n_new) == ("generic", 3)
    assert raw_counts(warehouse)["inputs"] == 3


def test_explicit_stage_must_own_every_answer_column(warehouse, pipeline, tmp_path):
    path = write_csv(tmp_path / "b.csv", mturk_directory_rows("A", 1, 1))
    with pytest.raises(
        HitflowError, match=r"Answer.student_org_url is not a field of stage leads"
    ):
        load_file(warehouse, pipeline, path, stage="leads")
    assert raw_counts(warehouse)["assignments"] == 0


def test_ambiguous_answer_columns_name_the_candidate_stages(
    warehouse, tmp_path, monkeypatch
):
    definition = tmp_path / "pipeline.yml"
    definition.write_text(
        "pipeline:\n  stages:\n"
        "    first: {fields: {student_org_url: {type: url}}}\n"
        "    second: {fields: {student_org_url: {type: url}}}\n"
    )
    monkeypatch.setenv("HITFLOW_PIPELINE", str(definition))
    from hitflow.pipeline import load_pipeline

    path = write_csv(tmp_path / "b.csv", mturk_directory_rows("A", 1, 1))
    with pytest.raises(
        HitflowError, match=r"several stages \(first, second\); pass --stage"
    ):
        load_file(warehouse, load_pipeline(), path)
    assert raw_counts(warehouse)["batches"] == 0


# ---------------------------------------------------------------- refused files


def _refused(warehouse, pipeline, path, message):
    with pytest.raises(HitflowError, match=message):
        load_file(warehouse, pipeline, path)
    assert set(raw_counts(warehouse).values()) == {0}


def test_excel_lock_file_is_refused(warehouse, pipeline, tmp_path):
    path = tmp_path / "~$Batch_1.xlsx"
    path.write_bytes(b"\x00lock")
    _refused(warehouse, pipeline, path, r"Excel lock file")


def test_empty_file_is_refused(warehouse, pipeline, tmp_path):
    path = tmp_path / "Batch_2.csv"
    path.write_text("")
    _refused(warehouse, pipeline, path, r"^is empty$")


def test_header_only_file_is_refused(warehouse, pipeline, tmp_path):
    path = tmp_path / "Batch_2.csv"
    path.write_text('"HITId","AssignmentId","WorkerId","Answer.student_org_url"\n')
    _refused(warehouse, pipeline, path, r"header but no rows")


def test_truncated_csv_is_refused_with_its_line(warehouse, pipeline, tmp_path):
    full = write_csv(tmp_path / "full.csv", mturk_directory_rows("A", 3, 3))
    path = tmp_path / "cut.csv"
    path.write_bytes(full.read_bytes()[: len(full.read_bytes()) * 2 // 3])
    _refused(warehouse, pipeline, path, r"cut off or damaged at line \d+")


def test_truncated_xlsx_is_refused(warehouse, pipeline, tmp_path):
    full = write_xlsx(tmp_path / "full.xlsx", mturk_directory_rows("A", 3, 3))
    path = tmp_path / "cut.xlsx"
    path.write_bytes(full.read_bytes()[:2000])
    assert not zipfile.is_zipfile(path)
    _refused(warehouse, pipeline, path, r"not a readable Excel workbook")


def test_timing_spreadsheet_is_refused(warehouse, pipeline, tmp_path):
    rows = [{"Task": "find directories", "Minutes": "42", "Workers": "7"}]
    path = write_xlsx(tmp_path / "timing.xlsx", rows)
    _refused(warehouse, pipeline, path, r"is not batch results")


def test_missing_worker_column_is_named(warehouse, pipeline, tmp_path):
    rows = mturk_directory_rows("A", 1, 2)
    header = [col for col in rows[0] if col != "WorkerId"]
    _refused(
        warehouse,
        pipeline,
        write_csv(tmp_path / "b.csv", rows, header),
        r"no WorkerId column",
    )


def test_results_without_answer_columns_are_refused(warehouse, pipeline, tmp_path):
    rows = mturk_directory_rows("A", 1, 2)
    header = [col for col in rows[0] if not col.startswith("Answer.")]
    _refused(
        warehouse,
        pipeline,
        write_csv(tmp_path / "b.csv", rows, header),
        r"no Answer\.\* column",
    )


def test_empty_worker_cell_is_refused_with_row_and_column(
    warehouse, pipeline, tmp_path
):
    rows = mturk_directory_rows("A", 2, 2)
    rows[2]["WorkerId"] = ""
    _refused(
        warehouse,
        pipeline,
        write_csv(tmp_path / "b.csv", rows),
        r"^row 4, column WorkerId: empty$",
    )


def test_repeated_assignment_is_refused(warehouse, pipeline, tmp_path):
    rows = mturk_directory_rows("A", 2, 2)
    rows[3]["AssignmentId"] = rows[0]["AssignmentId"]
    _refused(
        warehouse,
        pipeline,
        write_csv(tmp_path / "b.csv", rows),
        r"rows 2 and 5 repeat AssignmentId",
    )


def test_unknown_answer_columns_are_refused(warehouse, pipeline, tmp_path):
    rows = [
        {"HITId": "H", "AssignmentId": "A", "WorkerId": "W", "Answer.colour": "red"}
    ]
    _refused(
        warehouse, pipeline, write_csv(tmp_path / "b.csv", rows), r"match no stage"
    )


def test_a_refused_file_does_not_stop_the_others(warehouse, tmp_path, capsys):
    from hitflow.load import load_files_reporting

    good = write_csv(tmp_path / "good.csv", mturk_directory_rows("A", 1, 3))
    bad = tmp_path / "bad.csv"
    bad.write_text("")
    refused = load_files_reporting([bad, good])
    assert refused == [bad]
    assert raw_counts(warehouse)["assignments"] == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["bad.csv: is empty; nothing from it was loaded"]
