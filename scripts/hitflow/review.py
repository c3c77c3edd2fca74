"""The review workbook: what a person should decide, and reading the decisions back.

``write_review_workbook`` writes one sheet per stage listing the review queue's
items, most valuable first, each with its task's inputs and its candidate answers
side by side (support, confidence, the states of the workers who gave them), and
a drop-down ``decision`` column. A hidden ``_candidates`` sheet records which
answer each ``accept k`` means, so an edited visible cell cannot change what is
accepted. ``import_review`` reads the edited workbook, checks every row, and
stores all of its decisions in ``raw.review_decisions`` or none of them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from hitflow.batchfile import file_sha256
from hitflow.errors import HitflowError
from hitflow.pipeline import Field, Pipeline, load_pipeline
from hitflow.workbook import Link, Styles, new_workbook, sheet_name, write_table

# Candidates shown side by side for a single-valued item.
MAX_CANDIDATES = 5
# Decisions besides ``accept k``, in the drop-down's order.
OTHER_DECISIONS = ("correct", "none", "rerun", "skip")
CANDIDATE_SHEET = "_candidates"
SUMMARY_SHEET = "summary"
INSTRUCTIONS_SHEET = "instructions"
TASK_STATES = ("accepted", "empty", "review", "rerun", "exhausted")
STATE_COLOURS = {
    "accepted": "#63BE7B",
    "empty": "#A6A6A6",
    "review": "#FFC000",
    "rerun": "#5B9BD5",
    "exhausted": "#F8696B",
}
WORKER_STATES = ("trusted", "ok", "new", "suspect", "blocked")
# Problems listed in an import error before the rest are only counted.
MAX_LISTED_PROBLEMS = 100

# The model's reason codes, in a reviewer's words.
REASON_WORDS = {
    "answers_disagree": "workers disagree",
    "no_answer_stands_out": "no answer stands out",
    "budget_spent_still_unsure": "no budget left and still unsure",
    "too_few_usable_answers": "too few usable answers",
    "contested": "some workers gave this, others did not",
    "single_answer": "only one worker gave this",
}
INVALID_WORDS = {
    "not_http_url": "not an http/https address",
    "bad_url_syntax": "not a well-formed web address",
    "domain_not_allowed": "not on an allowed site",
    "bad_email_syntax": "not an e-mail address",
    "bad_phone_length": "not 7 to 15 digits",
    "bad_handle_syntax": "not a handle",
    "category_not_allowed": "not one of the categories",
    "missing": "missing",
}

FIXED_FRONT = ("review_id", "field", "reason", "priority", "confidence")
CANDIDATE_PARTS = ("candidate", "support", "confidence", "workers")
DECISION_COLUMN, CORRECTED_COLUMN, NOTES_COLUMN = "decision", "corrected_value", "notes"
# Between the parts of a record typed as a correction: "Pre-Dental Club | https://..."
RECORD_SEPARATOR = " | "
FIXED_BACK = (DECISION_COLUMN, CORRECTED_COLUMN, NOTES_COLUMN)

INSTRUCTIONS = (
    "How to review",
    "",
    "Each stage sheet lists the items hitflow could not decide, most valuable "
    "first: a person's minute is worth most at the top.",
    "A row shows the task's inputs, why it is in doubt, and the workers' answers "
    "side by side: candidate_1 is the most likely, with how many workers gave it "
    "(support), how likely it is right (confidence) and who gave it (workers).",
    "Links open the page the worker pointed at; check it before you decide.",
    "",
    "Fill the decision column from its drop-down:",
    "  accept 1, accept 2, ...   the candidate with that number is right (on a "
    "row about one value of a list, such as one club: accept 1 keeps it)",
    "  correct                    none is right: type the right value in "
    "corrected_value (for a club: its name | its page address, or the address "
    "alone)",
    "  none                       there is no such value (for a single candidate: "
    "it is not a real answer)",
    "  rerun                      ask more workers",
    "  skip                       decide later (nothing changes)",
    "Leave decision empty for rows you have not looked at; they are left for "
    "later. notes are kept with your decision.",
    "",
    "Then run:  hitflow review import <this file>  and  hitflow build.",
    "Every row is checked first; if any row has a problem, nothing is stored and "
    "the message names each sheet and row to fix. Importing the same file twice "
    "stores nothing new; a later file's decision on the same item replaces this "
    "one.",
    "",
    "<none> as a candidate means those workers said there is no such value. "
    "Sort and filter freely, but keep the review_id column and the hidden "
    "_candidates sheet as they are.",
)


# --------------------------------------------------------------------- export


@dataclass(frozen=True)
class _Candidate:
    # Position in the row (1 = most likely).
    rank: int
    candidate_id: str
    # The normalised value (what ``accept`` stores) and what the cell shows.
    value: str
    shown: object
    support: int
    confidence: float | None
    # "2 ok, 1 suspect", plus why the value is invalid when it is.
    workers: str


@dataclass(frozen=True)
class _Item:
    review_id: str
    stage: str
    task_id: str
    field: str
    candidate_id: str | None
    priority: float
    reason: str
    confidence: float | None
    inputs: dict[str, object]
    candidates: list[_Candidate] = field(default_factory=list)


def write_review_workbook(
    con: duckdb.DuckDBPyConnection, stage: str | None, path: Path | str
) -> int:
    """Write the review workbook for ``stage`` (every stage when None) to ``path``.

    Returns the number of items written. The workbook has one sheet per stage,
    then ``summary`` (tasks by state, with a chart), ``instructions`` and the
    hidden ``_candidates`` sheet that ``import_review`` reads.
    """
    pipeline = load_pipeline()
    _require_marts(con)
    stages = _review_stages(con, pipeline, stage)
    workbook = new_workbook(path)
    styles = Styles.of(workbook)
    taken = [SUMMARY_SHEET, INSTRUCTIONS_SHEET, CANDIDATE_SHEET]
    all_items: list[_Item] = []
    for name in stages:
        items = _review_items(con, name)
        sheet = workbook.add_worksheet(sheet_name(name, taken))
        taken.append(sheet.name)
        _write_item_sheet(sheet, styles, items, pipeline.stages.get(name))
        all_items.extend(items)
    _write_summary(workbook, styles, con, pipeline)
    _write_instructions(workbook, styles)
    _write_candidate_sheet(workbook, styles, all_items)
    workbook.close()
    return len(all_items)


def _require_marts(con: duckdb.DuckDBPyConnection) -> None:
    (found,) = con.execute(
        "select count(*) from duckdb_tables() "
        "where schema_name = 'main' and table_name in "
        "('review_queue', 'tasks', 'task_answers', 'workers')"
    ).fetchone()
    if found < 4:
        raise HitflowError(
            "the warehouse has no review queue yet; run `hitflow build` first"
        )


def _review_stages(con, pipeline: Pipeline, stage: str | None) -> list[str]:
    if stage is not None:
        pipeline.stage(stage)
        return [stage]
    with_items = {
        name
        for (name,) in con.execute("select distinct stage from review_queue").fetchall()
    }
    ordered = [name for name in pipeline.stages if name in with_items]
    ordered += sorted(with_items - set(ordered))
    return ordered or list(pipeline.stages)


def _review_items(con: duckdb.DuckDBPyConnection, stage: str) -> list[_Item]:
    rows = con.execute(
        "select queue.review_id, queue.stage, queue.task_id, queue.field, "
        "queue.candidate_id, queue.priority, queue.reason, queue.state, "
        "queue.confidence, tasks.inputs_json "
        "from review_queue as queue "
        "left join tasks on tasks.task_id = queue.task_id "
        "and tasks.stage = queue.stage "
        "where queue.stage = ? order by queue.priority desc, queue.review_id",
        [stage],
    ).fetchall()
    candidates = _item_candidates(con, stage)
    return [
        _Item(
            review_id=row[0],
            stage=row[1],
            task_id=row[2],
            field=row[3],
            candidate_id=row[4],
            priority=row[5],
            reason=_reason_words(row[6], row[7]),
            confidence=row[8],
            inputs=json.loads(row[9]) if row[9] else {},
            candidates=candidates.get(row[0], []),
        )
        for row in rows
    ]


def _reason_words(reason: str | None, state: str | None) -> str:
    words = REASON_WORDS.get(reason or "", (reason or "").replace("_", " "))
    if state == "exhausted":
        words = f"no budget left; {words}" if words else "no budget left"
    return words


def _item_candidates(con, stage: str) -> dict[str, list[_Candidate]]:
    """Each item's candidates: the field's top ones, or the item's one candidate."""
    rows = con.execute(
        "with items as (select * from review_queue where stage = ?), "
        "ranked as ("
        "select items.review_id, answers.candidate_id, answers.value, "
        "answers.display_value, answers.is_none, answers.is_valid, "
        "answers.invalid_reason, answers.support, answers.confidence, "
        "answers.worker_ids, row_number() over ("
        "partition by items.review_id order by answers.confidence desc nulls last, "
        "answers.support desc, answers.candidate_id) as rank "
        "from items join task_answers as answers "
        "on answers.task_id = items.task_id and answers.field = items.field "
        "where items.candidate_id is null "
        "or answers.candidate_id = items.candidate_id) "
        "select * from ranked where rank <= ? order by review_id, rank",
        [stage, MAX_CANDIDATES],
    ).fetchall()
    states = _worker_states(con)
    by_item: dict[str, list[_Candidate]] = {}
    for row in rows:
        review_id, candidate_id, value, display, is_none, is_valid = row[:6]
        invalid_reason, support, confidence, worker_ids, rank = row[6:]
        workers = _worker_summary(worker_ids or [], states)
        if not is_none and is_valid is False:
            workers = f"{workers}; invalid: {_invalid_words(invalid_reason)}"
        by_item.setdefault(review_id, []).append(
            _Candidate(
                rank=rank,
                candidate_id=candidate_id,
                value=value,
                shown=_shown_value(display if display is not None else value),
                support=support,
                confidence=confidence,
                workers=workers,
            )
        )
    return by_item


