"""Files that hand decisions back to a platform: approve/reject, reviews, blocks.

Each upload file is written with the csv module straight from the values the
original batch file holds: no spreadsheet escaping, nothing re-typed, so the
platform sees byte for byte what it exported plus the decision columns. The
original batch file is read again from where it was loaded, and refused when it
is gone or its content changed since (its SHA-256 differs).

- MTurk: ``<stage>/<stem>.approve_reject.csv``, the batch results with ``x`` in
  ``Approve`` or the reason in ``Reject`` (never both; neither while under
  review, nor on a row whose ``AssignmentStatus`` already says ``Approved`` or
  ``Rejected``: the platform refuses to decide an assignment twice).
- Toloka: ``<stage>/<stem>.review.tsv`` with ``ASSIGNMENT:assignment_id``,
  ``ACCEPT:verdict`` (``+``/``-``) and ``ACCEPT:comment``; rows under review are
  left out.
- The block list: MTurk's Manage Workers upload for every blocked worker.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from hitflow.batchfile import EXCEL_SUFFIXES, ROW_COLUMN, file_sha256, read_into
from hitflow.errors import HitflowError
from hitflow.load import quote_identifier
from hitflow.platforms.mturk import APPROVE_COLUMN, MTURK, REJECT_COLUMN
from hitflow.platforms.toloka import COMMENT_COLUMN, TOLOKA, VERDICT_COLUMN

# The platforms' limit on feedback a worker reads.
FEEDBACK_LIMIT = 1_024
# Said to a worker whose assignment is rejected when the model gave no reason.
FALLBACK_REASON = "The answers did not meet the task's instructions."
BLOCK_COLUMNS = ("Worker ID", "UPDATE BlockStatus", "BlockReason")

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WHITE_CONTROL = re.compile(r"[\t\n\r\v\f]+")


@dataclass(frozen=True)
class DecisionFiles:
    """Upload files written, and what their rows say."""

    # The platform the files go back to (mturk, toloka).
    platform: str
    # One file per batch file, in load order.
    paths: list[Path] = field(default_factory=list)
    # Rows by outcome: approved, rejected, still under review (neither), and
    # rows whose assignment the warehouse does not know (neither).
    n_approved: int = 0
    n_rejected: int = 0
    n_under_review: int = 0
    n_unknown: int = 0
    # Rows the platform had already approved or rejected (neither).
    n_already_decided: int = 0

    def describe(self) -> str:
        if not self.paths:
            return f"no {self.platform} batch files are loaded; nothing written"
        kind = "approve/reject" if self.platform == MTURK.name else "review"
        text = (
            f"wrote {len(self.paths):,} {kind} files: {self.n_approved:,} approved, "
            f"{self.n_rejected:,} rejected"
        )
        if self.n_under_review and self.platform == MTURK.name:
            text += f"; {self.n_under_review:,} rows still under review carry neither"
        elif self.n_under_review:
            text += f"; {self.n_under_review:,} rows still under review were left out"
        if self.n_unknown:
            text += f"; {self.n_unknown:,} rows of unknown assignments carry neither"
        if self.n_already_decided:
            text += (
                f"; {self.n_already_decided:,} rows the platform had already "
                "decided carry neither"
            )
        return text


_PROFILES = {MTURK.name: MTURK, TOLOKA.name: TOLOKA}
# MTurk assignment statuses after which an approve/reject upload is refused.
_DECIDED = {"approved", "rejected"}


@dataclass(frozen=True)
class _Batch:
    sha: str
    file_name: str
    path: Path
    stage: str
    platform: str


def write_approve_reject(
    con: duckdb.DuckDBPyConnection, out_dir: Path | str
) -> DecisionFiles:
    """For every loaded MTurk batch, its results with Approve/Reject filled in.

    Writes ``<out_dir>/<stage>/<stem>.approve_reject.csv``: the batch's header
    (plus ``Approve`` and ``Reject`` at the end when it lacks them) and every row
    in the original order, matched to decisions by AssignmentId.
    """
    return _write_decision_files(
        con, MTURK.name, out_dir, ".approve_reject.csv", _write_approve_reject_file
    )


def _write_approve_reject_file(
    target: Path, header: list[str], rows: list[list[str]], decisions: dict
) -> Counter:
    added = [name for name in (APPROVE_COLUMN, REJECT_COLUMN) if name not in header]
    out_header = header + added
    approve = out_header.index(APPROVE_COLUMN)
    reject = out_header.index(REJECT_COLUMN)
    ident = header.index(MTURK.columns["assignment_id"])
    status_column = MTURK.columns["status"]
    status = header.index(status_column) if status_column in header else None
    counts: Counter = Counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(out_header)
        for row in rows:
            row = row + [""] * (len(out_header) - len(row))
            outcome, reason = decisions.get(row[ident].strip(), ("unknown", None))
            if status is not None and row[status].strip().lower() in _DECIDED:
                outcome = "already_decided"
            row[approve] = "x" if outcome == "approve" else ""
            row[reject] = feedback_text(reason) if outcome == "reject" else ""
            counts[outcome] += 1
            writer.writerow(row)
    return counts


def write_toloka_reviews(
    con: duckdb.DuckDBPyConnection, out_dir: Path | str
) -> DecisionFiles:
    """For every loaded Toloka batch, ``<out_dir>/<stage>/<stem>.review.tsv``.

    One row per decided assignment, in the batch's order: verdict ``+`` (accept)
    or ``-`` with the reason as comment; assignments under review are left out.
    """
    return _write_decision_files(
        con, TOLOKA.name, out_dir, ".review.tsv", _write_toloka_file
    )


def _write_decision_files(con, platform: str, out_dir, suffix: str, write_file):
    """One upload per loaded batch of ``platform``, each written by
    ``write_file(target, header, rows, decisions)``, which counts its rows."""
    batches = _loaded_batches(con, platform)
    targets = _targets(batches, out_dir, suffix)
    counts: Counter = Counter()
    for batch, target in zip(batches, targets, strict=True):
        header, rows = _original_rows(batch)
        counts += write_file(
            target, header, rows, _decisions(con, platform, header, rows)
        )
    return _summary(platform, targets, counts)


def _write_toloka_file(
    target: Path, header: list[str], rows: list[list[str]], decisions: dict
) -> Counter:
    id_column = TOLOKA.columns["assignment_id"]
    ident = header.index(id_column)
    counts: Counter = Counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow([id_column, VERDICT_COLUMN, COMMENT_COLUMN])
        for row in rows:
            assignment = row[ident].strip()
            outcome, reason = decisions.get(assignment, ("unknown", None))
            counts[outcome] += 1
            if outcome == "approve":
                writer.writerow([assignment, "+", ""])
            elif outcome == "reject":
                writer.writerow([assignment, "-", feedback_text(reason)])
    return counts


def write_block_list(
    con: duckdb.DuckDBPyConnection, path: Path | str, *, platform: str | None = None
) -> int:
    """The blocked workers as a Manage Workers upload; return how many.

    Columns ``Worker ID``, ``UPDATE BlockStatus`` (``Block``) and ``BlockReason``
    (why hitflow blocked the worker). ``platform`` limits it to that platform's
    workers.
    """
    sql = "select worker_id, reason from workers where state = 'blocked'"
    params = []
    if platform is not None:
        sql += " and platform = ?"
        params.append(platform)
    rows = con.execute(sql + " order by worker_id", params).fetchall()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(BLOCK_COLUMNS)
        for worker_id, reason in rows:
            writer.writerow([worker_id, "Block", feedback_text(reason, fallback="")])
    return len(rows)


def feedback_text(reason: str | None, *, fallback: str = FALLBACK_REASON) -> str:
    """Text a platform accepts as feedback: no control characters, 1,024 at most."""
    text = _WHITE_CONTROL.sub(" ", reason or "")
    text = " ".join(_CONTROL.sub("", text).split()) or fallback
    if len(text) > FEEDBACK_LIMIT:
        text = text[: FEEDBACK_LIMIT - 1].rstrip() + "…"
    return text


def _summary(platform: str, paths: list[Path], counts: Counter) -> DecisionFiles:
    return DecisionFiles(
        platform=platform,
        paths=paths,
        n_approved=counts["approve"],
        n_rejected=counts["reject"],
        n_under_review=counts["review"],
        n_unknown=counts["unknown"],
        n_already_decided=counts["already_decided"],
    )


def _loaded_batches(con, platform: str) -> list[_Batch]:
    """The platform's batch files, in load order; refuse if any moved or changed."""
    rows = con.execute(
        "select batch_sha256, file_name, file_path, stage from raw.batches "
        "where platform = ? order by loaded_at, file_name",
        [platform],
    ).fetchall()
    batches = [
        _Batch(sha, name, Path(path), stage, platform)
        for sha, name, path, stage in rows
    ]
    for batch in batches:
        if not batch.path.is_file():
            raise HitflowError(
                f"batch file {batch.path} is gone; put it back to write the "
                f"decisions of {batch.file_name}"
            )
        if file_sha256(batch.path) != batch.sha:
            raise HitflowError(
                f"batch file {batch.path} changed since it was loaded; restore the "
                "file as loaded to write its decisions"
            )
    return batches


