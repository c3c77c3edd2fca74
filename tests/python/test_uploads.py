"""Upload files: each batch back to its platform, byte-clean, one decision a row.

One small campaign is built once for the module: a directories batch as
downloaded (CSV) with hostile answer cells, a trimmed copy of it that repeats
assignments first loaded from the full file, a clubs batch re-saved in Excel,
and a Toloka TSV in which one worker leaves every answer blank.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from conftest import MTURK_TRIMMED_HEADER, toloka_rows, write_tsv
from hitflow.batchfile import read_into
from hitflow.build import run_dbt
from hitflow.errors import HitflowError
from hitflow.load import load_file
from hitflow.pipeline import load_pipeline
from hitflow.simulate import Crowd, World, simulate_batch
from hitflow.uploads import (
    FEEDBACK_LIMIT,
    feedback_text,
    write_approve_reject,
    write_block_list,
    write_toloka_reviews,
)
from hitflow.warehouse import connect

SEED = 11
# Answer cells a spreadsheet would mangle or run; the upload keeps them as is.
HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1 (651) 341-8285",
    "-",
    "@handle",
    'a, "quoted" value',
    "  https://orgs.example.edu/clubs  ",
]


@dataclass(frozen=True)
class Campaign:
    db: Path
    work: Path
    # The batch files as loaded: full CSV, its trimmed copy, Excel, Toloka.
    directories: Path
    trimmed: Path
    clubs: Path
    toloka: Path

    def connect(self):
        return connect(self.db)


def plant_hostile_answers(path: Path) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    answer = rows[0].index("Answer.student_org_url")
    for row, value in zip(rows[1:], HOSTILE, strict=False):
        row[answer] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(rows)


# Rows of the trimmed copy downloaded after the platform decided them.
ALREADY_DECIDED = {0: "Approved", 1: "Rejected"}


def trimmed_copy(full: Path, path: Path, n_rows: int) -> Path:
    """The first rows of ``full`` with a requester's trimmed header, the first
    two as the platform shows them once approved or rejected."""
    with full.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for index, status in ALREADY_DECIDED.items():
        rows[index]["AssignmentStatus"] = status
    header = MTURK_TRIMMED_HEADER + ["Input.university_name", "Answer.student_org_url"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows[:n_rows])
    return path


def toloka_with_a_blank_worker(path: Path) -> Path:
    rows = toloka_rows(5, 3)
    for row in rows:
        if row["ASSIGNMENT:worker_id"] == "tw2":
            row["OUTPUT:student_org_url"] = ""
    return write_tsv(path, rows)


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> Iterator[Campaign]:
    work = tmp_path_factory.mktemp("uploads")
    batches = work / "batches"
    batches.mkdir()
    world, crowd = World.generate(SEED, n_universities=12), Crowd.generate(SEED)
    directories = simulate_batch(
        world, crowd, "directories", world.inputs("directories"),
        batches / "Batch_1_batch_results.csv", seed=SEED,
    )  # fmt: skip
    plant_hostile_answers(directories)
    built = Campaign(
        db=work / "w.duckdb",
        work=work,
        directories=directories,
        trimmed=trimmed_copy(directories, batches / "trimmed.csv", 10),
        clubs=simulate_batch(
            world,
            crowd,
            "clubs",
            world.inputs("clubs"),
            batches / "clubs.csv",
            seed=SEED,
            xlsx=True,
        ),  # fmt: skip
        toloka=toloka_with_a_blank_worker(batches / "toloka.tsv"),
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HITFLOW_DB", str(built.db))
        patch.setenv("DBT_LOG_PATH", str(work / "logs"))
        con = built.connect()
        pipeline = load_pipeline()
        for path in (directories, built.trimmed, built.clubs, built.toloka):
            load_file(con, pipeline, path)
        con.close()
        models = ["--resource-type", "seed", "--resource-type", "model"]
        args = ["build", "--target-path", str(work / "target"), *models]
        assert run_dbt(args, quiet=True) == 0, "dbt build failed (see its output)"
        yield built


@pytest.fixture
def con(campaign):
    connection = campaign.connect()
    yield connection
    connection.close()


@pytest.fixture
def uploads(con, campaign):
    out = campaign.work / "out"
    return write_approve_reject(con, out)


def read_csv(path: Path, delimiter: str = ",") -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def read_dicts(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def as_loaded(path: Path) -> list[list[str]]:
    """A batch file's header and rows as the loader reads them."""
    scratch = duckdb.connect()
    header = read_into(scratch, path, "rows")
    columns = ", ".join(f'"{name}"' for name in header)
    rows = scratch.execute(f"select {columns} from rows order by __row").fetchall()
    scratch.close()
    return [header] + [["" if cell is None else cell for cell in row] for row in rows]