def _worker_states(con) -> dict[str, str]:
    return dict(con.execute("select worker_id, state from workers").fetchall())


def _worker_summary(worker_ids: Iterable[str], states: dict[str, str]) -> str:
    counts = Counter(states.get(worker, "unknown") for worker in worker_ids)
    order = [*WORKER_STATES, *sorted(set(counts) - set(WORKER_STATES))]
    return ", ".join(f"{counts[state]} {state}" for state in order if counts[state])


def _invalid_words(reason: str | None) -> str:
    if not reason:
        return "fails its check"
    part, _, code = reason.rpartition(":")
    words = INVALID_WORDS.get(code, code.replace("_", " "))
    return f"{part} {words}" if part else words


def _shown_value(display: str) -> object:
    """A record's JSON object as "name - link" linking to the link; else the text."""
    if not display.startswith("{"):
        return display
    try:
        parts = json.loads(display)
    except ValueError:
        return display
    if not isinstance(parts, dict):
        return display
    texts = [str(value) for value in parts.values() if value not in (None, "")]
    links = [text for text in texts if text.lower().startswith(("http:", "https:"))]
    text = " - ".join(texts)
    return Link(links[0], text) if links else text


def _write_item_sheet(sheet, styles: Styles, items: list[_Item], stage) -> None:
    inputs = _input_names(items)
    n_slots = max([len(item.candidates) for item in items] or [1])
    header = _item_header(inputs, n_slots)
    rows = [_item_row(item, inputs, n_slots) for item in items]
    slots = range(1, n_slots + 1)
    decimals = ["priority", "confidence", *(f"confidence_{k}" for k in slots)]
    column_formats = {header.index(name): styles.decimal for name in decimals}
    column_formats.update({header.index(f"support_{k}"): styles.count for k in slots})
    confidence_columns = [header.index(name) for name in decimals[1:]]
    settings = stage.settings if stage else {}
    write_table(
        sheet,
        header,
        rows,
        styles=styles,
        column_formats=column_formats,
        confidence_columns=confidence_columns,
        thresholds=(
            float(settings.get("review_confidence", 0.5)),
            float(settings.get("accept_confidence", 0.9)),
        ),
        freeze_columns=1,
    )
    _add_decision_lists(sheet, items, header.index(DECISION_COLUMN))
    corrected = header.index(CORRECTED_COLUMN)
    sheet.set_column(corrected, corrected + 1, 40)


