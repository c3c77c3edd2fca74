"""Running dbt: ``hitflow build`` is ``dbt build`` with the project's settings.

dbt runs in this process (dbt's programmatic runner), which saves its start-up
on every call of a campaign. ``hitflow build`` leaves out dbt's unit tests: they
check the models' logic on fixed inputs, not the data, so they belong to
``make test`` (and to plain ``dbt build``), not to every batch; so do the data
tests tagged ``model_logic`` (keys and shapes of intermediate models). Every
test on the marts, the quality gates, runs on every build.
"""

from __future__ import annotations

import json
import os

import yaml

from hitflow.errors import HitflowError
from hitflow.pipeline import PROJECT_DIR, load_pipeline
from hitflow.warehouse import warehouse_path

# `hitflow build`: every model and the marts' tests; see the module docstring.
BUILD_ARGS = [
    "build",
    "--exclude-resource-type",
    "unit_test",
    "--exclude",
    "tag:model_logic",
]


def project_vars() -> dict:
    return (yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text()) or {}).get(
        "vars", {}
    )


def dbt_environment() -> dict[str, str]:
    env = dict(os.environ)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env["DBT_PROFILES_DIR"] = str(PROJECT_DIR)
    env["HITFLOW_DB"] = str(warehouse_path().resolve())
    env.setdefault("DBT_LOG_PATH", str(PROJECT_DIR / "logs"))
    return env


def run_dbt(args: list[str], *, quiet: bool = False, trust: dict | None = None) -> int:
    """Run one dbt command in the project; return its exit status.

    ``trust`` overrides settings of ``vars.trust`` (say ``{"method": "majority"}``);
    a pipeline definition named by ``HITFLOW_PIPELINE`` replaces the project's.
    """
    from dbt.cli.main import dbtRunner

    warehouse_path().parent.mkdir(parents=True, exist_ok=True)
    command = [*args, "--project-dir", str(PROJECT_DIR)]
    overrides = {}
    if os.environ.get("HITFLOW_PIPELINE"):
        overrides["pipeline"] = load_pipeline().raw
    if trust:
        overrides["trust"] = {**project_vars().get("trust", {}), **trust}
    if overrides:
        command += ["--vars", json.dumps(overrides)]
    if quiet:
        command += ["--quiet"]
    saved_environment, saved_directory = dict(os.environ), os.getcwd()
    os.environ.update(dbt_environment())
    os.chdir(PROJECT_DIR)
    try:
        result = dbtRunner().invoke(command)
    finally:
        os.chdir(saved_directory)
        os.environ.clear()
        os.environ.update(saved_environment)
    if result.exception is not None:
        return 2
    return 0 if result.success else 1


def build(extra: list[str] | None = None, *, quiet: bool = False) -> None:
    """``dbt build``; raise when a model or a test (a quality gate) fails."""
    status = run_dbt([*BUILD_ARGS, *(extra or [])], quiet=quiet)
    if status != 0:
        raise HitflowError(
            "dbt build failed: a model or a quality gate did not pass (see above)"
        )
