"""Writing the spreadsheets people open: every cell typed on purpose.

Worker answers are untrusted text. A cell holding ``=HYPERLINK("http://x", "y")``
must stay that text, never become a formula, and only ``http``/``https`` addresses
may become clickable links (never ``javascript:`` or ``file:``). Every exporter
writes its ``.xlsx`` files through these helpers:

- ``new_workbook`` opens a workbook whose options turn off xlsxwriter's guessing
  (strings are never read as formulas, links or numbers);
- ``write_cell`` writes one value by its Python type: text with ``write_string``,
  numbers with ``write_number``, web addresses with ``write_url``;
- ``write_table`` writes a header and rows as a filterable table with a bold,
  frozen header, column widths that fit (up to a cap) and, optionally, colour
  on confidence columns.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

# xlsxwriter turns "=..." into formulas, "http://..." into links and "12" into
# numbers unless told not to; every value is typed by write_cell instead.
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
}
# Excel's limits: characters in a cell, characters in a link, links per sheet.
CELL_TEXT_LIMIT = 32_767
URL_LIMIT = 2_079
LINKS_PER_SHEET = 65_530
# Column widths, in characters.
MIN_WIDTH = 8
MAX_WIDTH = 60
# Rows looked at when fitting column widths.
WIDTH_SAMPLE_ROWS = 500
# Colours of the confidence scales: low (red), middle (amber), high (green).
RED, AMBER, GREEN = "#F8696B", "#FFEB84", "#63BE7B"
SHEET_NAME_LIMIT = 31

_LINK_HOST = re.compile(
    r"^[^\W_]([\w.-]*[^\W_])?\.([^\W\d_]{2,}|xn--[a-z0-9-]+)\.?(:\d{1,5})?$", re.I
)
_BAD_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Link:
    """A link whose shown text differs from its address (a club's name, say).

    ``write_cell`` makes it clickable only when ``url`` is an http/https
    address; otherwise only ``text`` is written, as text.
    """

    # The address the link opens.
    url: str
    # What the cell shows.
    text: str


@dataclass(frozen=True)
class Styles:
    """The formats one workbook's cells share (xlsxwriter formats are per file)."""

    # Header row: bold, shaded, bottom border.
    header: Format
    # Numbers shown with two decimals (confidence, priority, trust).
    decimal: Format
    # Whole numbers with thousands separators (counts, support).
    count: Format
    # Long text wrapped within its column (instructions, reasons).
    wrapped: Format
    # A sheet title.
    title: Format
    # Fills of the traffic-light confidence style: low, middle, high.
    low: Format
    middle: Format
    high: Format

    @classmethod
    def of(cls, workbook: xlsxwriter.Workbook) -> Styles:
        return cls(
            header=workbook.add_format(
                {"bold": True, "bg_color": "#DDEBF7", "bottom": 1, "valign": "top"}
            ),
            decimal=workbook.add_format({"num_format": "0.00"}),
            count=workbook.add_format({"num_format": "#,##0"}),
            wrapped=workbook.add_format({"text_wrap": True, "valign": "top"}),
            title=workbook.add_format({"bold": True, "font_size": 14}),
            low=workbook.add_format({"bg_color": RED}),
            middle=workbook.add_format({"bg_color": AMBER}),
            high=workbook.add_format({"bg_color": GREEN}),
        )


def new_workbook(path: Path | str) -> xlsxwriter.Workbook:
    """A workbook that never turns a string into a formula, link or number."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)


def is_web_link(value: object) -> bool:
    """Whether ``value`` is an ``http``/``https`` address safe to make clickable."""
    if not isinstance(value, str) or not value or len(value) > URL_LIMIT:
        return False
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or parts.username is not None:
        return False
    return bool(_LINK_HOST.match(parts.netloc))


def write_cell(
    sheet: Worksheet,
    row: int,
    col: int,
    value: object,
    cell_format: Format | None = None,
) -> None:
    """Write one value by its type; text always stays text.

    ``None`` (and NaN) is a blank cell, numbers are numbers, dates are ISO text,
    an ``http``/``https`` address is a link showing exactly its own text, a
    ``Link`` a link showing its text, and every other string (``=SUM(A1)``,
    ``+1``, ``-``, ``@x``, ``javascript:...``) is a string cell.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, cell_format)
    elif isinstance(value, int | float | decimal.Decimal):
        _write_number(sheet, row, col, value, cell_format)
    elif isinstance(value, Link):
        _write_link(sheet, row, col, value.url, value.text, cell_format)
    elif isinstance(value, dt.datetime):
        sheet.write_string(row, col, value.isoformat(sep=" "), cell_format)
    elif isinstance(value, dt.date | dt.time):
        sheet.write_string(row, col, value.isoformat(), cell_format)
    else:
        _write_text(sheet, row, col, str(value), cell_format)


def _write_number(sheet, row, col, value, cell_format) -> None:
    number = float(value)
    if math.isinf(number):
        sheet.write_string(row, col, str(value), cell_format)
    else:
        sheet.write_number(row, col, number, cell_format)


def _write_text(sheet, row, col, text: str, cell_format) -> None:
    _write_link(sheet, row, col, text, text, cell_format)