def _input_names(items: list[_Item]) -> list[str]:
    names: list[str] = []
    for item in items:
        names.extend(name for name in item.inputs if name not in names)
    return names


def _item_header(inputs: list[str], n_slots: int) -> list[str]:
    reserved = {*FIXED_FRONT, *FIXED_BACK} | {
        f"{part}_{slot}" for part in CANDIDATE_PARTS for slot in range(1, n_slots + 1)
    }
    input_headers = [f"input {name}" if name in reserved else name for name in inputs]
    slots = [
        f"{part}_{slot}" for slot in range(1, n_slots + 1) for part in CANDIDATE_PARTS
    ]
    return [FIXED_FRONT[0], *input_headers, *FIXED_FRONT[1:], *slots, *FIXED_BACK]


def _item_row(item: _Item, inputs: list[str], n_slots: int) -> list[object]:
    row: list[object] = [item.review_id]
    row += [item.inputs.get(name) for name in inputs]
    row += [item.field, item.reason, item.priority, item.confidence]
    for slot in range(n_slots):
        if slot < len(item.candidates):
            candidate = item.candidates[slot]
            row += [
                candidate.shown,
                candidate.support,
                candidate.confidence,
                candidate.workers,
            ]
        else:
            row += [None] * len(CANDIDATE_PARTS)
    return row + [None] * len(FIXED_BACK)


