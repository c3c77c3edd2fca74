"""The DuckDB warehouse: where it is, and the raw tables the loaders own."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import jinja2

from hitflow.pipeline import PROJECT_DIR

RAW_DDL_MACRO = PROJECT_DIR / "macros" / "raw_tables.sql"


def warehouse_path() -> Path:
    """``$HITFLOW_DB``, else ``warehouse/hitflow.duckdb`` under the project."""
    configured = os.environ.get("HITFLOW_DB")
    if configured:
        return Path(configured)
    return PROJECT_DIR / "warehouse" / "hitflow.duckdb"


def raw_tables_ddl() -> str:
    """The raw tables' DDL, rendered from the same macro dbt runs on start."""
    template = jinja2.Environment().from_string(RAW_DDL_MACRO.read_text())
    return str(template.module.hitflow_raw_tables_ddl())


def connect(path: Path | None = None, *, read_only: bool = False):
    """Open the warehouse, creating its folder and the raw tables if missing."""
    path = path or warehouse_path()
    if read_only:
        con = duckdb.connect(str(path), read_only=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path))
        con.execute(raw_tables_ddl())
    # hitflow shows its own progress; DuckDB's bar would interleave with it.
    con.execute("set enable_progress_bar = false")
    return con
