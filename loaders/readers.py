"""Reading spreadsheets: what a file is (from its first bytes), its sheets' first rows, and its rows as a stream.

Rows come out one at a time as ``(Excel row number, cells)``, and memory stays bounded whatever a file declares:
.xlsx sheets are parsed as streams (:mod:`loaders.xlsx`), CSV files are decoded as they are read, and the older
formats (.xls, .xlsb, .ods) are read by python-calamine in a child process under a memory cap
(:mod:`loaders.guarded`). Caps on rows, columns, cell and shared-string size come from the settings; a sheet over
one is reported with the cell that went over. Vertically merged cells (户号 or 现住址 over a household's members)
are filled down so that every row carries its value. A cell holding an Excel error (``#REF!``, ``#N/A`` …) comes
out as an :class:`~loaders.xlsx.ExcelError`, for the importer to report.

:func:`sheet_heads` lists a file's sheets with their first rows (to find each header and kind), so that
sheets can be ordered by kind before they are read.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
from collections.abc import Generator, Iterator
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from graph.settings import Settings
from loaders import guarded
from loaders.sniff import TEXT_ENCODINGS, FileKind, NotASpreadsheet, check_regular, sniff, utf8_line
from loaders.xlsx import EXCEL_ERRORS, ExcelError, Limits, OverCap, Workbook, WorkbookError

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"})
CSV_SUFFIXES = frozenset({".csv"})
SUPPORTED_SUFFIXES = WORKBOOK_SUFFIXES | CSV_SUFFIXES
PEEK_ROWS = 30
DEFAULT_READER_MEMORY = 2 << 30

Cell = object

_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-16-le": "UTF-16 (little-endian)",
                   "utf-16-be": "UTF-16 (big-endian)", "gb18030": "GB18030 (GBK)"}


class ReadError(Exception):
    """An input that cannot be read at all; the message says why and what to do."""


@dataclass(frozen=True)
class ReadLimits:
    """What reading may take: the caps of a sheet and the memory of the child process of the older formats."""

    caps: Limits = field(default_factory=Limits)
    reader_memory: int = DEFAULT_READER_MEMORY

    @classmethod
    def from_settings(cls, settings: Settings) -> ReadLimits:
        return cls(Limits(rows=settings.load_max_rows, columns=settings.load_max_columns,
                          cell_chars=settings.load_max_cell_chars, shared_chars=settings.load_max_shared_chars),
                   settings.load_reader_memory)


@dataclass(frozen=True)
class SheetRef:
    """One sheet of a workbook, or a whole CSV file (``sheet`` is ``None``)."""

    path: Path
    sheet: str | None
    encoding: str | None = field(default=None, compare=False)  # a CSV file's, once detected
    kind: FileKind = field(default=FileKind.TEXT, compare=False)

    @property
    def is_csv(self) -> bool:
        return self.sheet is None


@dataclass
class FileHeads:
    """A file's sheets with their first rows, and what a clerk should know about the file as a whole."""

    sheets: list[tuple[SheetRef, list[list[Cell]]]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (code, message)
    hidden: list[str] = field(default_factory=list)  # hidden sheets, not read
    over: list[tuple[str, str]] = field(default_factory=list)  # (sheet, message): sheets over a cap, not read


def discover(paths: list[Path]) -> Iterator[Path | ReadError]:
    """Spreadsheet files named or found (recursively, sorted) in folders; a :class:`ReadError` for bad paths."""
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES
                           and not p.name.startswith(("~$", ".~")) and not p.is_dir())
            if not found:
                yield ReadError(f"{path}: the folder has no .xlsx or .csv files.")
            for file in found:
                yield file if _regular(file) else ReadError(f"{file}: {_not_regular(file)}")
        elif not path.exists() and not path.is_symlink():
            yield ReadError(f"{path}: no such file or folder.")
        elif not _regular(path):
            yield ReadError(f"{path}: {_not_regular(path)}")
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            yield ReadError(f"{path}: not a spreadsheet (.xlsx, .xls, .ods or .csv); save it in one of those formats.")
        else:
            yield path


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _not_regular(path: Path) -> str:
    try:
        check_regular(path)
    except NotASpreadsheet as error:
        return str(error)
    return "is not a regular file."


