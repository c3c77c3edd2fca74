"""The review workbook: safe to open, complete to decide from, read back all or nothing.

One small campaign is simulated, loaded and built once for the module. Its
directories batch has planted disagreements (several distinct directory URLs per
task, so a person must decide) and planted hostile answers: a formula
``=HYPERLINK(...)`` and a ``javascript:`` link, which must arrive as plain text.
"""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from hitflow.build import run_dbt
from hitflow.errors import HitflowError
from hitflow.load import load_file
from hitflow.pipeline import load_pipeline
from hitflow.review import (
    CANDIDATE_SHEET,
    corrected_value_problem,
    decision_options,
    import_review,
    write_review_workbook,
)
from hitflow.simulate import Crowd, World, simulate_batch
from hitflow.uploads import write_approve_reject
from hitflow.warehouse import connect
from hitflow.workbook import Link, Styles, is_web_link, new_workbook, write_table

FORMULA = '=HYPERLINK("http://x","y")'
SCRIPT_LINK = "javascript:alert(1)"
CORRECTED_URL = "https://clubs.example-university.edu/directory"
SEED = 7


@dataclass(frozen=True)
class Campaign:
    db: Path
    batches: Path
    target: Path
    work: Path

    def connect(self):
        return connect(self.db)

    def build(self) -> None:
        """Build seeds and models (the quality gates are dbt's own tests' job)."""
        args = ["build", "--target-path", str(self.target)]
        args += ["--resource-type", "seed", "--resource-type", "model"]
        assert run_dbt(args, quiet=True) == 0, "dbt build failed (see its output)"


def plant_disagreements(path: Path, n_tasks: int = 6) -> None:
    """Give the first tasks four different answers each, one of them hostile."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    task, answer = header.index("HITId"), header.index("Answer.student_org_url")
    tasks = list(dict.fromkeys(row[task] for row in rows[1:]))[:n_tasks]
    planted = {
        hit: [
            f"https://a{k}.alpha.edu/list",
            f"https://b{k}.beta.org/dir",
            f"https://c{k}.gamma.edu/",
            [FORMULA, SCRIPT_LINK, f"https://d{k}.other.edu/x"][k % 3],
        ]
        for k, hit in enumerate(tasks)
    }
    seen: dict[str, int] = {}
    for row in rows[1:]:
        if row[task] in planted:
            position = seen.get(row[task], 0)
            seen[row[task]] = position + 1
            if position < 4:
                row[answer] = planted[row[task]][position]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(rows)


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> Iterator[Campaign]:
    work = tmp_path_factory.mktemp("review")
    batches = work / "batches"
    batches.mkdir()
    world = World.generate(SEED, n_universities=20)
    crowd = Crowd.generate(SEED)
    directories = simulate_batch(
        world,
        crowd,
        "directories",
        world.inputs("directories"),
        batches / "directories.csv",
        seed=SEED,
        assignments_per_task=5,
    )
    plant_disagreements(directories)
    clubs = simulate_batch(
        world, crowd, "clubs", world.inputs("clubs"), batches / "clubs.csv", seed=SEED
    )
    built = Campaign(work / "w.duckdb", batches, work / "target", work)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HITFLOW_DB", str(built.db))
        patch.setenv("DBT_LOG_PATH", str(work / "logs"))
        con = built.connect()
        pipeline = load_pipeline()
        for path in (directories, clubs):
            load_file(con, pipeline, path)
        con.close()
        built.build()
        yield built


@pytest.fixture
def con(campaign):
    connection = campaign.connect()
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def exported(campaign) -> tuple[Path, int]:
    """The review workbook of every stage, as exported before any decision."""
    path = campaign.work / "exported" / "review.xlsx"
    con = campaign.connect()
    try:
        return path, write_review_workbook(con, None, path)
    finally:
        con.close()


def item_sheets(book) -> list:
    return [
        sheet
        for sheet in book.worksheets
        if sheet.cell(1, 1).value == "review_id" and sheet.sheet_state == "visible"
    ]


def header_of(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def fill(path: Path, out: Path, decisions: dict[str, tuple[str, str | None]]) -> None:
    """Write ``decisions`` (review_id -> (decision, corrected value)) into a copy."""
    book = openpyxl.load_workbook(path)
    for sheet in item_sheets(book):
        header = header_of(sheet)
        decision = header.index("decision") + 1
        corrected = header.index("corrected_value") + 1
        for row in range(2, sheet.max_row + 1):
            wanted = decisions.get(sheet.cell(row, 1).value)
            if wanted:
                sheet.cell(row, decision, wanted[0])
                sheet.cell(row, corrected, wanted[1])
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    assert_decision_lists(out)


def stored_count(con) -> int:
    return con.execute("select count(*) from raw.review_decisions").fetchone()[0]


def single_items(con, stage: str = "directories") -> list[tuple[str, str]]:
    """(review_id, task_id) of the stage's single-valued items, by priority."""
    return con.execute(
        "select review_id, task_id from review_queue where stage = ? "
        "and candidate_id is null order by priority desc, review_id",
        [stage],
    ).fetchall()


