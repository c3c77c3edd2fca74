"""Import profiles: how each platform's batch files name the same things.

The core speaks of tasks, assignments, workers and answer fields; a profile maps a
platform's columns onto those words. Wide profiles (one row per assignment) are
``WideProfile`` instances; the generic long CSV has its own loader path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The assignment attributes every raw row may carry, in raw.assignments order.
ASSIGNMENT_ATTRIBUTES = (
    "assignment_id",
    "task_ref",
    "worker_id",
    "status",
    "accept_time",
    "submit_time",
    "work_seconds",
    "reward",
    "approval_rate",
    "max_assignments",
)
REQUIRED_ATTRIBUTES = ("assignment_id", "task_ref", "worker_id")


@dataclass(frozen=True)
class WideProfile:
    # Profile name as given to ``hitflow load --platform``.
    name: str
    # Assignment attribute -> the platform's column name.
    columns: dict[str, str]
    # Prefixes of input, answer and known-answer (gold) columns.
    input_prefix: str
    answer_prefix: str
    gold_prefix: str | None = None
    # An answer column holding a JSON array of objects instead of one value.
    json_answer_column: str | None = None
    # Columns that, present, say a file is of this platform.
    signature: tuple[str, ...] = field(default_factory=tuple)

    def detect(self, header: list[str]) -> bool:
        return any(col in header for col in self.signature)

    def missing(self, header: list[str]) -> list[str]:
        """Required columns this header lacks (an answer column counts as one)."""
        absent = [
            self.columns[attr]
            for attr in REQUIRED_ATTRIBUTES
            if self.columns[attr] not in header
        ]
        if not self.answer_columns(header):
            absent.append(f"{self.answer_prefix}*")
        return absent

    def used_columns(self, header: list[str]) -> list[str]:
        """The columns the loader lands; the rest of the file is not copied."""
        known = set(self.columns.values())
        prefixes = tuple(
            p for p in (self.input_prefix, self.answer_prefix, self.gold_prefix) if p
        )
        return [col for col in header if col in known or col.startswith(prefixes)]

    def answer_columns(self, header: list[str]) -> list[str]:
        return [col for col in header if col.startswith(self.answer_prefix)]

    def input_columns(self, header: list[str]) -> list[str]:
        return [col for col in header if col.startswith(self.input_prefix)]

    def gold_columns(self, header: list[str]) -> list[str]:
        if not self.gold_prefix:
            return []
        return [col for col in header if col.startswith(self.gold_prefix)]


def wide_profiles() -> dict[str, WideProfile]:
    from hitflow.platforms.mturk import MTURK
    from hitflow.platforms.toloka import TOLOKA

    return {MTURK.name: MTURK, TOLOKA.name: TOLOKA}