def _targets(batches: list[_Batch], out_dir: Path | str, suffix: str) -> list[Path]:
    """``<out_dir>/<stage>/<stem><suffix>``, made distinct when two stems clash."""
    targets, taken = [], set()
    for batch in batches:
        target = Path(out_dir) / batch.stage / f"{batch.path.stem}{suffix}"
        if target in taken:
            target = target.with_name(f"{batch.path.stem}.{batch.sha[:8]}{suffix}")
        taken.add(target)
        targets.append(target)
    return targets


def _decisions(con, platform: str, header, rows) -> dict[str, tuple]:
    """Assignment id -> (decision, reason) for the rows' assignments, wherever
    they were first loaded from."""
    ident = header.index(_PROFILES[platform].columns["assignment_id"])
    ids = sorted({row[ident].strip() for row in rows if ident < len(row)})
    found = con.execute(
        "select assignment_id, decision, reason from assignments "
        "where platform = ? and assignment_id in (select unnest(?::varchar[]))",
        [platform, ids],
    ).fetchall()
    return {assignment: (decision, reason) for assignment, decision, reason in found}


def _original_rows(batch: _Batch) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a batch file, values exactly as the file holds them.

    Text files are read with the csv module; Excel files as the loader reads
    them (hitflow.batchfile), empty cells as "".
    """
    # TODO(memory): one batch file's rows are held in memory while its upload is
    # written; stream them (two passes over the file) for batches of millions.
    path = batch.path
    if path.suffix.lower() in EXCEL_SUFFIXES:
        header, rows = _excel_rows(path)
    else:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, delimiter=_delimiter(path))
            header = next(reader, [])
            rows = [row for row in reader if row]
    column = _PROFILES[batch.platform].columns["assignment_id"]
    if column not in header:
        raise HitflowError(f"batch file {path} has no {column} column")
    return header, rows


def _delimiter(path: Path) -> str:
    """Tab for .tsv files and files whose header has tabs but no commas."""
    if path.suffix.lower() == ".tsv":
        return "\t"
    with path.open(newline="", encoding="utf-8-sig") as handle:
        first = handle.readline()
    return "\t" if "\t" in first and "," not in first else ","


def _excel_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    scratch = duckdb.connect()
    try:
        try:
            header = read_into(scratch, path, "batch_rows")
        except HitflowError as problem:
            raise HitflowError(f"batch file {path} {problem}") from None
        columns = ", ".join(quote_identifier(name) for name in header)
        rows = scratch.execute(
            f"select {columns} from batch_rows order by {ROW_COLUMN}"
        ).fetchall()
    finally:
        scratch.close()
    return header, [["" if cell is None else cell for cell in row] for row in rows]