def sheet_heads(path: Path, limits: ReadLimits | None = None, rows: int = PEEK_ROWS) -> FileHeads:
    """The sheets of a workbook (visible worksheets, in order) or the CSV file itself, each with its first rows.

    What the file is comes from its first bytes, not its name; a CSV file's encoding is kept in its
    :class:`SheetRef`, so the file is not sniffed again when it is read.
    """
    limits = limits or ReadLimits()
    try:
        sniffed = sniff(path)
    except NotASpreadsheet as error:
        raise ReadError(f"{path}: {error}") from None
    except OSError as error:
        raise ReadError(f"{path}: cannot be opened ({error.strerror or error}).") from None
    heads = FileHeads()
    if sniffed.mismatch:
        heads.warnings.append(("file_type_mismatch", sniffed.mismatch))
    try:
        if sniffed.kind is FileKind.TEXT:
            ref = SheetRef(path, None, sniffed.encoding, FileKind.TEXT)
            with SheetReader(ref, limits) as reader:
                heads.sheets.append((ref, _dense(reader.rows(), rows)))
        elif sniffed.kind is FileKind.XLSX:
            with Workbook(str(path), limits.caps) as workbook:
                for info in workbook.sheets:
                    if not info.visible:
                        heads.hidden.append(info.name)
                        continue
                    try:
                        head = _dense(workbook.rows(info), rows)
                    except OverCap as error:
                        heads.over.append((info.name, str(error)))
                        continue
                    heads.sheets.append((SheetRef(path, info.name, None, FileKind.XLSX), head))
        else:
            _guarded_heads(path, sniffed.kind, limits, heads)
    except WorkbookError as error:
        raise ReadError(f"{path}: {error}") from None
    return heads


def _guarded_heads(path: Path, kind: FileKind, limits: ReadLimits, heads: FileHeads) -> None:
    current: list[list[Cell]] | None = None
    for record in guarded.records("heads", path, limits.caps, limits.reader_memory):
        if record[0] == "sheet":
            current = None
            if record[2]:
                current = []
                heads.sheets.append((SheetRef(path, record[1], None, kind), current))
            else:
                heads.hidden.append(record[1])
        elif record[0] == "over":
            heads.sheets = [s for s in heads.sheets if s[0].sheet != record[1]]
            heads.over.append((record[1], record[2]))
        elif record[0] == "row" and current is not None:
            current.append(list(record[2]))


def _first_undecodable_line(path: Path, encoding: str) -> int | None:
    """The first line (1-based) that does not decode, for UTF-8 and GB18030, where no character holds a newline
    byte; ``None`` for other encodings. Only run once a decoding error is known to exist."""
    if encoding not in ("utf-8-sig", "gb18030"):
        return None
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError:
                return number
    return None


def _dense(rows: Iterator[tuple[int, list[Cell]]], limit: int) -> list[list[Cell]]:
    """The first ``limit`` rows by Excel number (row i+1 at index i), blank rows filled in."""
    head: list[list[Cell]] = []
    with closing(rows) if isinstance(rows, Generator) else nullcontext():  # the sheet's part is closed at once
        for number, cells in rows:
            if number > limit:
                break
            while len(head) < number - 1:
                head.append([])
            head.append([str(c) if isinstance(c, ExcelError) else c for c in cells])
            if number >= limit:
                break  # not one row more: a CSV row past the head is read when the file is imported
    return head


# --- reading rows ----------------------------------------------------------------------------------------

class _LongLine(Exception):
    """A line longer than any row within the caps could be."""

    def __init__(self, line: int, limit: int) -> None:
        super().__init__(line)
        self.line = line
        self.limit = limit


