"""Reading one batch file (CSV, TSV or Excel) into a DuckDB temp table.

Every cell lands as text (or NULL when empty): interpretation belongs to the dbt
staging models, so raw keeps what the file said. Excel re-saves turn digit-only
answers into numbers; integral numbers are written back as the digits Excel
showed, so ``6513418285`` stays ``6513418285``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from hitflow.errors import HitflowError

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
ROW_COLUMN = "__row"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_readable(path: Path) -> None:
    """Refuse files that cannot be batch results before reading them."""
    if path.name.startswith("~$"):
        raise HitflowError("is an Excel lock file (~$...), not batch results")
    if not path.exists():
        raise HitflowError("does not exist")
    if path.is_dir():
        raise HitflowError("is a folder, not a batch file")
    if path.stat().st_size == 0:
        raise HitflowError("is empty")
    suffix = path.suffix.lower()
    if suffix not in EXCEL_SUFFIXES | TEXT_SUFFIXES:
        raise HitflowError(f"has an unsupported file type {suffix or '(none)'}")


def read_into(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    keep: Callable[[list[str]], list[str]] | None = None,
) -> list[str]:
    """Create temp table ``table`` (``__row`` + columns as text); return the header.

    ``keep`` picks, from the full header, the columns worth landing (the others
    are parsed for the file's shape but never copied: most of a full MTurk
    download is metadata). ``__row`` is the spreadsheet row number (the header is
    row 1), which is what error messages and write-back use.
    """
    if path.suffix.lower() in EXCEL_SUFFIXES:
        frame = _read_excel(path)
        header = [str(name) for name in frame.columns]
        kept = keep(header) if keep else header
        con.register("excel_rows", frame)
        con.execute(
            f"create or replace temp table {table} as "
            f"select (row_number() over () + 1)::bigint as {ROW_COLUMN}, "
            f"{_column_list(kept)} from excel_rows"
        )
        con.unregister("excel_rows")
    else:
        header, delimiter = _text_header(path)
        kept = keep(header) if keep else header
        _read_text(con, path, table, header, kept, delimiter)
    (n_rows,) = con.execute(f"select count(*) from {table}").fetchone()
    if n_rows == 0:
        raise HitflowError("has a header but no rows")
    return header


def _column_list(names: list[str]) -> str:
    return ", ".join('"' + name.replace('"', '""') + '"' for name in names)


def _read_text(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    header: list[str],
    kept: list[str],
    delimiter: str,
) -> None:
    try:
        con.execute(
            f"create or replace temp table {table} as "
            f"select (row_number() over () + 1)::bigint as {ROW_COLUMN}, "
            f"{_column_list(kept)} from read_csv(?, delim = ?, header = true, "
            "auto_detect = false, columns = ?, quote = '\"', escape = '\"', "
            "strict_mode = true, null_padding = false, encoding = 'utf-8')",
            [str(path), delimiter, {name: "VARCHAR" for name in header}],
        )
    except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
        raise HitflowError(_csv_problem(str(error))) from None


def _text_header(path: Path) -> tuple[list[str], str]:
    """The header row and delimiter (tab for .tsv or a tab-only first line)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            first_line = handle.readline()
    except UnicodeDecodeError:
        raise HitflowError("is not UTF-8 text") from None
    delimiter = "," if "," in first_line or "\t" not in first_line else "\t"
    if path.suffix.lower() == ".tsv":
        delimiter = "\t"
    header = next(csv.reader([first_line], delimiter=delimiter), [])
    if not any(name.strip() for name in header):
        raise HitflowError("has no header row")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise HitflowError(f"has column {repeated[0]} twice")
    return header, delimiter


def _csv_problem(message: str) -> str:
    line = _line_number(message)
    where = f" at line {line}" if line else ""
    lowered = message.lower()
    if "unterminated quote" in lowered:
        return f"is cut off or damaged{where}: a quoted value never ends"
    if "columns" in lowered:
        return f"is cut off or damaged{where}: a row has the wrong number of columns"
    if "invalid unicode" in lowered or "byte sequence" in lowered:
        return f"is not UTF-8 text{where}"
    return f"could not be read as delimited text{where}"


def _line_number(message: str) -> str | None:
    if "Line: " not in message:
        return None
    digits = "".join(ch for ch in message.split("Line: ", 1)[1][:12] if ch.isdigit())
    return digits or None


def _read_excel(path: Path) -> pd.DataFrame:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception:  # calamine raises its own types for every damaged-file case
        raise HitflowError(
            "is not a readable Excel workbook (cut off or damaged)"
        ) from None
    rows = [row for row in rows if any(cell not in ("", None) for cell in row)]
    if not rows:
        raise HitflowError("is an empty workbook")
    header = [_cell_text(cell) or "" for cell in rows[0]]
    body = [[_cell_text(cell) for cell in row] for row in rows[1:]]
    width = len(header)
    body = [(row + [None] * width)[:width] for row in body]
    return pd.DataFrame(body, columns=header, dtype=object)


def _cell_text(cell: object) -> str | None:
    if cell is None or cell == "":
        return None
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, dt.datetime | dt.date | dt.time):
        return cell.isoformat()
    return str(cell)