# ------------------------------------------------------------------ layout


@pytest.mark.dbt
def test_workbook_has_a_sheet_per_stage_summary_instructions(exported, con):
    path, n_items = exported
    (queued,) = con.execute("select count(*) from review_queue").fetchone()
    assert n_items == queued >= 3
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[-3:] == ["summary", "instructions", CANDIDATE_SHEET]
    assert book[CANDIDATE_SHEET].sheet_state == "hidden"
    sheets = item_sheets(book)
    assert sum(sheet.max_row - 1 for sheet in sheets) == n_items
    directories = book["directories"]
    header = header_of(directories)
    assert header[:2] == ["review_id", "university_name"]
    assert header[-3:] == ["decision", "corrected_value", "notes"]
    assert {"candidate_5", "support_5", "confidence_5", "workers_5"} <= set(header)
    priorities = [row[header.index("priority")] for row in _rows(directories)]
    assert priorities == sorted(priorities, reverse=True)
    assert directories.freeze_panes == "B2"
    assert directories.auto_filter.ref
    with zipfile.ZipFile(path) as archive:
        assert any(name.startswith("xl/charts/chart") for name in archive.namelist())


def assert_decision_lists(path: Path) -> None:
    """Every item row's decision cell offers exactly its own candidates' choices."""
    book = openpyxl.load_workbook(path)
    candidates = _candidate_counts(book[CANDIDATE_SHEET])
    for sheet in item_sheets(book):
        column = header_of(sheet).index("decision") + 1
        letter = openpyxl.utils.get_column_letter(column)
        lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
        assert lists or sheet.max_row == 1, sheet.title
        for row in range(2, sheet.max_row + 1):
            review_id = sheet.cell(row, 1).value
            covering = [v for v in lists if f"{letter}{row}" in v.sqref]
            assert len(covering) == 1, (sheet.title, row)
            shown = covering[0].formula1.strip('"').split(",")
            assert shown == decision_options(candidates.get(review_id, 0))


@pytest.mark.dbt
def test_every_decision_cell_has_a_drop_down_of_its_candidates(exported):
    path, _ = exported
    assert_decision_lists(path)


@pytest.mark.dbt
def test_links_are_clickable_only_for_http_and_https(exported):
    path, _ = exported
    book = openpyxl.load_workbook(path)
    n_links = 0
    for sheet in item_sheets(book):
        for row in sheet.iter_rows():
            for cell in row:
                if cell.hyperlink is not None:
                    n_links += 1
                    assert cell.hyperlink.target.startswith(("http://", "https://"))
                elif isinstance(cell.value, str):
                    assert not is_web_link(cell.value), cell.coordinate
    values = [
        cell.value for sheet in item_sheets(book) for row in sheet for cell in row
    ]
    assert SCRIPT_LINK in values
    assert n_links > 0


@pytest.mark.dbt
def test_planted_formula_is_a_string_cell(exported):
    path, _ = exported
    book = openpyxl.load_workbook(path)
    cells = [cell for sheet in book.worksheets for row in sheet for cell in row]
    planted = [cell for cell in cells if cell.value == FORMULA]
    assert planted, "the planted formula answer is not in the review workbook"
    assert all(cell.data_type == "s" and cell.hyperlink is None for cell in planted)
    assert not [cell for cell in cells if cell.data_type == "f"]


# ------------------------------------------------------------------ import


