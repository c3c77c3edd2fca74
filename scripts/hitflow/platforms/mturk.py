"""Amazon Mechanical Turk batch results (``Batch_<n>_batch_results.csv``).

MTurk closed in 2026, but its batch-results layout lives on in archives and in
tools that emulate it; it is hitflow's primary import format.
"""

from hitflow.platforms import WideProfile

MTURK = WideProfile(
    name="mturk",
    columns={
        "assignment_id": "AssignmentId",
        "task_ref": "HITId",
        "worker_id": "WorkerId",
        "status": "AssignmentStatus",
        "accept_time": "AcceptTime",
        "submit_time": "SubmitTime",
        "work_seconds": "WorkTimeInSeconds",
        "reward": "Reward",
        "approval_rate": "LifetimeApprovalRate",
        "max_assignments": "MaxAssignments",
    },
    input_prefix="Input.",
    answer_prefix="Answer.",
    json_answer_column="Answer.taskAnswers",
    signature=("HITId", "AssignmentId", "WorkerId"),
)

# The results file's decision columns, filled in for upload.
APPROVE_COLUMN = "Approve"
REJECT_COLUMN = "Reject"
