"""The demo's scripted reviewer: answers a review workbook from the truth.

It plays the person who opens ``review.xlsx``, looks at each item's candidates
and the web page (here: the simulator's world), and picks ``accept k``,
``correct`` with the right value, or ``none``. It writes only the decision and
corrected-value cells, as a person in Excel would.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from hitflow.evaluate import Truth, canonical
from hitflow.simulate import World

CANDIDATES_SHEET = "_candidates"


def answer_review_workbook(source: Path, target: Path, world: World, stage: str) -> int:
    """Fill in ``source``'s decisions from the truth, save as ``target``."""
    if not source.exists():
        return 0
    workbook = openpyxl.load_workbook(source)
    if stage not in workbook.sheetnames:
        return 0
    candidates = _candidate_values(workbook)
    truth = Truth(world)
    sheet = workbook[stage]
    header = [cell.value for cell in sheet[1]]
    column = {name: index for index, name in enumerate(header)}
    answered = 0
    for row in sheet.iter_rows(min_row=2):
        values = {name: row[index].value for name, index in column.items()}
        if not values.get("review_id"):
            continue
        decision, corrected = _decide(truth, stage, values, candidates)
        row[column["decision"]].value = decision
        if corrected is not None:
            row[column["corrected_value"]].value = corrected
        answered += 1
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return answered


def _candidate_values(workbook) -> dict[str, dict[int, str]]:
    found: dict[str, dict[int, str]] = {}
    sheet = workbook[CANDIDATES_SHEET]
    for review_id, k, _, value in sheet.iter_rows(min_row=2, values_only=True):
        if review_id:
            found.setdefault(review_id, {})[int(k)] = value or ""
    return found


def _decide(truth: Truth, stage: str, values: dict, candidates: dict):
    field_name = values["field"]
    inputs = {k: str(v) for k, v in values.items() if v is not None}
    expected = truth.values(stage, inputs, field_name)
    kind = "url" if stage != "leads" else field_name
    for k, value in sorted(candidates.get(values["review_id"], {}).items()):
        if value != "<none>" and canonical(kind, value) in expected:
            return f"accept {k}", None
    listed = len(candidates.get(values["review_id"], {}))
    correction = truth.a_value(stage, inputs, field_name)
    if correction and not (listed <= 1 and field_name in ("club", "email")):
        return "correct", correction
    # No true value, or one doubtful candidate of a multi-valued field that is
    # not among the true ones: reject it.
    return "none", None