@pytest.mark.dbt
@pytest.mark.parametrize(
    ("decision", "corrected", "complaint"),
    [
        ("approve", None, "is not one of accept 1"),
        ("correct", "not a web address", "is not a web address"),
        ("correct", "https://no-dot/x", "well-formed"),
        ("correct", None, "needs the right value"),
        ("accept 9", None, "no candidate 9"),
    ],
)
def test_one_bad_row_stores_nothing_and_names_sheet_and_row(
    exported, con, campaign, decision, corrected, complaint
):
    path, _ = exported
    (good, _), (bad, _) = single_items(con)[:2]
    filled = campaign.work / "bad" / f"{decision}-{corrected}.xlsx".replace(" ", "_")
    fill(path, filled, {good: ("skip", None), bad: (decision, corrected)})
    before = stored_count(con)
    with pytest.raises(HitflowError) as problem:
        import_review(con, filled)
    message = str(problem.value)
    assert message.splitlines()[0].endswith(
        "1 row cannot be imported; nothing was stored"
    )
    assert "sheet directories, row 3:" in message
    assert complaint in message
    assert stored_count(con) == before


@pytest.mark.dbt
def test_accepting_an_invalid_candidate_is_refused(exported, con, campaign):
    path, _ = exported
    (review_id,) = con.execute(
        "select queue.review_id from review_queue as queue "
        "join task_answers as answers using (task_id, field) "
        "where answers.value = ?",
        [FORMULA],
    ).fetchone()
    book = openpyxl.load_workbook(path)
    ranks = {
        row[3]: row[1]
        for row in book[CANDIDATE_SHEET].iter_rows(min_row=2, values_only=True)
        if row[0] == review_id
    }
    filled = campaign.work / "bad" / "invalid-accept.xlsx"
    fill(path, filled, {review_id: (f"accept {ranks[FORMULA]}", None)})
    with pytest.raises(HitflowError, match="not an http/https address; use correct"):
        import_review(con, filled)


@pytest.mark.dbt
def test_unknown_review_id_is_refused(exported, con, campaign):
    path, _ = exported
    book = openpyxl.load_workbook(path)
    sheet = book["directories"]
    sheet.cell(2, 1, "0" * 32)
    sheet.cell(2, header_of(sheet).index("decision") + 1, "rerun")
    filled = campaign.work / "bad" / "unknown.xlsx"
    book.save(filled)
    with pytest.raises(HitflowError, match="row 2: review_id 0+ is not an item"):
        import_review(con, filled)


@pytest.mark.dbt
def test_same_file_twice_stores_nothing_new(exported, con, campaign):
    path, _ = exported
    (review_id, _), *_ = single_items(con)
    filled = campaign.work / "twice.xlsx"
    fill(path, filled, {review_id: ("skip", None)})
    first = import_review(con, filled)
    assert (first.n_stored, first.decisions) == (1, {"skip": 1})
    after_first = stored_count(con)
    again = import_review(con, filled)
    assert again.imported_before is not None and again.n_stored == 0
    assert "already imported" in again.describe()
    assert stored_count(con) == after_first


@pytest.mark.dbt
def test_blank_decisions_are_left_for_later(exported, con):
    path, n_items = exported
    result = import_review(con, path)
    assert (result.n_stored, result.n_without_decision) == (0, n_items)
    assert "nothing stored" in result.describe()


