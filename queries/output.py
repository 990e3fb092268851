"""Writing query results as a table, CSV, JSON or an Excel workbook.

Results arrive as ``columns`` and ``rows`` (lists in column order). Spreadsheets carry a header per column
— the Chinese labels of a named query's header for the clerks, or the column names of ad-hoc Cypher —
lists are joined with ``、`` and times are shown in this machine's time zone.
"""

from __future__ import annotations

import csv
import json
import math
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from rich.console import Console
from rich.table import Table

from queries.neo4j_values import to_jsonable

FORMATS = ("table", "csv", "json", "xlsx")
LIST_SEPARATOR = "、"
_SHEET_FORBIDDEN = str.maketrans({ch: " " for ch in "[]:*?/\\"})


def cell_text(value: Any) -> str:
    """One value as text for a table or CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4g}" if math.isfinite(value) else str(value)
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M") if value.tzinfo else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        if all(not isinstance(item, dict | list) for item in value):
            return LIST_SEPARATOR.join(cell_text(item) for item in value)
        return json.dumps(to_jsonable(value), ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(to_jsonable(value), ensure_ascii=False)
    return str(value)


def write_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], stream: IO[str],
                title: str | None = None) -> None:
    """A table for people at a terminal; long cells fold rather than being cut."""
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(cell_text(value) for value in row))
    console = Console(file=stream, width=None if stream.isatty() else 200, soft_wrap=False)
    console.print(table)


def write_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]], stream: IO[str]) -> None:
    """CSV with a header line of column names."""
    writer = csv.writer(stream)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell_text(value) for value in row])


def write_json(columns: Sequence[str], rows: Sequence[Sequence[Any]], stream: IO[str]) -> None:
    """A JSON list of objects keyed by column name; dates and times as ISO 8601 text."""
    records = [dict(zip(columns, (to_jsonable(value) for value in row), strict=True)) for row in rows]
    json.dump(records, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_xlsx(headers: Sequence[str], rows: Sequence[Sequence[Any]], path: Path, sheet: str) -> None:
    """A workbook with one sheet: a bold, frozen header row of ``headers``, then the rows, with a filter."""
    workbook = xlsxwriter.Workbook(str(path))
    try:
        worksheet = workbook.add_worksheet(sheet.translate(_SHEET_FORBIDDEN)[:31] or "Sheet1")
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        widths = [_width(header) for header in headers]
        for col, header in enumerate(headers):
            worksheet.write_string(0, col, header, bold)
        for number, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if isinstance(value, datetime):
                    local = value.astimezone() if value.tzinfo else value
                    worksheet.write_datetime(number, col, local.replace(tzinfo=None), moment)
                    shown = 16
                elif isinstance(value, date):
                    worksheet.write_datetime(number, col, datetime(value.year, value.month, value.day), day)
                    shown = 10
                elif isinstance(value, bool):
                    worksheet.write_string(number, col, "是" if value else "否")
                    shown = 2
                elif isinstance(value, int | float) and math.isfinite(value):
                    worksheet.write_number(number, col, value)
                    shown = len(cell_text(value))
                elif value is None:
                    continue
                else:
                    text = cell_text(value)
                    worksheet.write_string(number, col, text)
                    shown = _width(text)
                widths[col] = max(widths[col], shown)
        for col, width in enumerate(widths):
            worksheet.set_column(col, col, min(max(width + 2, 8), 60))
        worksheet.freeze_panes(1, 0)
        if headers:
            worksheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    finally:
        workbook.close()