def _add_decision_lists(sheet, items: list[_Item], col: int) -> None:
    """A drop-down on each row's decision cell offering only its own candidates."""
    rows_by_count: dict[int, list[int]] = {}
    for row, item in enumerate(items, start=1):
        rows_by_count.setdefault(len(item.candidates), []).append(row)
    for n_candidates, rows in rows_by_count.items():
        ranges = " ".join(_cell_ranges(rows, col))
        first = ranges.split(" ", 1)[0]
        sheet.data_validation(
            first,
            {
                "validate": "list",
                "source": decision_options(n_candidates),
                "multi_range": ranges,
                "error_type": "stop",
                "error_title": "Not a decision",
                "error_message": "Choose a decision from the list.",
                "input_title": "Your decision",
                "input_message": "accept k: candidate k is right; correct: type "
                "the right value in corrected_value; none: there is none; "
                "rerun: ask more workers; skip: later.",
            },
        )


def decision_options(n_candidates: int) -> list[str]:
    """The decisions a row with ``n_candidates`` candidates offers."""
    accepts = [f"accept {k}" for k in range(1, n_candidates + 1)]
    return [*accepts, *OTHER_DECISIONS]


def _cell_ranges(rows: list[int], col: int) -> list[str]:
    """Runs of consecutive rows (0-based, ascending) in column ``col``, as A1."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    runs: list[list[int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    return [
        xl_rowcol_to_cell(first, col)
        if first == last
        else f"{xl_rowcol_to_cell(first, col)}:{xl_rowcol_to_cell(last, col)}"
        for first, last in runs
    ]


def _write_candidate_sheet(workbook, styles: Styles, items: list[_Item]) -> None:
    sheet = workbook.add_worksheet(CANDIDATE_SHEET)
    rows = [
        [item.review_id, candidate.rank, candidate.candidate_id, candidate.value]
        for item in items
        for candidate in item.candidates
    ]
    write_table(
        sheet, ["review_id", "candidate", "candidate_id", "value"], rows, styles=styles
    )
    sheet.protect()
    sheet.hide()


def _write_summary(workbook, styles: Styles, con, pipeline: Pipeline) -> None:
    sheet = workbook.add_worksheet(SUMMARY_SHEET)
    counts = con.execute(
        "select stage, state, count(*) from tasks group by stage, state"
    ).fetchall()
    queued = dict(
        con.execute(
            "select stage, count(*) from review_queue group by stage"
        ).fetchall()
    )
    by_stage: dict[str, Counter] = {}
    for stage, state, n in counts:
        by_stage.setdefault(stage, Counter())[state] = n
    stages = [name for name in pipeline.stages if name in by_stage]
    stages += sorted(set(by_stage) - set(stages))
    header = ["stage", *TASK_STATES, "tasks", "items to review"]
    rows = [
        [
            name,
            *(by_stage[name][state] for state in TASK_STATES),
            sum(by_stage[name].values()),
            queued.get(name, 0),
        ]
        for name in stages
    ]
    write_table(
        sheet,
        header,
        rows,
        styles=styles,
        column_formats=dict.fromkeys(range(1, len(header)), styles.count),
    )
    if rows:
        _insert_state_chart(workbook, sheet, len(rows))


def _insert_state_chart(workbook, sheet, n_stages: int) -> None:
    chart = workbook.add_chart({"type": "column", "subtype": "stacked"})
    for col, state in enumerate(TASK_STATES, start=1):
        chart.add_series(
            {
                "name": [sheet.name, 0, col],
                "categories": [sheet.name, 1, 0, n_stages, 0],
                "values": [sheet.name, 1, col, n_stages, col],
                "fill": {"color": STATE_COLOURS[state]},
            }
        )
    chart.set_title({"name": "Tasks by state"})
    chart.set_x_axis({"name": "stage"})
    chart.set_y_axis({"name": "tasks"})
    chart.set_size({"width": 640, "height": 360})
    sheet.insert_chart(n_stages + 3, 0, chart)


def _write_instructions(workbook, styles: Styles) -> None:
    sheet = workbook.add_worksheet(INSTRUCTIONS_SHEET)
    sheet.set_column(0, 0, 110, styles.wrapped)
    for row, line in enumerate(INSTRUCTIONS):
        sheet.write_string(row, 0, line, styles.title if row == 0 else None)


# --------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportResult:
    path: Path
    # Decisions stored, and rows of known items left without a decision.
    n_stored: int
    n_without_decision: int
    # Stored decisions by kind (accept, correct, none, rerun, skip).
    decisions: dict[str, int] = field(default_factory=dict)
    # When the same file (same SHA-256) was imported before, its import time.
    imported_before: dt.datetime | None = None

    def describe(self) -> str:
        name = self.path.name
        if self.imported_before is not None:
            when = self.imported_before.strftime("%Y-%m-%d %H:%M")
            return (
                f"{name} was already imported on {when} (same content); nothing stored"
            )
        later = ""
        if self.n_without_decision:
            later = f"; {self.n_without_decision:,} items without a decision were left"
        if not self.n_stored:
            return f"{name} holds no decisions; nothing stored{later}"
        kinds = ", ".join(f"{n:,} {kind}" for kind, n in self.decisions.items())
        return f"stored {self.n_stored:,} review decisions from {name} ({kinds}){later}"


@dataclass(frozen=True)
class _KnownItem:
    stage: str
    task_id: str
    field: str
    candidate_id: str | None


@dataclass(frozen=True)
class _Answer:
    task_id: str
    field: str
    value: str
    is_none: bool
    is_valid: bool | None
    invalid_reason: str | None


@dataclass(frozen=True)
class _Decision:
    sheet: str
    row: int
    review_id: str
    item: _KnownItem
    decision: str
    corrected_value: str | None
    notes: str | None


def import_review(con: duckdb.DuckDBPyConnection, path: Path | str) -> ImportResult:
    """Check every row of an edited review workbook; store all decisions or none.

    Raises HitflowError listing each offending sheet, row and reason (nothing
    stored). The same file imported again stores nothing and says so.
    """
    path = Path(path)
    _check_workbook_file(path)
    sha = file_sha256(path)
    (before,) = con.execute(
        "select min(imported_at) from raw.review_decisions where file_sha256 = ?",
        [sha],
    ).fetchone()
    if before is not None:
        return ImportResult(path, 0, 0, imported_before=before)
    sheets, candidate_ids = _read_workbook(path)
    check = _WorkbookCheck(con, candidate_ids, load_pipeline())
    for name, rows in sheets.items():
        check.sheet(name, rows)
    if check.problems:
        raise HitflowError(_problems_message(path, check.problems))
    _store(con, path, sha, check.decisions)
    kinds = Counter(decision.decision for decision in check.decisions)
    return ImportResult(
        path,
        n_stored=len(check.decisions),
        n_without_decision=check.n_without_decision,
        decisions={k: kinds[k] for k in ("accept", *OTHER_DECISIONS) if kinds[k]},
    )


def _check_workbook_file(path: Path) -> None:
    if not path.exists():
        raise HitflowError(f"{path.name} does not exist")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise HitflowError(f"{path.name} is not an Excel workbook (.xlsx)")


def _read_workbook(
    path: Path,
) -> tuple[dict[str, list[tuple]], dict[str, dict[int, str]] | None]:
    """Item sheets' rows (with a review_id and a decision column) and the
    ``_candidates`` mapping review_id -> candidate number -> candidate_id (None
    when the workbook has no ``_candidates`` sheet)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for damaged files
        raise HitflowError(
            f"{path.name} is not a readable Excel workbook (cut off or damaged)"
        ) from None
    try:
        sheets = {
            sheet.title: list(sheet.iter_rows(values_only=True))
            for sheet in book.worksheets
        }
    finally:
        book.close()
    candidates = None
    if CANDIDATE_SHEET in sheets:
        candidates = _candidate_mapping(sheets.pop(CANDIDATE_SHEET))
    items = {
        name: rows
        for name, rows in sheets.items()
        if rows and {"review_id", DECISION_COLUMN} <= {_text(c) for c in rows[0]}
    }
    if not items:
        raise HitflowError(
            f"{path.name} has no review sheet (one with review_id and decision "
            "columns); export one with hitflow export"
        )
    return items, candidates