def upload_of(uploads, batch: Path) -> Path:
    (path,) = [p for p in uploads.paths if p.name.startswith(batch.stem + ".")]
    return path


def decisions(con, platform: str = "mturk") -> dict[str, tuple[str, str | None]]:
    return {
        row[0]: (row[1], row[2])
        for row in con.execute(
            "select assignment_id, decision, reason from assignments "
            "where platform = ?",
            [platform],
        ).fetchall()
    }


# ------------------------------------------------------------- approve/reject


@pytest.mark.dbt
def test_one_upload_per_mturk_batch_in_its_stage_folder(uploads, campaign):
    names = sorted(path.relative_to(campaign.work / "out") for path in uploads.paths)
    assert [str(name) for name in names] == [
        "clubs/clubs.approve_reject.csv",
        "directories/Batch_1_batch_results.approve_reject.csv",
        "directories/trimmed.approve_reject.csv",
    ]


@pytest.mark.dbt
@pytest.mark.parametrize("batch", ["directories", "trimmed", "clubs"])
def test_upload_keeps_the_batch_header_rows_and_values(uploads, campaign, batch):
    original_path = getattr(campaign, batch)
    if original_path.suffix == ".csv":
        original = read_csv(original_path)
    else:
        original = as_loaded(original_path)  # Excel: the cells as the loader reads
    upload = read_csv(upload_of(uploads, original_path))
    header = original[0]
    added = [name for name in ("Approve", "Reject") if name not in header]
    assert upload[0] == header + added
    assert len(upload) == len(original)
    kept = [i for i, name in enumerate(header) if name not in ("Approve", "Reject")]
    for before, after in zip(original[1:], upload[1:], strict=True):
        assert [before[i] for i in kept] == [after[i] for i in kept]


@pytest.mark.dbt
def test_every_row_carries_its_decision_and_never_both(uploads, con, campaign):
    known = decisions(con)
    counts = {"approve": 0, "reject": 0, "review": 0}
    for path in uploads.paths:
        for row in read_dicts(path):
            approve, reject = row["Approve"], row["Reject"]
            assert not (approve and reject)
            if row["AssignmentStatus"] in ("Approved", "Rejected"):
                continue
            decision, reason = known[row["AssignmentId"]]
            counts[decision] += 1
            if decision == "approve":
                assert (approve, reject) == ("x", "")
            elif decision == "reject":
                assert approve == "" and reject == feedback_text(reason)
                assert 0 < len(reject) <= FEEDBACK_LIMIT
            else:
                assert (approve, reject) == ("", "")
    assert counts["reject"] > 0 and counts["approve"] > 0
    assert (uploads.n_approved, uploads.n_rejected, uploads.n_under_review) == (
        counts["approve"],
        counts["reject"],
        counts["review"],
    )
    assert uploads.n_unknown == 0
    if counts["review"]:
        assert f"{counts['review']} rows still under review" in uploads.describe()


@pytest.mark.dbt
def test_trimmed_copy_gets_the_decisions_of_assignments_loaded_before(
    uploads, campaign
):
    full = {
        row["AssignmentId"]: (row["Approve"], row["Reject"])
        for row in read_dicts(upload_of(uploads, campaign.directories))
    }
    rows = read_dicts(upload_of(uploads, campaign.trimmed))
    assert len(rows) == 10
    for row in rows[len(ALREADY_DECIDED) :]:
        assert (row["Approve"], row["Reject"]) == full[row["AssignmentId"]]


