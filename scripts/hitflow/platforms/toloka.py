"""Toloka results TSV: ``INPUT:``, ``OUTPUT:``, ``GOLDEN:`` and ``ASSIGNMENT:``."""

from hitflow.platforms import WideProfile

TOLOKA = WideProfile(
    name="toloka",
    columns={
        "assignment_id": "ASSIGNMENT:assignment_id",
        "task_ref": "ASSIGNMENT:task_id",
        "worker_id": "ASSIGNMENT:worker_id",
        "status": "ASSIGNMENT:status",
        "accept_time": "ASSIGNMENT:started",
        "submit_time": "ASSIGNMENT:submitted",
        "work_seconds": "",
        "reward": "ASSIGNMENT:reward",
        "approval_rate": "",
        "max_assignments": "",
    },
    input_prefix="INPUT:",
    answer_prefix="OUTPUT:",
    gold_prefix="GOLDEN:",
    signature=("ASSIGNMENT:assignment_id", "ASSIGNMENT:worker_id"),
)

# The review upload's columns.
VERDICT_COLUMN = "ACCEPT:verdict"
COMMENT_COLUMN = "ACCEPT:comment"