class _MixedLine(Exception):
    """A UTF-8 line in a file read as GB18030 (which would decode it, garbled)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _CountingReader(io.RawIOBase):
    """Counts the bytes read so a progress bar can follow a CSV file; in a GB18030 file, watches for UTF-8 lines."""

    def __init__(self, raw: IO[bytes], longest_line: int, watch_utf8: bool = False) -> None:
        self._raw = raw
        self.consumed = 0
        self._watch = watch_utf8
        self._longest = longest_line
        self._lines = 0  # newlines before the current block
        self._run = 0  # bytes of the line the current block starts in, before it

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        lines = data.split(b"\n")
        # csv holds a whole row, however many fields: a line of a million commas must not reach it.
        if len(lines) == 1:
            self._run += len(data)
        else:
            self._run = max(self._run + len(lines[0]), max(map(len, lines[1:-1]), default=0))
        if self._run > self._longest:
            raise _LongLine(self._lines + 1 + next((i for i in range(1, len(lines))
                                                    if len(lines[i]) > self._longest), 0), self._longest)
        if len(lines) > 1:
            self._run = len(lines[-1])
        if self._watch and not data.isascii():
            for index in range(1, len(lines) - 1):  # the first and last may be cut by the block
                if not lines[index].isascii() and utf8_line(lines[index]):
                    raise _MixedLine(self._lines + index + 1)
        self._lines += len(lines) - 1
        buffer[: len(data)] = data
        self.consumed += len(data)
        return len(data)


class SheetReader:
    """Streams the rows of one sheet or CSV file as ``(Excel row number, cells)``; use as a context manager.

    ``progress()`` returns (done, total) in bytes for CSV and .xlsx files (of the sheet's XML), in rows otherwise.
    """

    def __init__(self, ref: SheetRef, limits: ReadLimits | None = None) -> None:
        self.ref = ref
        self.limits = limits or ReadLimits()
        self.total = 0
        self._done = 0
        self._counter: _CountingReader | None = None
        self._handle: io.TextIOWrapper | None = None
        self._workbook: Workbook | None = None
        self.encoding: str | None = ref.encoding

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
        if self._workbook is not None:
            return self._workbook.progress
        return self._done, self.total

    def _where(self) -> str:
        return f"{self.ref.path}" + (f" [{self.ref.sheet}]" if self.ref.sheet else "")

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """Every row that holds a value, with its Excel row number (1-based), merged cells filled down."""
        try:
            if self.ref.sheet is None:
                yield from self._csv_rows()
            elif self.ref.kind is FileKind.XLSX:
                yield from self._xlsx_rows(self.ref.sheet)
            else:
                yield from self._guarded_rows(self.ref.sheet)
        except WorkbookError as error:
            raise ReadError(f"{self.ref.path}: {error}") from None
        except (OSError, MemoryError) as error:
            raise ReadError(f"{self._where()}: cannot be read ({type(error).__name__}: {error}).") from None

    def _csv_rows(self) -> Iterator[tuple[int, list[Cell]]]:
        if self.encoding is None:
            try:
                self.encoding = sniff(self.ref.path).encoding or "utf-8-sig"
            except NotASpreadsheet as error:
                raise ReadError(f"{self.ref.path}: {error}") from None
        caps = self.limits.caps
        # The csv module's limit is process-wide; it is the cell cap for every CSV file this process reads.
        csv.field_size_limit(caps.cell_chars)
        self.total = self.ref.path.stat().st_size
        raw = self.ref.path.open("rb")
        longest = 64 * caps.cell_chars + 64 * caps.columns  # about 2 MB with the default caps
        self._counter = _CountingReader(raw, longest, watch_utf8=self.encoding == "gb18030")
        self._handle = io.TextIOWrapper(io.BufferedReader(self._counter, 1 << 16), encoding=self.encoding,
                                        newline="")
        number = 0
        try:
            for number, row in enumerate(csv.reader(self._handle), start=1):
                if number > caps.rows:
                    raise ReadError(f"{self.ref.path}: has more than {caps.rows:,} rows ({caps.settings[0]}); rows "
                                    f"from {number:,} on were not read. Split the file.")
                if len(row) > caps.columns and any(row[caps.columns:]):
                    raise ReadError(f"{self.ref.path} row {number}: has a value beyond column {caps.columns:,} "
                                    f"({caps.settings[1]}); rows from {number:,} on were not read. Delete the stray "
                                    "values to the right of the data.")
                cells: list[Cell] = list(row) if EXCEL_ERRORS.isdisjoint(row) else [
                    ExcelError(c) if c in EXCEL_ERRORS else c for c in row]
                yield number, cells
        except csv.Error as error:
            if "field limit" in str(error):
                raise ReadError(f"{self.ref.path} row {number + 1}: a cell holds more than {caps.cell_chars:,} "
                                f"characters ({caps.settings[2]}); rows from {number + 1:,} on were not read. "
                                "Shorten the cell (or fix an unclosed quote before it), then import again.") from None
            raise ReadError(f"{self.ref.path} row {number + 1}: not readable as CSV ({error}); rows from "
                            f"{number + 1:,} on were not read. Save it again as CSV from Excel or WPS.") from None
        except _LongLine as error:
            raise ReadError(f"{self.ref.path}: line {error.line:,} is longer than {error.limit:,} bytes, more than a "
                            f"row within the caps can be ({caps.settings[1]}, {caps.settings[2]}); rows from "
                            f"{number + 1:,} on were not read. Check the file is CSV, and remove the stray "
                            "values.") from None
        except (UnicodeDecodeError, _MixedLine) as error:
            named = _ENCODING_NAMES.get(self.encoding, self.encoding)
            line = error.line if isinstance(error, _MixedLine) else _first_undecodable_line(self.ref.path,
                                                                                            self.encoding)
            at = f"line {line:,}" if line else "a later line"
            raise ReadError(f"{self.ref.path}: has an encoding problem: {at} is not {named}, the encoding of the "
                            f"file's start, so the file mixes encodings (tried {', '.join(TEXT_ENCODINGS)}). Rows "
                            f"from {number + 1:,} on were not read. Save the whole file again as UTF-8 CSV, then "
                            "import it again.") from None
        finally:
            raw.close()

    def _xlsx_rows(self, name: str) -> Iterator[tuple[int, list[Cell]]]:
        self._workbook = Workbook(str(self.ref.path), self.limits.caps)
        info = next((s for s in self._workbook.sheets if s.name == name), None)
        if info is None:
            raise ReadError(f"{self._where()}: the sheet is no longer in the workbook; import the file again.")
        merges = self._workbook.merges(info)
        self.total = 0
        yield from self._filled(self._workbook.rows(info), merges)

    def _guarded_rows(self, name: str) -> Iterator[tuple[int, list[Cell]]]:
        merges: list[tuple[int, int, int]] = []

        def rows() -> Iterator[tuple[int, list[Cell]]]:
            for record in guarded.records("rows", self.ref.path, self.limits.caps, self.limits.reader_memory, name):
                if record[0] == "merges":
                    merges.extend(tuple(m) for m in record[1])
                elif record[0] == "over":
                    raise ReadError(f"{self.ref.path}: {record[2]}")
                elif record[0] == "row":
                    yield record[1], record[2]

        yield from self._filled(rows(), merges)

    def _filled(self, rows: Iterator[tuple[int, list[Cell]]],
                merges: list[tuple[int, int, int]]) -> Iterator[tuple[int, list[Cell]]]:
        """Rows with vertical merges filled down: (first row, last row, column), the value in the first row only.

        ``merges`` may be filled while the first row is read (the child process sends them first)."""
        active: list[tuple[int, int, Cell]] = []  # (last row, column, value)
        next_merge = 0
        for number, cells in rows:
            self._done = number
            if merges or active:
                active = [m for m in active if m[0] >= number]
                while next_merge < len(merges) and merges[next_merge][0] <= number:
                    first, last, column = merges[next_merge]
                    next_merge += 1
                    if first == number and column < len(cells):
                        active.append((last, column, cells[column]))
                for _last, column, value in active:
                    if column >= len(cells):
                        cells.extend([""] * (column - len(cells) + 1))
                    if cells[column] in ("", None):
                        cells[column] = value
            yield number, cells

