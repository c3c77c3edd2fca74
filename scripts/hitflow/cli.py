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
    """Run dbt build: the models and their quality gates (extra args go to dbt)."""
    from hitflow.build import build as run_build

    run_build(list(dbt_args))


@cli.command()
@click.option("--out", "out", required=True, type=click.Path(path_type=Path))
@click.option("--stage", help="Write exports for this stage only.")
@click.option("--force", is_flag=True, help="Export even after a failed build.")
def export(out: Path, stage: str | None, force: bool) -> None:
    """Write next-stage input, review workbook, upload files, leads and costs."""
    from hitflow.export import export_all
    from hitflow.warehouse import connect

    con = connect()
    try:
        export_all(con, out, stage=stage, force=force, say=console.print)
    finally:
        con.close()


@cli.group()
def review() -> None:
    """Bring a person's review decisions back in."""


@review.command("import")
@click.argument("workbook", type=click.Path(path_type=Path))
def review_import(workbook: Path) -> None:
    """Check every row of a reviewed workbook and store it, all or nothing."""
    from hitflow.review import import_review
    from hitflow.warehouse import connect

    con = connect()
    try:
        result = import_review(con, workbook)
    finally:
        con.close()
    console.print(result.describe())


@cli.command()
def status() -> None:
    """The funnel per stage: tasks and workers by state, and spend."""
    from hitflow.campaign import print_status

    print_status(console)


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
def init(folder: Path) -> None:
    """Create a campaign folder: where batch files go, where exports land."""
    from hitflow.campaign import init_campaign

    for line in init_campaign(folder):
        console.print(line)


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Export even after a failed build.")
def run(folder: Path, force: bool) -> None:
    """Load everything new in a campaign folder, build, and export."""
    from hitflow.campaign import run_campaign

    run_campaign(folder, force=force, say=console.print)


@cli.command()
@click.option("--out", required=True, type=click.Path(path_type=Path))
@click.option("--seed", default=7, show_default=True, help="Random seed.")
@click.option("--universities", default=30, show_default=True)
@click.option(
    "--assignments",
    type=int,
    help="Instead: one large directories batch with this many assignments.",
)
@click.option("--xlsx", is_flag=True, help="Also write Excel re-saved copies.")
def simulate(
    out: Path, seed: int, universities: int, assignments: int | None, xlsx: bool
) -> None:
    """Write simulated batch results (real MTurk layout) and the truth behind them."""
    from hitflow.simulation import simulate_folder

    for line in simulate_folder(
        out, seed=seed, universities=universities, assignments=assignments, xlsx=xlsx
    ):
        console.print(line)


@cli.command()
@click.option(
    "--out", default="demo", show_default=True, type=click.Path(path_type=Path)
)
@click.option("--seed", default=11, show_default=True)
@click.option("--universities", default=40, show_default=True)
def demo(out: Path, seed: int, universities: int) -> None:
    """Run a whole simulated three-stage campaign and report what it caught."""
    from hitflow.demo import run_demo

    run_demo(out, seed=seed, universities=universities, say=console.print)


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