@pytest.mark.dbt
def test_round_trip_changes_states_answers_and_approvals(exported, campaign):
    """Accept 1, correct and rerun three items; rebuild; see each take effect."""
    path, _ = exported
    con = campaign.connect()
    accepted, rank, value, assignment = _item_with_distrusted_candidate(con, path)
    others = [item for item in single_items(con) if item[0] != accepted[0]]
    corrected, rerun = others[0], others[1]
    before = _approvals(con, campaign.work / "before")
    con.close()
    assert before[assignment] == ("", "")

    filled = campaign.work / "round-trip.xlsx"
    fill(
        path,
        filled,
        {
            accepted[0]: (f"accept {rank}", None),
            corrected[0]: ("correct", CORRECTED_URL),
            rerun[0]: ("rerun", None),
        },
    )
    _tamper_visible_candidate(filled, accepted[0], rank)
    con = campaign.connect()
    result = import_review(con, filled)
    assert result.decisions == {"accept": 1, "correct": 1, "rerun": 1}
    stored = con.execute(
        "select corrected_value from raw.review_decisions where review_id = ? "
        "and decision = 'accept'",
        [accepted[0]],
    ).fetchone()
    assert stored == (value,)  # from _candidates, not the edited visible cell
    con.close()

    campaign.build()
    con = campaign.connect()
    states = dict(
        con.execute(
            "select task_id, state from tasks where task_id in (?, ?, ?)",
            [accepted[1], corrected[1], rerun[1]],
        ).fetchall()
    )
    assert states == {accepted[1]: "accepted", corrected[1]: "accepted",
                      rerun[1]: "rerun"}  # fmt: skip
    assert con.execute(
        "select value from task_answers where task_id = ? and accepted",
        [accepted[1]],
    ).fetchall() == [(value,)]
    assert con.execute(
        "select value, source from task_answers where task_id = ? and accepted",
        [corrected[1]],
    ).fetchall() == [(CORRECTED_URL, "reviewer")]
    assert not con.execute(
        "select 1 from review_queue where review_id in (?, ?, ?)",
        [accepted[0], corrected[0], rerun[0]],
    ).fetchall()
    after = _approvals(con, campaign.work / "after")
    con.close()
    assert after[assignment] == ("x", "")
    assert after != before

    # The decisions live in raw: a full refresh rebuilds every model from raw
    # and the reviewed states come back unchanged.
    args = ["build", "--full-refresh", "--target-path", str(campaign.target)]
    args += ["--resource-type", "seed", "--resource-type", "model"]
    assert run_dbt(args, quiet=True) == 0
    con = campaign.connect()
    refreshed = dict(
        con.execute(
            "select task_id, state from tasks where task_id in (?, ?, ?)",
            [accepted[1], corrected[1], rerun[1]],
        ).fetchall()
    )
    con.close()
    assert refreshed == states


# ------------------------------------------- hand-made marts (no dbt)

CLUB = {"name": "Pre-Dental Club", "link": "https://u.edu/pdc"}


def fake_marts(con) -> None:
    """The few mart columns the review workbook reads, with two known items."""
    con.execute(
        "create table review_queue as select * from (values "
        "('r-club', 'clubs', 't-club', 'club', 'c-club-2', 0.3, 'contested', "
        "'review', 0.8), "
        "('r-dir', 'directories', 't-dir', 'student_org_url', null, 1.2, "
        "'answers_disagree', 'exhausted', 0.5)) as items(review_id, stage, task_id, "
        "field, candidate_id, priority, reason, state, confidence)"
    )
    con.execute(
        "create table tasks as select * from (values "
        "('clubs', 't-club', 'review', ?), ('directories', 't-dir', 'exhausted', ?)) "
        "as tasks(stage, task_id, state, inputs_json)",
        [
            json.dumps({"university": "U", "directory_link": "https://u.edu/clubs"}),
            json.dumps({"university_name": "U", "city": SCRIPT_LINK}),
        ],
    )
    con.execute(
        "create table task_answers as select * from (values "
        "('c-club-1', 'clubs', 't-club', 'club', 'https://u.edu/dsa', ?, false, "
        "true, null, 3, 0.99, ['w1', 'w2', 'w3']), "
        "('c-club-2', 'clubs', 't-club', 'club', 'https://u.edu/pdc', ?, false, "
        "true, null, 2, 0.8, ['w1', 'w2']), "
        "('c-dir-1', 'directories', 't-dir', 'student_org_url', 'https://orgs.u.edu',"
        " 'https://orgs.u.edu', false, true, null, 1, 0.5, ['w1']), "
        "('c-dir-2', 'directories', 't-dir', 'student_org_url', '<none>', '<none>', "
        "true, null, null, 1, 0.3, ['w2']), "
        "('c-dir-3', 'directories', 't-dir', 'student_org_url', ?, ?, false, false, "
        "'not_http_url', 1, 0.2, ['w3'])"
        ") as answers(candidate_id, stage, task_id, field, value, display_value, "
        "is_none, is_valid, invalid_reason, support, confidence, worker_ids)",
        [
            json.dumps({"name": "Dental Society", "link": "https://u.edu/dsa"}),
            json.dumps(CLUB),
            FORMULA,
            FORMULA,
        ],
    )
    con.execute(
        "create table workers as select * from (values ('w1', 'ok'), "
        "('w2', 'suspect'), ('w3', 'blocked')) as workers(worker_id, state)"
    )


