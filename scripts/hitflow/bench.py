"""``make bench``: measured throughput of load and build on generated campaigns.

Nothing here asserts a time; it prints what it measured, so the README's figures
can be reproduced with one command.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_load(n_assignments: int, workdir: Path) -> dict:
    """Generate an MTurk CSV of ``n_assignments`` rows and time ``load_file``."""
    from hitflow.load import load_file
    from hitflow.pipeline import load_pipeline
    from hitflow.simulate import write_campaign
    from hitflow.warehouse import connect

    batch = workdir / f"Batch_{n_assignments}_batch_results.csv"
    started = time.perf_counter()
    write_campaign(batch, n_assignments, seed=1)
    generated = time.perf_counter() - started
    con = connect(workdir / "bench.duckdb")
    con.execute("set memory_limit = '4GB'")
    started = time.perf_counter()
    result = load_file(con, load_pipeline(), batch)
    seconds = time.perf_counter() - started
    con.close()
    return {
        "assignments": result.n_new,
        "file_mb": round(batch.stat().st_size / 1e6, 1),
        "generate_seconds": round(generated, 1),
        "load_seconds": round(seconds, 2),
        "assignments_per_second": round(result.n_new / seconds),
        "python_peak_rss_mb": round(_peak_rss_mb()),
    }


def bench_build(workdir: Path) -> dict:
    """Time ``dbt build`` (models and the marts' quality gates) on the warehouse
    bench_load filled, run as the command a user types; the EM models' share
    from dbt's own timings.

    dbt first parses the project, once: later builds reuse the parse (dbt's
    partial parsing) unless the project changed. The parse is timed on its own
    and the build after it, as every build of a campaign after the first runs.
    Each is a ``dbt`` process of its own, so the build's time includes dbt
    starting up and DuckDB's checkpoint as dbt closes the warehouse.
    """
    from hitflow.build import BUILD_ARGS, dbt_environment
    from hitflow.pipeline import PROJECT_DIR

    dbt = Path(sys.executable).with_name("dbt")
    target = ["--target-path", str(workdir / "target"), "--quiet"]
    environment = {**dbt_environment(), "HITFLOW_DB": str(workdir / "bench.duckdb")}

    def timed(args: list[str]) -> tuple[int, float]:
        started = time.perf_counter()
        status = subprocess.run(
            [str(dbt), *args, *target], cwd=PROJECT_DIR, env=environment
        ).returncode
        return status, time.perf_counter() - started

    _, parse_seconds = timed(["parse"])
    status, seconds = timed(BUILD_ARGS)
    results = json.loads((workdir / "target" / "run_results.json").read_text())
    timings = {
        row["unique_id"].split(".")[-1]: row["execution_time"]
        for row in results["results"]
        if row["unique_id"].startswith("model.")
    }
    em_seconds = sum(t for name, t in timings.items() if name.startswith("int_em_"))
    return {
        "dbt_status": status,
        "parse_seconds": round(parse_seconds, 1),
        "build_seconds": round(seconds, 1),
        "dbt_run_seconds": round(results["elapsed_time"], 1),
        "em_seconds": round(em_seconds, 1),
        "em_share_of_build": round(em_seconds / seconds, 3),
        "slowest_models": [
            [name, round(t, 1)]
            for name, t in sorted(timings.items(), key=lambda kv: -kv[1])[:5]
        ],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m hitflow.bench")
    parser.add_argument("--assignments", type=int, default=1_000_000)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--skip-gold", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hitflow-bench-") as tmp:
        workdir = Path(tmp)
        print(f"load: {json.dumps(bench_load(args.assignments, workdir))}", flush=True)
        if not args.skip_build:
            print(f"build: {json.dumps(bench_build(workdir))}", flush=True)
    if not args.skip_gold:
        from hitflow.gold import evaluate_gold

        for line in evaluate_gold():
            print(line, flush=True)


if __name__ == "__main__":
    main()
