"""The ``hitflow`` command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from hitflow.errors import HitflowError

console = Console(highlight=False, soft_wrap=True)
error_console = Console(stderr=True, highlight=False, soft_wrap=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Turn multi-stage crowd work into trustworthy data (dbt + DuckDB)."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--stage", help="Stage of these files (inferred from answer columns).")
@click.option(
    "--platform",
    type=click.Choice(["mturk", "toloka", "generic"]),
    help="File format (detected from the header when omitted).",
)
def load(files: tuple[Path, ...], stage: str | None, platform: str | None) -> None:
    """Land batch result files in the warehouse, each exactly once."""
    from hitflow.load import load_files_reporting

    refused = load_files_reporting(list(files), stage=stage, platform=platform)
    if refused:
        sys.exit(1)


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("dbt_args", nargs=-1, type=click.UNPROCESSED)
def build(dbt_args: tuple[str, ...]) -> None:
    """Run ``dbt build`` (models and their quality gates); extra args go to dbt."""
    from hitflow.build import build as run_build

    run_build(list(dbt_args))


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as problem:
        problem.show()
        sys.exit(problem.exit_code)
    except click.exceptions.Abort:
        error_console.print("hitflow: aborted")
        sys.exit(130)
    except HitflowError as problem:
        error_console.print(f"hitflow: {problem}")
        sys.exit(1)


if __name__ == "__main__":
    main()