def test_items_of_both_kinds_are_laid_out_for_a_person(warehouse, tmp_path):
    fake_marts(warehouse)
    path = tmp_path / "review.xlsx"
    assert write_review_workbook(warehouse, None, path) == 2
    assert_decision_lists(path)
    book = openpyxl.load_workbook(path)
    clubs, directories = book["clubs"], book["directories"]
    club_row = dict(
        zip(header_of(clubs), next(clubs.iter_rows(min_row=2)), strict=True)
    )
    assert "candidate_2" not in club_row  # a multi-valued item: its one candidate
    assert club_row["candidate_1"].value == "Pre-Dental Club - https://u.edu/pdc"
    assert club_row["candidate_1"].hyperlink.target == CLUB["link"]
    assert (club_row["support_1"].value, club_row["workers_1"].value) == (
        2,
        "1 ok, 1 suspect",
    )
    assert club_row["directory_link"].hyperlink.target == "https://u.edu/clubs"
    row = dict(
        zip(header_of(directories), next(directories.iter_rows(min_row=2)), strict=True)
    )
    assert row["reason"].value == "no budget left; workers disagree"
    assert [row[f"candidate_{k}"].value for k in (1, 2, 3)] == [
        "https://orgs.u.edu",
        "<none>",
        FORMULA,
    ]
    assert row["candidate_3"].data_type == "s" and row["candidate_3"].hyperlink is None
    assert row["workers_3"].value == "1 blocked; invalid: not an http/https address"
    assert row["city"].value == SCRIPT_LINK and row["city"].hyperlink is None


def test_accepting_a_none_candidate_means_none(warehouse, tmp_path):
    fake_marts(warehouse)
    path = tmp_path / "review.xlsx"
    write_review_workbook(warehouse, None, path)
    filled = tmp_path / "filled.xlsx"
    fill(path, filled, {"r-club": ("accept 1", None), "r-dir": ("Accept 2", None)})
    result = import_review(warehouse, filled)
    assert result.decisions == {"accept": 1, "none": 1}
    stored = warehouse.execute(
        "select review_id, sheet, row_number, candidate_id, decision, "
        "corrected_value from raw.review_decisions order by review_id"
    ).fetchall()
    assert stored == [
        ("r-club", "clubs", 2, "c-club-2", "accept", CLUB["link"]),
        ("r-dir", "directories", 2, None, "none", None),
    ]


def test_every_bad_row_is_listed(warehouse, tmp_path):
    fake_marts(warehouse)
    path = tmp_path / "review.xlsx"
    write_review_workbook(warehouse, None, path)
    filled = tmp_path / "filled.xlsx"
    fill(path, filled, {"r-club": ("accept 2", None), "r-dir": ("correct", "n/a")})
    with pytest.raises(HitflowError) as problem:
        import_review(warehouse, filled)
    lines = str(problem.value).splitlines()
    assert lines[0] == ("filled.xlsx: 2 rows cannot be imported; nothing was stored")
    assert lines[1].startswith("  sheet directories, row 2: corrected_value 'n/a'")
    assert lines[2].startswith("  sheet clubs, row 2: there is no candidate 2")
    assert stored_count(warehouse) == 0


# ------------------------------------------------------- corrected values


@pytest.mark.parametrize(
    ("stage", "field", "value", "ok"),
    [
        ("directories", "student_org_url", "https://orgs.u.edu/clubs", True),
        ("directories", "student_org_url", "HTTP://Orgs.U.edu", True),
        ("directories", "student_org_url", "orgs.u.edu/clubs", False),
        ("directories", "student_org_url", "https://orgs.u.edu/a b", False),
        ("directories", "student_org_url", "javascript:alert(1)", False),
        ("directories", "student_org_url", "https://localhost/x", False),
        ("clubs", "club", "https://u.edu/clubs/pre-dental", True),
        ("clubs", "club", "Pre-Dental Club", False),
        ("clubs", "club", "Pre-Dental Club | https://u.edu/clubs/pre-dental", True),
        ("clubs", "club", "Pre-Dental Club | u.edu/clubs", False),
        ("clubs", "club", "a | b | https://u.edu/c", False),
        ("leads", "facebook", "https://www.facebook.com/predental", True),
        ("leads", "facebook", "https://twitter.com/predental", False),
        ("leads", "email", "Officer@U.edu", True),
        ("leads", "email", "mailto:officer@u.edu", True),
        ("leads", "email", "n@a", False),
        ("leads", "phone_number", "(651) 341-8285", True),
        ("leads", "phone_number", "12345", False),
        ("leads", "instagram", "@pre.dental_club", True),
        ("leads", "instagram", "https://www.instagram.com/predental/?hl=en", True),
        ("leads", "instagram", "pre dental!", False),
        ("leads", "website", "   ", False),
    ],
)
def test_corrected_values_pass_their_fields_check(stage, field, value, ok):
    spec = load_pipeline().stage(stage).fields[field]
    assert (corrected_value_problem(spec, value) is None) is ok


