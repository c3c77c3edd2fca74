"""The campaign's product and its price: deduplicated leads and the cost report.

A lead is one accepted contact (an e-mail, a social link, a phone, a website) of
the last stage. The same e-mail found for two clubs, in two batches or under two
topics is one lead; e-mails compare case-insensitively because the warehouse
stores them lower-cased. Provenance follows ``raw.exported_items`` back through
every stage: which task produced the task that produced this contact, and which
workers gave the accepted answers on that path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb

from hitflow.nextstage import task_key
from hitflow.pipeline import Pipeline

LEAD_COLUMNS = [
    "contact_type",
    "value",
    "club",
    "university",
    "confidence",
    "n_sources",
    "task_ids",
    "workers",
    "cost_share",
]


@dataclass(frozen=True)
class StageCost:
    stage: str
    assignments: int
    approved: int
    rejected: int
    under_review: int
    reward_spend: float
    platform_fee: float
    accepted_items: int

    @property
    def total(self) -> float:
        return self.reward_spend + self.platform_fee


def last_stage(pipeline: Pipeline) -> str:
    fed = {s.next_stage for s in pipeline.stages.values() if s.next_stage}
    ends = [s.name for s in pipeline.stages.values() if not s.next_stage]
    starts = [name for name in pipeline.stages if name not in fed]
    return ends[-1] if ends else starts[-1]


def stage_costs(con: duckdb.DuckDBPyConnection, pipeline: Pipeline) -> list[StageCost]:
    """Spend per stage: reward of paid (approved) work plus the platform fee.

    The fee is the stage's ``platform_fee`` share of the reward, doubled on tasks
    with ten or more assignments (as on MTurk, 20% becomes 40%).
    """
    costs = []
    for stage in pipeline.stages.values():
        fee_rate = float(stage.settings.get("platform_fee", 0.2))
        default_reward = float(stage.settings.get("reward", 0) or 0)
        row = con.execute(
            """
            with sized as (
                select
                    assignments.*,
                    count(*) over (partition by task_id) as task_size
                from assignments
                where stage = ?
            )
            select
                count(*),
                coalesce(count_if(decision = 'approve'), 0),
                coalesce(count_if(decision = 'reject'), 0),
                coalesce(count_if(decision = 'review'), 0),
                coalesce(sum(coalesce(reward, ?)) filter (decision = 'approve'), 0),
                coalesce(sum(
                    coalesce(reward, ?)
                    * case when task_size >= 10 then 2 * ? else ? end
                ) filter (decision = 'approve'), 0)
            from sized
            """,
            [stage.name, default_reward, default_reward, fee_rate, fee_rate],
        ).fetchone()
        (accepted,) = con.execute(
            "select count(*) from task_answers where stage = ? and accepted "
            "and not is_none",
            [stage.name],
        ).fetchone()
        costs.append(
            StageCost(stage.name, *row[:4], float(row[4]), float(row[5]), accepted)
        )
    return costs


def cost_rows(costs: list[StageCost], n_leads: int) -> list[dict[str, str]]:
    rows = []
    for cost in costs:
        per_item = cost.total / cost.accepted_items if cost.accepted_items else None
        rows.append(_cost_row(cost.stage, cost, per_item, n_leads))
    total = StageCost(
        "all stages",
        *(sum(getattr(c, f) for c in costs) for f in StageCost.__dataclass_fields__
          if f != "stage"),
    )  # fmt: skip
    rows.append(_cost_row("all stages", total, None, n_leads))
    return rows


def _cost_row(name, cost: StageCost, per_item, n_leads) -> dict[str, str]:
    return {
        "stage": name,
        "assignments": str(cost.assignments),
        "approved": str(cost.approved),
        "rejected": str(cost.rejected),
        "under_review": str(cost.under_review),
        "reward_spend": f"{cost.reward_spend:.2f}",
        "platform_fee": f"{cost.platform_fee:.2f}",
        "total_spend": f"{cost.total:.2f}",
        "accepted_items": str(cost.accepted_items),
        "spend_per_accepted_item": "" if per_item is None else f"{per_item:.4f}",
        "leads": str(n_leads),
        "spend_per_lead": f"{cost.total / n_leads:.4f}" if n_leads else "",
    }


def lead_rows(
    con: duckdb.DuckDBPyConnection, pipeline: Pipeline, total_spend: float
) -> list[dict[str, str]]:
    """One row per distinct contact of the last stage, with provenance."""
    final_stage = last_stage(pipeline)
    contacts = con.execute(
        """
        select
            answers.field,
            answers.value,
            any_value(answers.display_value order by answers.confidence desc),
            list(distinct answers.task_id order by answers.task_id),
            max(answers.confidence),
            list(distinct worker order by worker)
        from task_answers as answers,
            unnest(answers.worker_ids) as listed(worker)
        where answers.stage = ? and answers.accepted and not answers.is_none
        group by answers.field, answers.value
        order by answers.field, answers.value
        """,
        [final_stage],
    ).fetchall()
    lineage = _Lineage(con, pipeline)
    share = total_spend / len(contacts) if contacts else 0.0
    rows = []
    for field, _, shown, task_ids, confidence, workers in contacts:
        inputs = lineage.inputs(task_ids[0])
        path = sorted({t for task in task_ids for t in lineage.path(task)})
        path_workers = sorted(
            set(workers) | {w for task in path for w in lineage.workers(task)}
        )
        rows.append(
            {
                "contact_type": field,
                "value": shown,
                "club": inputs.get("club_name", ""),
                "university": inputs.get("university", "")
                or inputs.get("university_name", ""),
                "confidence": f"{confidence:.3f}",
                "n_sources": str(len(task_ids)),
                "task_ids": " ".join(path),
                "workers": " ".join(path_workers),
                "cost_share": f"{share:.4f}",
            }
        )
    return rows


class _Lineage:
    """Which task of the previous stage each task was exported from."""

    def __init__(self, con: duckdb.DuckDBPyConnection, pipeline: Pipeline):
        self.pipeline = pipeline
        self.tasks = {
            task_id: (stage, json.loads(inputs or "{}"))
            for task_id, stage, inputs in con.execute(
                "select task_id, stage, inputs_json from tasks"
            ).fetchall()
        }
        self.parents = {
            (next_stage, key): task_id
            for next_stage, key, task_id in con.execute(
                "select next_stage, item_key, any_value(task_id) "
                "from raw.exported_items group by all"
            ).fetchall()
        }
        self.accepted_workers: dict[str, set[str]] = {}
        for task_id, workers in con.execute(
            "select task_id, flatten(list(worker_ids)) from task_answers "
            "where accepted group by task_id"
        ).fetchall():
            self.accepted_workers[task_id] = set(workers or [])

    def inputs(self, task_id: str) -> dict:
        return self.tasks.get(task_id, ("", {}))[1]

    def workers(self, task_id: str) -> set[str]:
        return self.accepted_workers.get(task_id, set())

    def path(self, task_id: str) -> list[str]:
        chain, current = [task_id], task_id
        while current in self.tasks and len(chain) <= len(self.pipeline.stages):
            stage_name, inputs = self.tasks[current]
            stage = self.pipeline.stages.get(stage_name)
            if stage is None:
                break
            key = task_key(stage, {k: v or "" for k, v in inputs.items()})
            parent = self.parents.get((stage_name, key))
            if parent is None:
                break
            chain.append(parent)
            current = parent
        return chain