def _candidate_mapping(rows: list[tuple]) -> dict[str, dict[int, str]]:
    mapping: dict[str, dict[int, str]] = {}
    for row in rows[1:]:
        review_id, rank, candidate_id = (
            _text(cell) for cell in (row + (None,) * 3)[:3]
        )
        if review_id and rank.isdigit() and candidate_id:
            mapping.setdefault(review_id, {})[int(rank)] = candidate_id
    return mapping


def _text(cell: object) -> str:
    """A cell as the text a person typed (Excel turns digits into numbers)."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date | dt.time):
        return cell.isoformat()
    return str(cell).strip()


class _WorkbookCheck:
    """Checks a workbook's rows one by one, collecting decisions and problems."""

    def __init__(self, con, candidate_ids: dict[str, dict[int, str]] | None, pipeline):
        self.known = _known_items(con)
        # None when the workbook lost its _candidates sheet.
        self.candidate_ids = candidate_ids
        self.answers = _answers(con, candidate_ids or {})
        self.pipeline = pipeline
        self.decisions: list[_Decision] = []
        self.problems: list[tuple[str, int, str]] = []
        self.n_without_decision = 0
        # review_id -> (sheet, row) where it was decided in this file.
        self.seen: dict[str, tuple[str, int]] = {}

    def sheet(self, name: str, rows: list[tuple]) -> None:
        header = [_text(cell) for cell in rows[0]]
        columns = {label: header.index(label) for label in header if label}
        for number, row in enumerate(rows[1:], start=2):
            cells = {
                label: _text(row[index]) if index < len(row) else ""
                for label, index in columns.items()
            }
            problem = self.row(name, number, cells)
            if problem:
                self.problems.append((name, number, problem))

    def row(self, sheet: str, number: int, cells: dict[str, str]) -> str | None:
        """Take the row's decision; return what is wrong with it, if anything."""
        review_id = cells.get("review_id", "")
        decision_text = " ".join(cells.get(DECISION_COLUMN, "").lower().split())
        if not decision_text:
            self.n_without_decision += bool(review_id)
            return None
        if not review_id:
            return "has a decision but no review_id"
        item = self.known.get(review_id)
        if item is None:
            return (
                f"review_id {review_id} is not an item hitflow asked to review "
                "(not in the review queue, nor decided before)"
            )
        if review_id in self.seen:
            where = "sheet {}, row {}".format(*self.seen[review_id])
            return f"review_id {review_id} is decided already on {where}"
        self.seen[review_id] = (sheet, number)
        outcome = self._outcome(review_id, item, decision_text, cells)
        if isinstance(outcome, str):
            return outcome
        decision, value = outcome
        notes = cells.get(NOTES_COLUMN) or None
        self.decisions.append(
            _Decision(sheet, number, review_id, item, decision, value, notes)
        )
        return None

    def _outcome(self, review_id, item, text: str, cells) -> tuple | str:
        """(decision, corrected_value) to store, or the problem."""
        ranks = (self.candidate_ids or {}).get(review_id, {})
        kind, rank = _parse_decision(text)
        if kind is None:
            options = ", ".join(decision_options(max(ranks, default=0)))
            return f"decision {text!r} is not one of {options}"
        if kind == "accept" and self.candidate_ids is None:
            return (
                f"{CANDIDATE_SHEET}, the hidden sheet that says which answer each "
                "accept means, is missing; export the review workbook again"
            )
        if kind == "accept":
            return _accepted_value(item, rank, ranks, self.answers)
        if kind == "correct":
            corrected = cells.get(CORRECTED_COLUMN, "")
            return _corrected_value(item, corrected, self.pipeline)
        return kind, None