# ------------------------------------------------------------ workbook cells


def test_cells_are_typed_on_purpose_and_text_never_runs(tmp_path):
    path = tmp_path / "cells.xlsx"
    book = new_workbook(path)
    sheet = book.add_worksheet("cells")
    values = [
        "=1+1", "+1 651", "-5", "@SUM(A1)", "javascript:alert(1)",
        "https://u.edu/clubs", "http://u.edu", "ftp://u.edu/x", "https://no-dot/x",
        Link("https://u.edu/pdc", "Pre-Dental Club"), Link("javascript:x()", "bad"),
        12, 0.5, None,
    ]  # fmt: skip
    write_table(
        sheet,
        [f"c{k}" for k in range(len(values))],
        [values],
        styles=Styles.of(book),
        confidence_columns=[12],
        confidence_style="traffic",
    )
    book.close()
    cells = list(openpyxl.load_workbook(path)["cells"][2])
    links = {cell.column - 1: cell.hyperlink.target for cell in cells if cell.hyperlink}
    assert links == {
        5: "https://u.edu/clubs",
        6: "http://u.edu",
        9: "https://u.edu/pdc",
    }
    assert [cell.data_type for cell in cells[:11]] == ["s"] * 11
    assert [cell.value for cell in cells[:5]] == values[:5]
    assert (cells[9].value, cells[10].value) == ("Pre-Dental Club", "bad")
    assert (cells[11].value, cells[12].value, cells[13].value) == (12, 0.5, None)


# ----------------------------------------------------------------- helpers


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def _candidate_counts(sheet) -> dict[str, int]:
    counts: dict[str, int] = {}
    for review_id, rank, *_ in _rows(sheet):
        counts[review_id] = max(counts.get(review_id, 0), rank)
    return counts


def _item_with_distrusted_candidate(con, path: Path):
    """A single-valued item whose valid candidate came from a worker whose
    assignment is under review: accepting it must approve that assignment."""
    found = con.execute(
        "select queue.review_id, queue.task_id, answers.candidate_id, answers.value, "
        "work.assignment_id "
        "from review_queue as queue "
        "join task_answers as answers using (task_id, field) "
        "join assignments as work on work.task_id = answers.task_id "
        "and list_contains(answers.worker_ids, work.worker_id) "
        "where queue.stage = 'directories' and queue.candidate_id is null "
        "and answers.is_valid and not answers.is_none and work.decision = 'review' "
        "order by queue.priority desc, answers.confidence desc limit 1"
    ).fetchone()
    assert found, "no review item has a candidate from a worker under review"
    review_id, task_id, candidate_id, value, assignment = found
    book = openpyxl.load_workbook(path, read_only=True)
    (rank,) = [
        row[1]
        for row in book[CANDIDATE_SHEET].iter_rows(min_row=2, values_only=True)
        if row[0] == review_id and row[2] == candidate_id
    ]
    return (review_id, task_id), rank, value, assignment


def _tamper_visible_candidate(path: Path, review_id: str, rank: int) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book["directories"]
    column = header_of(sheet).index(f"candidate_{rank}") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value == review_id:
            sheet.cell(row, column, "https://tampered.example.com/")
    book.save(path)


def _approvals(con, out_dir: Path) -> dict[str, tuple[str, str]]:
    """AssignmentId -> (Approve, Reject) in the directories approve/reject file."""
    (path,) = [
        p
        for p in write_approve_reject(con, out_dir).paths
        if p.parent.name == "directories"
    ]
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            row["AssignmentId"]: (row["Approve"], row["Reject"])
            for row in csv.DictReader(handle)
        }
