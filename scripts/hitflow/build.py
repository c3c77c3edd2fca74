"""Running dbt: ``hitflow build`` is ``dbt build`` with the project's settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from hitflow.errors import HitflowError
from hitflow.pipeline import PROJECT_DIR, load_pipeline
from hitflow.warehouse import warehouse_path


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


def dbt_executable() -> str:
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else "dbt"


def run_dbt(args: list[str], *, quiet: bool = False, trust: dict | None = None) -> int:
    """Run one dbt command in the project; return its exit status.

    ``trust`` overrides settings of ``vars.trust`` (say ``{"method": "majority"}``);
    a pipeline definition named by ``HITFLOW_PIPELINE`` replaces the project's.
    """
    warehouse_path().parent.mkdir(parents=True, exist_ok=True)
    command = [dbt_executable(), *args]
    overrides = {}
    if os.environ.get("HITFLOW_PIPELINE"):
        overrides["pipeline"] = load_pipeline().raw
    if trust:
        overrides["trust"] = {**project_vars().get("trust", {}), **trust}
    if overrides:
        command += ["--vars", json.dumps(overrides)]
    if quiet:
        command += ["--quiet"]
    completed = subprocess.run(command, cwd=PROJECT_DIR, env=dbt_environment())
    return completed.returncode


def build(extra: list[str] | None = None, *, quiet: bool = False) -> None:
    """``dbt build``; raise when a model or a test (a quality gate) fails."""
    status = run_dbt(["build", *(extra or [])], quiet=quiet)
    if status != 0:
        raise HitflowError(
            "dbt build failed: a model or a quality gate did not pass (see above)"
        )