def _known_items(con) -> dict[str, _KnownItem]:
    """Items a person may decide: in the review queue now, or decided before."""
    _require_marts(con)
    known = {
        row[0]: _KnownItem(*row[1:])
        for row in con.execute(
            "select review_id, any_value(stage), any_value(task_id), "
            "any_value(field), any_value(candidate_id) "
            "from raw.review_decisions group by review_id"
        ).fetchall()
    }
    for row in con.execute(
        "select review_id, stage, task_id, field, candidate_id from review_queue"
    ).fetchall():
        known[row[0]] = _KnownItem(*row[1:])
    return known


def _answers(con, candidate_ids: dict[str, dict[int, str]]) -> dict[str, _Answer]:
    wanted = sorted({cid for ranks in candidate_ids.values() for cid in ranks.values()})
    if not wanted:
        return {}
    rows = con.execute(
        "select candidate_id, task_id, field, value, is_none, is_valid, "
        "invalid_reason from task_answers where candidate_id in "
        "(select unnest(?::varchar[]))",
        [wanted],
    ).fetchall()
    return {row[0]: _Answer(*row[1:]) for row in rows}


def _parse_decision(text: str) -> tuple[str | None, int | None]:
    if text in OTHER_DECISIONS:
        return text, None
    found = re.fullmatch(r"accept\s*(\d+)?", text)
    if found:
        return "accept", int(found.group(1)) if found.group(1) else None
    return None, None