def _write_link(sheet, row, col, url: str, text: str, cell_format) -> None:
    text = text[:CELL_TEXT_LIMIT]
    # write_url refuses (a negative status, nothing written) what Excel cannot
    # hold; the text is then written as plain text.
    linked = (
        is_web_link(url)
        and sheet.hlink_count < LINKS_PER_SHEET
        and sheet.write_url(row, col, url, cell_format, string=text) == 0
    )
    if not linked:
        sheet.write_string(row, col, text, cell_format)


def write_table(
    sheet: Worksheet,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    styles: Styles,
    first_row: int = 0,
    column_formats: dict[int, Format] | None = None,
    confidence_columns: Sequence[int] = (),
    confidence_style: str = "scale",
    thresholds: tuple[float, float] = (0.5, 0.9),
    freeze_columns: int = 0,
    max_width: int = MAX_WIDTH,
) -> int:
    """Write a header and its rows as a table; return the number of rows written.

    The header is bold and frozen, the table filterable, and each column as wide
    as its longest sampled value (between MIN_WIDTH and ``max_width``).
    ``confidence_columns`` (values in [0, 1]) get a red-amber-green colour scale
    (``confidence_style="scale"``) or, with ``"traffic"``, red below the first of
    ``thresholds``, amber up to the second and green from it.
    """
    column_formats = column_formats or {}
    widths = [len(str(name)) for name in header]
    for col, name in enumerate(header):
        write_cell(sheet, first_row, col, name, styles.header)
    n_rows = 0
    for n_rows, values in enumerate(rows, start=1):
        row = first_row + n_rows
        for col, value in enumerate(values):
            write_cell(sheet, row, col, value, column_formats.get(col))
            if n_rows <= WIDTH_SAMPLE_ROWS and col < len(widths):
                widths[col] = max(widths[col], _shown_width(value))
    last_col = len(header) - 1
    sheet.freeze_panes(first_row + 1, freeze_columns)
    sheet.autofilter(first_row, 0, first_row + max(n_rows, 1), last_col)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(max(width + 2, MIN_WIDTH), max_width))
    if n_rows:
        for col in confidence_columns:
            cells = (first_row + 1, col, first_row + n_rows, col)
            if confidence_style == "scale":
                _colour_scale(sheet, cells, thresholds[0])
            elif confidence_style == "traffic":
                _traffic_lights(sheet, cells, thresholds, styles)
            else:
                raise ValueError(
                    f"confidence_style is 'scale' or 'traffic', not {confidence_style}"
                )
    return n_rows


def _shown_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:.2f}")
    if isinstance(value, Link):
        value = value.text
    return max((len(line) for line in str(value).splitlines()), default=0)


def _colour_scale(sheet: Worksheet, cells: tuple, middle: float) -> None:
    sheet.conditional_format(
        *cells,
        {
            "type": "3_color_scale",
            "min_type": "num", "min_value": 0, "min_color": RED,
            "mid_type": "num", "mid_value": middle, "mid_color": AMBER,
            "max_type": "num", "max_value": 1, "max_color": GREEN,
        },
    )  # fmt: skip


def _traffic_lights(
    sheet: Worksheet, cells: tuple, thresholds: tuple[float, float], styles: Styles
) -> None:
    low, high = thresholds
    rules = (
        {"criteria": "<", "value": low, "format": styles.low},
        {"criteria": "between", "minimum": low, "maximum": high,
         "format": styles.middle},
        {"criteria": ">=", "value": high, "format": styles.high},
    )  # fmt: skip
    for rule in rules:
        sheet.conditional_format(*cells, {"type": "cell", **rule})


def sheet_name(wanted: str, taken: Iterable[str] = ()) -> str:
    """A valid sheet name for ``wanted``, distinct from ``taken`` (any case)."""
    base = _BAD_SHEET_CHARACTERS.sub(" ", wanted).strip().strip("'")
    base = base[:SHEET_NAME_LIMIT] or "sheet"
    used = {name.lower() for name in taken}
    name, number = base, 1
    while name.lower() in used or name.lower() == "history":
        number += 1
        suffix = f" {number}"
        name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
    return name


def write_rows_workbook(
    path: Path,
    sheets: dict[str, tuple[list[str], list[dict[str, str]]]],
    *,
    confidence_column: str | None = None,
) -> None:
    """A workbook of plain tables: sheet name -> (header, rows as dicts).

    The formatted twin of a CSV export; ``confidence_column`` (text holding a
    number in [0, 1]) is written as a number and coloured by confidence.
    """
    workbook = new_workbook(path)
    styles = Styles.of(workbook)
    try:
        taken: list[str] = []
        for wanted, (header, rows) in sheets.items():
            name = sheet_name(wanted, taken)
            taken.append(name)
            sheet = workbook.add_worksheet(name)
            confidence = (
                [header.index(confidence_column)] if confidence_column in header else []
            )
            write_table(
                sheet,
                header,
                (
                    [
                        _as_number(row.get(col)) if i in confidence else row.get(col)
                        for i, col in enumerate(header)
                    ]
                    for row in rows
                ),
                styles=styles,
                confidence_columns=confidence,
            )
    finally:
        workbook.close()


def _as_number(text: str | None) -> float | str | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return text
