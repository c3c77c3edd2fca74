"""Fixtures: small batch files in the real platform layouts, and scratch warehouses."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from hitflow.pipeline import load_pipeline
from hitflow.warehouse import connect

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"

MTURK_FULL_HEADER = [
    "HITId", "HITTypeId", "Title", "Description", "Keywords", "Reward",
    "CreationTime", "MaxAssignments", "RequesterAnnotation",
    "AssignmentDurationInSeconds", "AutoApprovalDelayInSeconds", "Expiration",
    "NumberOfSimilarHITs", "LifetimeInSeconds", "AssignmentId", "WorkerId",
    "AssignmentStatus", "AcceptTime", "SubmitTime", "AutoApprovalTime",
    "ApprovalTime", "RejectionTime", "RequesterFeedback", "WorkTimeInSeconds",
    "LifetimeApprovalRate", "Last30DaysApprovalRate", "Last7DaysApprovalRate",
]  # fmt: skip
MTURK_TRIMMED_HEADER = [
    "HITId", "CreationTime", "SubmitTime", "Expiration", "AssignmentId",
    "WorkerId", "AssignmentStatus", "WorkTimeInSeconds", "LifetimeApprovalRate",
    "Last30DaysApprovalRate", "Last7DaysApprovalRate",
]  # fmt: skip


def mturk_directory_rows(prefix: str, n_tasks: int, per_task: int) -> list[dict]:
    """Directories-stage results: ``n_tasks`` tasks with ``per_task`` assignments."""
    rows = []
    for task in range(n_tasks):
        for answer in range(per_task):
            row = dict.fromkeys(MTURK_FULL_HEADER, "")
            row.update(
                {
                    "HITId": f"{prefix}HIT{task:04d}",
                    "Title": "Find the student club directory",
                    "Reward": "$0.05",
                    "CreationTime": "Tue Feb 09 09:23:29 PST 2021",
                    "MaxAssignments": str(per_task),
                    "AssignmentId": f"{prefix}ASG{task:04d}x{answer}",
                    "WorkerId": f"W{(task + answer) % 7:03d}",
                    "AssignmentStatus": "Submitted",
                    "AcceptTime": "Tue Jun 08 09:23:29 PDT 2021",
                    "SubmitTime": "Tue Jun 08 09:25:29 PDT 2021",
                    "WorkTimeInSeconds": "120",
                    "LifetimeApprovalRate": "98% (3984/4075)",
                    "Input.university_name": f"{prefix} University {task}",
                    "Input.city": "Springfield",
                    "Input.country": "US",
                    "Answer.student_org_url": f"https://orgs.u{task}.edu/clubs",
                    "Approve": "",
                    "Reject": "",
                }
            )
            rows.append(row)
    return rows


def write_csv(path: Path, rows: list[dict], header: list[str] | None = None) -> Path:
    header = header or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[dict], header: list[str] | None = None) -> Path:
    """As Excel re-saves a batch: money and digit-only cells become numbers."""
    header = header or list(rows[0])
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([_excel_value(row.get(col, "")) for col in header])
    workbook.save(path)
    return path


def _excel_value(text: str):
    if text.startswith("$"):
        return float(text[1:])
    if text.isdigit():
        return int(text)
    return text or None


def toloka_rows(n_tasks: int, per_task: int) -> list[dict]:
    rows = []
    for task in range(n_tasks):
        for answer in range(per_task):
            rows.append(
                {
                    "INPUT:university_name": f"Toloka University {task}",
                    "INPUT:city": "Kazan",
                    "OUTPUT:student_org_url": f"https://clubs.t{task}.ru/",
                    "GOLDEN:student_org_url": "",
                    "HINT:student_org_url": "",
                    "ASSIGNMENT:link": "",
                    "ASSIGNMENT:assignment_id": f"TA{task:03d}-{answer}",
                    "ASSIGNMENT:task_id": f"TT{task:03d}",
                    "ASSIGNMENT:task_suite_id": f"TS{task:03d}",
                    "ASSIGNMENT:worker_id": f"tw{answer}",
                    "ASSIGNMENT:status": "SUBMITTED",
                    "ASSIGNMENT:started": "2021-03-01T12:00:00.000",
                    "ASSIGNMENT:submitted": "2021-03-01T12:02:00.000",
                    "ASSIGNMENT:accepted": "",
                    "ASSIGNMENT:rejected": "",
                    "ASSIGNMENT:skipped": "",
                    "ASSIGNMENT:expired": "",
                    "ASSIGNMENT:reward": "0.05",
                }
            )
    return rows


def write_tsv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    """A fresh warehouse file for one test; ``HITFLOW_DB`` points at it."""
    path = tmp_path / "warehouse" / "hitflow.duckdb"
    monkeypatch.setenv("HITFLOW_DB", str(path))
    con = connect(path)
    yield con
    con.close()


@pytest.fixture
def pipeline():
    return load_pipeline()


RAW_TABLES = ("batches", "assignments", "inputs", "answers", "gold_answers")


def raw_counts(con) -> dict[str, int]:
    return {
        table: con.execute(f"select count(*) from raw.{table}").fetchone()[0]
        for table in RAW_TABLES
    }