def _accepted_value(item, rank, ranks: dict[int, str], answers) -> tuple | str:
    """("accept", the candidate's value), ("none", None) for <none>, or a problem."""
    if not ranks:
        return "this item has no candidate to accept; use correct, none or rerun"
    if rank is None:
        if len(ranks) != 1:
            return f"say which candidate: accept 1 to accept {len(ranks)}"
        rank = next(iter(ranks))
    if rank not in ranks:
        return f"there is no candidate {rank} for this item (it has {len(ranks)})"
    answer = answers.get(ranks[rank])
    if answer is None or (answer.task_id, answer.field) != (item.task_id, item.field):
        return (
            f"candidate {rank} is no longer among this task's answers; "
            "export the review workbook again"
        )
    if answer.is_none:
        return "none", None
    if not answer.is_valid:
        return (
            f"candidate {rank} ({answer.value}) is "
            f"{_invalid_words(answer.invalid_reason)}; use correct with the right value"
        )
    return "accept", answer.value


def _corrected_value(item: _KnownItem, value: str, pipeline: Pipeline) -> tuple | str:
    if not value:
        return "decision correct needs the right value in corrected_value"
    stage = pipeline.stages.get(item.stage)
    spec = stage.fields.get(item.field) if stage else None
    if spec is None:
        return f"field {item.field} is no longer in stage {item.stage} of the pipeline"
    problem = corrected_value_problem(spec, value)
    if problem:
        return f"corrected_value {value!r} {problem}"
    return "correct", value


def _problems_message(path: Path, problems: list[tuple[str, int, str]]) -> str:
    count = len(problems)
    lines = [
        f"{path.name}: {count} row{'s' if count != 1 else ''} cannot be imported; "
        "nothing was stored"
    ]
    lines += [
        f"  sheet {sheet}, row {row}: {problem}"
        for sheet, row, problem in problems[:MAX_LISTED_PROBLEMS]
    ]
    if count > MAX_LISTED_PROBLEMS:
        lines.append(f"  ... and {count - MAX_LISTED_PROBLEMS:,} more rows")
    return "\n".join(lines)


