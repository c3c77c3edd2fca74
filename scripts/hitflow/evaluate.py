"""Measuring decisions against a known truth (the simulator's world).

Used by the demo's report and by the trust-model tests: the share of accepted
answers that are right, how many tasks needed a person, which planted spammers
were caught, and the precision and recall of the final leads.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import duckdb

from hitflow.simulate import Crowd, World

SPAMMER_KINDS = ("blank", "copy_paster", "fast_clicker")


def canonical(field_name: str, value: str) -> str:
    """A value compared as the truth is: URLs without scheme, www and slashes."""
    text = (value or "").strip()
    if field_name in ("email",):
        return text.lower().removeprefix("mailto:")
    if field_name == "phone_number":
        return re.sub(r"\D", "", text)[-10:]
    if field_name == "instagram":
        return text.lower().lstrip("@").rstrip("/").split("/")[-1]
    text = re.sub(r"^[a-z]+://", "", text, flags=re.I)
    text = re.sub(r"^www\.", "", text, flags=re.I)
    host, _, rest = text.partition("/")
    return (host.lower() + ("/" + rest if rest else "")).rstrip("/")


@dataclass
class StageQuality:
    stage: str
    tasks: int = 0
    decided: int = 0
    accepted_values: int = 0
    correct_values: int = 0
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return (
            self.correct_values / self.accepted_values if self.accepted_values else 1.0
        )

    @property
    def decided_share(self) -> float:
        return self.decided / self.tasks if self.tasks else 1.0


class Truth:
    """The world's truth, keyed by canonical URLs (inputs arrive normalised)."""

    def __init__(self, world: World):
        self.directories = world.truth_directories()
        self.clubs = {canonical("url", k): v for k, v in world.truth_clubs().items()}
        self.leads = {canonical("url", k): v for k, v in world.truth_leads().items()}

    def values(self, stage: str, inputs: dict, field_name: str) -> set[str]:
        if stage == "directories":
            found = self.directories.get(inputs.get("university_name", ""), set())
            return {canonical("url", url) for url in found}
        if stage == "clubs":
            key = canonical("url", inputs.get("directory_link", ""))
            return {canonical("url", link) for _, link in self.clubs.get(key, [])}
        contacts = self.leads.get(canonical("url", inputs.get("club_link", "")), {})
        return {canonical(field_name, v) for v in contacts.get(field_name, [])}

    def a_value(self, stage: str, inputs: dict, field_name: str) -> str | None:
        """One true value as the page shows it (for a reviewer's correction)."""
        if stage == "directories":
            found = self.directories.get(inputs.get("university_name", ""), set())
            return sorted(found)[0] if found else None
        if stage == "leads":
            contacts = self.leads.get(canonical("url", inputs.get("club_link", "")), {})
            found = contacts.get(field_name, [])
            return sorted(found)[0] if found else None
        return None


def stage_quality(con: duckdb.DuckDBPyConnection, world: World) -> list[StageQuality]:
    """Precision of accepted values and share of tasks decided, per stage."""
    results = {}
    for stage, state, n in con.execute(
        "select stage, state, count(*) from tasks group by all"
    ).fetchall():
        quality = results.setdefault(stage, StageQuality(stage))
        quality.by_state[state] = n
        quality.tasks += n
        if state in ("accepted", "empty"):
            quality.decided += n
    truth = Truth(world)
    rows = con.execute(
        "select answers.stage, answers.field, answers.value, tasks.inputs_json "
        "from task_answers as answers inner join tasks "
        "on answers.task_id = tasks.task_id "
        "where answers.accepted and not answers.is_none"
    ).fetchall()
    for stage, field_name, value, inputs_json in rows:
        quality = results.setdefault(stage, StageQuality(stage))
        expected = truth.values(stage, json.loads(inputs_json or "{}"), field_name)
        quality.accepted_values += 1
        kind = "url" if stage != "leads" else field_name
        quality.correct_values += canonical(kind, value) in expected
    return sorted(results.values(), key=lambda q: q.stage)


def spammers_caught(con: duckdb.DuckDBPyConnection, crowd: Crowd) -> dict[str, str]:
    """Planted spammer id -> the state hitflow gave it (absent: did no work)."""
    states = dict(con.execute("select worker_id, state from workers").fetchall())
    planted = crowd.spammers()
    return {
        worker: states[worker]
        for kind in SPAMMER_KINDS
        for worker in planted.get(kind, [])
        if worker in states
    }


def honest_blocked(con: duckdb.DuckDBPyConnection, crowd: Crowd) -> list[str]:
    honest = {w.id for w in crowd.workers if w.kind in ("careful", "sloppy")}
    blocked = con.execute("select worker_id from workers where state = 'blocked'")
    return sorted(w for (w,) in blocked.fetchall() if w in honest)


def leads_quality(leads: list[dict[str, str]], world: World) -> tuple[float, float]:
    """Precision and recall of exported leads against every true contact."""
    truth = {
        (name, canonical(name, value))
        for contacts in world.truth_leads().values()
        for name, values in contacts.items()
        for value in values
    }
    found = {(row["contact_type"], canonical(row["contact_type"], row["value"]))
             for row in leads}  # fmt: skip
    correct = len(found & truth)
    precision = correct / len(found) if found else 1.0
    recall = correct / len(truth) if truth else 1.0
    return precision, recall