@pytest.mark.dbt
def test_rows_the_platform_already_decided_carry_neither(uploads, campaign):
    rows = read_dicts(upload_of(uploads, campaign.trimmed))
    for index, status in ALREADY_DECIDED.items():
        assert rows[index]["AssignmentStatus"] == status
        assert (rows[index]["Approve"], rows[index]["Reject"]) == ("", "")
    assert uploads.n_already_decided == len(ALREADY_DECIDED)
    assert "2 rows the platform had already decided carry neither" in (
        uploads.describe()
    )


@pytest.mark.dbt
def test_hostile_answers_are_written_byte_for_byte(uploads, campaign):
    upload = upload_of(uploads, campaign.directories)
    rows = read_csv(upload)
    answer = rows[0].index("Answer.student_org_url")
    assert [row[answer] for row in rows[1 : len(HOSTILE) + 1]] == HOSTILE
    text = upload.read_bytes().decode("utf-8")
    assert ',"=HYPERLINK(""http://x"",""y"")",' in text  # plain CSV quoting only
    assert ",+1 (651) 341-8285," in text and ",@handle," in text
    assert "'=" not in text and "'+" not in text  # no spreadsheet escaping


@pytest.mark.dbt
def test_missing_batch_file_is_refused(con, campaign):
    moved = campaign.clubs.with_name("moved.xlsx")
    campaign.clubs.rename(moved)
    try:
        with pytest.raises(HitflowError, match="is gone") as problem:
            write_approve_reject(con, campaign.work / "refused")
    finally:
        moved.rename(campaign.clubs)
    assert "\n" not in str(problem.value)
    assert not (campaign.work / "refused").exists()


@pytest.mark.dbt
def test_changed_batch_file_is_refused(con, campaign):
    content = campaign.directories.read_bytes()
    campaign.directories.write_bytes(content + b"\n")
    try:
        with pytest.raises(HitflowError, match="changed since it was loaded"):
            write_approve_reject(con, campaign.work / "refused")
    finally:
        campaign.directories.write_bytes(content)


# ----------------------------------------------------------------- toloka


@pytest.mark.dbt
def test_toloka_review_lists_decided_assignments_in_batch_order(con, campaign):
    result = write_toloka_reviews(con, campaign.work / "toloka")
    (path,) = result.paths
    assert path == campaign.work / "toloka" / "directories" / "toloka.review.tsv"
    rows = read_csv(path, delimiter="\t")
    assert rows[0] == ["ASSIGNMENT:assignment_id", "ACCEPT:verdict", "ACCEPT:comment"]
    known = decisions(con, "toloka")
    original = read_csv(campaign.toloka, delimiter="\t")
    ident = original[0].index("ASSIGNMENT:assignment_id")
    order = [row[ident] for row in original[1:]]
    decided = [a for a in order if known[a][0] in ("approve", "reject")]
    assert [row[0] for row in rows[1:]] == decided
    for assignment, verdict, comment in rows[1:]:
        decision, reason = known[assignment]
        if decision == "approve":
            assert (verdict, comment) == ("+", "")
        else:
            assert (verdict, comment) == ("-", feedback_text(reason))
    verdicts = {row[1] for row in rows[1:]}
    assert verdicts == {"+", "-"}  # tw2 left everything blank
    assert result.n_rejected == sum(row[1] == "-" for row in rows[1:])


# ------------------------------------------------------------- block list


@pytest.mark.dbt
def test_block_list_names_every_blocked_worker(con, campaign):
    path = campaign.work / "blocks" / "block_list.csv"
    n_blocked = write_block_list(con, path)
    rows = read_csv(path)
    assert rows[0] == ["Worker ID", "UPDATE BlockStatus", "BlockReason"]
    blocked = con.execute(
        "select worker_id, reason from workers where state = 'blocked' order by 1"
    ).fetchall()
    assert n_blocked == len(blocked) == len(rows) - 1 > 0
    assert [(row[0], row[2]) for row in rows[1:]] == blocked
    assert {row[1] for row in rows[1:]} == {"Block"}


# ---------------------------------------------------------------- feedback


def test_feedback_has_no_control_characters_and_fits_the_limit():
    assert feedback_text("line one\r\nline\ttwo\x00\x07 end") == "line one line two end"
    long = feedback_text("x" * 5000)
    assert len(long) == FEEDBACK_LIMIT
    assert feedback_text(None) and feedback_text("\n\t ")
    assert feedback_text("", fallback="") == ""
