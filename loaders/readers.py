"""Reading spreadsheets: ``.xlsx`` (and .xlsm/.xls/.xlsb/.ods) with python-calamine, ``.csv`` in UTF-8 or GBK.

Rows come out one at a time as ``(Excel row number, cells)``. Workbooks are read one sheet at a time: a
sheet's cells are held compactly by calamine (Rust) while its rows stream through Python, and are released
before the next sheet. CSV files stream from disk. Vertically merged cells (户号 or 现住址 over a household's
members) are filled down so that every row carries its value.

:func:`sheet_heads` lists a file's sheets with their first rows (to find each header and kind), so that
sheets can be ordered by kind before they are read.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import python_calamine

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"})
CSV_SUFFIXES = frozenset({".csv"})
SUPPORTED_SUFFIXES = WORKBOOK_SUFFIXES | CSV_SUFFIXES
PEEK_ROWS = 30

Cell = object


class ReadError(Exception):
    """An input that cannot be read at all; the message says why and what to do."""


@dataclass(frozen=True)
class SheetRef:
    """One sheet of a workbook, or a whole CSV file (``sheet`` is ``None``)."""

    path: Path
    sheet: str | None
    encoding: str | None = field(default=None, compare=False)  # a CSV file's, once detected

    @property
    def is_csv(self) -> bool:
        return self.sheet is None


def discover(paths: list[Path]) -> Iterator[Path | ReadError]:
    """Spreadsheet files named or found (recursively, sorted) in folders; a :class:`ReadError` for bad paths."""
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                           and not p.name.startswith(("~$", ".~")))
            if not found:
                yield ReadError(f"{path}: the folder has no .xlsx or .csv files.")
            yield from found
        elif not path.exists():
            yield ReadError(f"{path}: no such file or folder.")
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            yield ReadError(f"{path}: not a spreadsheet (.xlsx, .xls, .ods or .csv); save it in one of those formats.")
        else:
            yield path


def sheet_heads(path: Path, limit: int = PEEK_ROWS) -> list[tuple[SheetRef, list[list[Cell]]]]:
    """The sheets of a workbook (visible worksheets, in order) or the CSV file itself, each with its first rows.

    A workbook is opened once for all its sheets. A CSV file's encoding is detected here and kept in its
    :class:`SheetRef`, so the file is not scanned a second time when it is read.
    """
    if path.suffix.lower() in CSV_SUFFIXES:
        encoding = detect_encoding(path)
        with path.open(encoding=encoding, newline="", errors="replace") as handle:
            head: list[list[Cell]] = [list(row) for _, row in zip(range(limit), csv.reader(handle), strict=False)]
        return [(SheetRef(path, None, encoding), head)]
    try:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as workbook:
            heads: list[tuple[SheetRef, list[list[Cell]]]] = []
            for meta in workbook.sheets_metadata:
                if (str(meta.typ) != str(python_calamine.SheetTypeEnum.WorkSheet)
                        or str(meta.visible) != str(python_calamine.SheetVisibleEnum.Visible)):
                    continue
                sheet = workbook.get_sheet_by_name(meta.name)
                offset = sheet.start[1] if sheet.start else 0
                rows: list[list[Cell]] = [[""] * offset + list(row)
                                          for _, row in zip(range(limit), sheet.iter_rows(), strict=False)]
                heads.append((SheetRef(path, meta.name), rows))
            return heads
    except Exception as exc:  # calamine raises several unrelated types for damaged or foreign files
        raise ReadError(f"{path}: cannot be read as a workbook ({exc}). Open it in Excel or WPS and save it "
                        "again as .xlsx.") from None


# --- CSV -------------------------------------------------------------------------------------------------

def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` when the file has a BOM or is valid UTF-8, else ``gb18030`` (a superset of GBK).

    The whole file is checked incrementally, so a stray GBK byte late in a mostly-ASCII file is not missed.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        head = handle.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        handle.seek(0)
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


class _CountingReader(io.RawIOBase):
    """Counts the bytes read so a progress bar can follow a CSV file."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self.consumed += len(data)
        return len(data)


class SheetReader:
    """Streams the rows of one sheet or CSV file as ``(Excel row number, cells)``; use as a context manager.

    ``progress()`` returns (done, total) in rows for workbooks and in bytes for CSV files.
    """

    def __init__(self, ref: SheetRef) -> None:
        self.ref = ref
        self.total = 0
        self._done = 0
        self._workbook: python_calamine.CalamineWorkbook | None = None
        self._counter: _CountingReader | None = None
        self._handle: io.TextIOWrapper | None = None
        self.encoding: str | None = None

    def __enter__(self) -> SheetReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    def progress(self) -> tuple[int, int]:
        if self._counter is not None:
            return self._counter.consumed, self.total
        return self._done, self.total

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """Every row with its Excel row number (1-based), merged cells filled down."""
        if self.ref.sheet is None:
            yield from self._csv_rows()
        else:
            yield from self._sheet_rows(self.ref.sheet)

    def _csv_rows(self) -> Iterator[tuple[int, list[Cell]]]:
        self.encoding = self.ref.encoding or detect_encoding(self.ref.path)
        self.total = self.ref.path.stat().st_size
        raw = self.ref.path.open("rb")
        self._counter = _CountingReader(raw)
        self._handle = io.TextIOWrapper(io.BufferedReader(self._counter, 1 << 16), encoding=self.encoding,
                                        newline="")
        try:
            for number, row in enumerate(csv.reader(self._handle), start=1):
                yield number, list(row)
        except UnicodeDecodeError as exc:
            raise ReadError(f"{self.ref.path}: not readable as {self.encoding} ({exc}). Save it again as "
                            "UTF-8 or GBK CSV.") from None
        finally:
            raw.close()

    def _sheet_rows(self, name: str) -> Iterator[tuple[int, list[Cell]]]:
        try:
            self._workbook = python_calamine.CalamineWorkbook.from_path(str(self.ref.path))
            sheet = self._workbook.get_sheet_by_name(name)
        except Exception as exc:  # calamine raises several unrelated types for damaged files
            raise ReadError(f"{self.ref.path} [{name}]: cannot be read ({exc}). Open it in Excel or WPS and save "
                            "it again as .xlsx.") from None
        offset = sheet.start[1] if sheet.start else 0
        self.total = (sheet.end[0] + 1) if sheet.end else 0
        # Vertical merges, by first row: (first row, last row, column) — the value sits in the first row only.
        merges = sorted((r0, r1, c0) for (r0, c0), (r1, _c1) in (sheet.merged_cell_ranges or []) if r1 > r0)
        active: list[tuple[int, int, Cell]] = []  # (last row, column, value)
        next_merge = 0
        for index, row in enumerate(sheet.iter_rows()):
            self._done = index + 1
            cells: list[Cell] = [""] * offset + list(row)
            if merges or active:
                active = [m for m in active if m[0] >= index]
                while next_merge < len(merges) and merges[next_merge][0] <= index:
                    first, last, column = merges[next_merge]
                    next_merge += 1
                    if first == index and column < len(cells):
                        active.append((last, column, cells[column]))
                for _last, column, value in active:
                    if column < len(cells) and cells[column] in ("", None):
                        cells[column] = value
            yield index + 1, cells