def _store(con, path: Path, sha: str, decisions: Sequence[_Decision]) -> None:
    if not decisions:
        return
    columns = [
        [sha] * len(decisions),
        [path.name] * len(decisions),
        [d.sheet for d in decisions],
        [d.row for d in decisions],
        [d.review_id for d in decisions],
        [d.item.stage for d in decisions],
        [d.item.task_id for d in decisions],
        [d.item.field for d in decisions],
        [d.item.candidate_id for d in decisions],
        [d.decision for d in decisions],
        [d.corrected_value for d in decisions],
        [d.notes for d in decisions],
    ]
    types = ["varchar"] * 3 + ["integer"] + ["varchar"] * 8
    unnests = ", ".join(f"unnest(?::{kind}[])" for kind in types)
    con.execute("begin transaction")
    try:
        con.execute(
            f"insert into raw.review_decisions select {unnests}, current_timestamp",
            columns,
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


# ------------------------------------------------------ corrected values


def corrected_value_problem(spec: Field, value: str) -> str | None:
    """Why ``value`` cannot be the answer of field ``spec``, or None if it can.

    The same checks the warehouse applies to workers' answers: url (http/https,
    a dotted host, no spaces, on the field's domains), email (local@domain.tld),
    phone (7 to 15 digits), handle (letters, digits, ``.`` and ``_``, up to 30,
    after dropping ``@`` and an instagram address), text and category
    (not empty; one of the categories when the field fixes them). A record is
    its key part alone (its first url part, else its first part) or every part
    in the definition's order with `` | `` between them, and is checked by its
    key part.
    """
    kind = spec.type
    if kind == "record":
        parts = list(spec.parts)
        key = next((p for p in parts if spec.parts[p] == "url"), parts[0])
        pieces = value.split(RECORD_SEPARATOR)
        if len(pieces) == len(parts):
            value = pieces[parts.index(key)]
        elif len(pieces) != 1:
            return (
                f"has {len(pieces)} parts; give the {key} alone or "
                f"{RECORD_SEPARATOR.join(parts)}"
            )
        kind = spec.parts[key]
    check = _VALUE_CHECKS.get(kind, _text_problem)
    return check(value.strip(), spec)


_URL = re.compile(
    r"^https?://([^\s/?#@]+@)?([^\W_]((?:[^\W_]|-)*[^\W_])?\.)+"
    r"([^\W\d_]{2,}|xn--[a-z0-9-]+)\.?(:[0-9]{1,5})?([/?#]\S*)?$",
    re.IGNORECASE,
)
_EMAIL = re.compile(
    r'^[^\s@<>(),;:"\[\]]+@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$'
)
_HANDLE = re.compile(r"^[a-z0-9._]{1,30}$")
_PHONE_EXTENSION = re.compile(r"\s*(ext\.?|extension|x|#)\s*[0-9]{1,6}$", re.I)


def _url_problem(value: str, spec: Field) -> str | None:
    if not re.match(r"^https?://", value, re.IGNORECASE):
        return "is not a web address starting with http:// or https://"
    if any(ch.isspace() for ch in value):
        return "has spaces in it"
    if not _URL.match(value):
        return "is not a well-formed web address"
    if spec.domains:
        host = (urlsplit(value).hostname or "").rstrip(".")
        allowed = [domain.lower() for domain in spec.domains]
        if not any(host == d or host.endswith("." + d) for d in allowed):
            return f"is not on {' or '.join(spec.domains)}"
    return None


def _email_problem(value: str, spec: Field) -> str | None:
    address = re.sub(r"^<(.*)>$", r"\1", value).strip()
    address = re.sub(r"^mailto:\s*([^?]*)(\?.*)?$", r"\1", address, flags=re.I)
    if not _EMAIL.match(address.strip().lower()):
        return "is not an e-mail address (local@domain.tld)"
    return None


def _phone_problem(value: str, spec: Field) -> str | None:
    digits = re.sub(r"[^0-9]", "", _PHONE_EXTENSION.sub("", value))
    if not 7 <= len(digits) <= 15:
        return "is not a phone number (7 to 15 digits)"
    return None


def _handle_problem(value: str, spec: Field) -> str | None:
    handle = re.sub(r"^([a-z][a-z0-9+.-]*:)?//", "", value, flags=re.I)
    handle = re.sub(r"^[^/@?#\s]+\.[a-z]{2,}/+", "", handle, flags=re.I)
    handle = re.split(r"[/?#]", handle.lstrip("@"), maxsplit=1)[0].lower()
    if not _HANDLE.match(handle):
        return "is not a handle (up to 30 letters, digits, . and _)"
    return None


def _text_problem(value: str, spec: Field) -> str | None:
    if not " ".join(value.split()):
        return "is empty"
    return None


def _category_problem(value: str, spec: Field) -> str | None:
    label = " ".join(value.split()).lower()
    if not label:
        return "is empty"
    allowed = [category.lower() for category in spec.categories]
    if allowed and label not in allowed:
        return f"is not one of {', '.join(spec.categories)}"
    return None


_VALUE_CHECKS = {
    "url": _url_problem,
    "email": _email_problem,
    "phone": _phone_problem,
    "handle": _handle_problem,
    "text": _text_problem,
    "category": _category_problem,
}
