"""Writing sheets as .xlsx (xlsxwriter) or .csv, keeping track of the row numbers Excel will show.

A census workbook is small and needs vertically merged cells, so it is written in xlsxwriter's normal
mode (``merge_range`` over rows already written is impossible in ``constant_memory`` mode, which flushes
each row as soon as the next begins). Ledgers can be long and are streamed in ``constant_memory`` mode;
their only merge is the title row, merged across the row being written, which that mode allows.
A CSV sheet is buffered (one town's ledger at most) and encoded on close: GBK falls back to GB18030 if
a name has a character outside GBK, and the encoding really used is recorded.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from loaders.sample.cells import Cell, ExcelNumber, cell_text


class Sheet:
    """One sheet being written; rows are numbered as Excel shows them (from 1)."""

    def __init__(self, file: str, name: str | None) -> None:
        self.file = file          # path relative to the output folder
        self.name = name          # None for a CSV file
        self.next_row = 1

    def row(self, values: Sequence[Cell]) -> int:
        """Write a row of values; returns its Excel row number."""
        number = self.next_row
        self._write(number - 1, values)
        self.next_row += 1
        return number

    def blank(self) -> int:
        """Write an empty row; returns its Excel row number."""
        return self.row(())

    def title(self, text: str, width: int) -> int:
        """A title merged across ``width`` columns."""
        return self.row([text])

    def merge_down(self, column: int, first_row: int, last_row: int, value: Cell) -> None:
        """Merge a column over rows already written; the value stays in the first row only."""

    def _write(self, index: int, values: Sequence[Cell]) -> None:
        raise NotImplementedError


class XlsxSheet(Sheet):
    def __init__(self, file: str, name: str, worksheet: Any, formats: dict[str, Any]) -> None:
        super().__init__(file, name)
        self._ws = worksheet
        self._formats = formats

    def _write(self, index: int, values: Sequence[Cell]) -> None:
        ws, formats = self._ws, self._formats
        for column, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                ws.write_string(index, column, value)
            elif isinstance(value, ExcelNumber):
                ws.write_number(index, column, value.value)
            elif isinstance(value, datetime):
                ws.write_datetime(index, column, value, formats["datetime"])
            elif isinstance(value, date):
                ws.write_datetime(index, column, datetime(value.year, value.month, value.day), formats["date"])
            else:
                ws.write_number(index, column, value)

    def title(self, text: str, width: int) -> int:
        number = self.next_row
        self._ws.merge_range(number - 1, 0, number - 1, width - 1, text, self._formats["title"])
        self.next_row += 1
        return number

    def release(self) -> None:
        # A closed workbook's worksheets still hold every cell (normal mode): let them go.
        self._ws = None

    def merge_down(self, column: int, first_row: int, last_row: int, value: Cell) -> None:
        if last_row > first_row:
            self._ws.merge_range(first_row - 1, column, last_row - 1, column, cell_text(value),
                                 self._formats["merged"])


class CsvSheet(Sheet):
    def __init__(self, file: str, path: Path, encoding: str) -> None:
        super().__init__(file, None)
        self._path = path
        self.encoding = encoding
        self._rows: list[list[str]] = []

    def _write(self, index: int, values: Sequence[Cell]) -> None:
        self._rows.append([cell_text(v) for v in values])

    def close(self) -> None:
        # Excel pads every line of an exported sheet to the sheet's full width.
        width = max([2, *(len(r) for r in self._rows)])
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerows(r + [""] * (width - len(r)) for r in self._rows)
        text = buffer.getvalue()
        try:
            data = text.encode(self.encoding)
        except UnicodeEncodeError:
            self.encoding = "gb18030"
            data = text.encode(self.encoding)
        self._path.write_bytes(data)
        self._rows = []


class Book:
    """A workbook (.xlsx) or a set of CSV files named after it (one per sheet)."""

    def __init__(self, root: Path, stem: str, fmt: str, created: date, constant_memory: bool = False,
                 encoding: str = "utf-8") -> None:
        self.root = root
        self.stem = stem          # relative path without extension
        self.fmt = fmt
        self.encoding = encoding
        self.sheets: list[Sheet] = []
        self._workbook: Any = None
        (root / stem).parent.mkdir(parents=True, exist_ok=True)
        if fmt == "xlsx":
            self._workbook = xlsxwriter.Workbook(str(root / f"{stem}.xlsx"), {
                # Small workbooks are assembled in memory: no temporary file per part.
                "constant_memory": constant_memory, "in_memory": not constant_memory,
                "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
            # A fixed creation time makes the same seed give byte-identical workbooks.
            self._workbook.set_properties({"created": datetime(created.year, created.month, created.day)})
            self._formats = {
                "date": self._workbook.add_format({"num_format": "yyyy-mm-dd"}),
                "datetime": self._workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
                "title": self._workbook.add_format({"bold": True, "align": "center", "font_size": 14}),
                "merged": self._workbook.add_format({"valign": "vcenter"}),
            }

    def sheet(self, name: str, single: bool = True) -> Sheet:
        """A new sheet; for CSV a file ``<stem>.csv``, or ``<stem>-<name>.csv`` when not ``single``."""
        new: Sheet
        if self.fmt == "xlsx":
            new = XlsxSheet(f"{self.stem}.xlsx", name, self._workbook.add_worksheet(name), self._formats)
        else:
            file = f"{self.stem}.csv" if single else f"{self.stem}-{name}.csv"
            new = CsvSheet(file, self.root / file, self.encoding)
        self.sheets.append(new)
        return new

    def close(self) -> None:
        """Write the files; the sheets keep only their names, files and encodings."""
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None
        for sheet in self.sheets:
            if isinstance(sheet, CsvSheet):
                sheet.close()
            elif isinstance(sheet, XlsxSheet):
                sheet.release()
