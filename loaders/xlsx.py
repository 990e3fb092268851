"""Reading .xlsx workbooks as streams: one sheet's XML is parsed piece by piece and rows come out as they end.

Memory depends on the row in hand and the shared-string table, never on the dimensions a sheet declares or on
where its last cell is: a cell at XFD1048576 is one cell, and one long shared string used by two thousand cells
is one string. Caps (:class:`Limits`) stop a sheet with more rows or columns than any sheet a clerk keeps, a cell
longer than Excel allows, or a shared-string table larger than the setting; the sheet is then reported, with the
cell that went over, instead of read. XML with a document type (where entity bombs live) is refused, and no zip
member is read past its declared size.
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath
from typing import IO, Any
from xml.etree import ElementTree as ET
from xml.parsers import expat

CHUNK = 1 << 16
MAX_PART_BYTES = 4 << 30  # no worksheet XML of a real workbook comes near 4 GiB uncompressed
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
# Built-in number formats that show dates or times (ECMA-376 18.8.30).
_DATE_FORMAT_IDS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_XMLNS = re.compile(rb'xmlns(?::([A-Za-z_][\w.-]*))?="([^"]*)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')


# The shared strings of the last workbook read: the sheets of a census workbook are read one after another, each
# opening the file anew, and the table is the same for all of them.
_LAST_STRINGS: tuple[object, list[str]] | None = None


class ExcelError(str):
    """A cell holding an Excel error value (``#REF!``, ``#N/A`` …) instead of data."""

    __slots__ = ()


@dataclass(frozen=True)
class Limits:
    """Caps on what one sheet may hold; a sheet over one is reported instead of read."""

    rows: int = 1_048_576
    columns: int = 1_000
    cell_chars: int = 32_767
    shared_chars: int = 64_000_000
    settings: tuple[str, str, str, str] = ("GRIDGRAPH_LOAD_MAX_ROWS", "GRIDGRAPH_LOAD_MAX_COLUMNS",
                                           "GRIDGRAPH_LOAD_MAX_CELL_CHARS", "GRIDGRAPH_LOAD_MAX_SHARED_CHARS")


class WorkbookError(Exception):
    """A workbook (or one of its sheets) that cannot be read; the message says why and what to do."""


class OverCap(WorkbookError):
    """A sheet goes over one of the :class:`Limits`."""


@dataclass(frozen=True)
class SheetInfo:
    name: str
    part: str  # zip member of its XML
    visible: bool


def column_name(index: int) -> str:
    """0 → ``A``, 16383 → ``XFD``."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index - 1


def _parser(start: Callable[..., None], end: Callable[[str], None] | None = None,
            text: Callable[[str], None] | None = None) -> Any:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def refuse_doctype(*_: object) -> None:
        raise WorkbookError("its XML declares a document type, which no workbook does; it was not read.")

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    return parser


class Workbook:
    """An open .xlsx file: its sheets (in order, with visibility), shared strings and date styles."""

    def __init__(self, path: str, limits: Limits) -> None:
        self.limits = limits
        self._path = path
        self.progress = (0, 0)  # bytes of the sheet in hand parsed, and its size unpacked
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise WorkbookError(f"is not a readable workbook ({error}).") from None
        try:
            self._names = set(self._zip.namelist())
            self.sheets, self._strings_part, self._styles_part, self.date1904 = self._read_workbook()
            self._dates: frozenset[int] | None = None
            self._padded: dict[int, int] = {}
            self._strings: list[str] | None = None
        except BaseException:
            self._zip.close()
            raise

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- parts ------------------------------------------------------------------------------------------

    def _open(self, part: str) -> IO[bytes]:
        try:
            info = self._zip.getinfo(part)
        except KeyError:
            raise WorkbookError(f"lacks its part {part}; open it in Excel or WPS and save it again.") from None
        if info.file_size > MAX_PART_BYTES:
            raise WorkbookError(f"its part {part} unpacks to {info.file_size:,} bytes, more than any workbook "
                                "holds; it was not read.")
        return self._zip.open(info)

    def _parse(self, part: str, parser: Any, after_chunk: Callable[[], None] | None = None) -> None:
        try:
            with self._open(part) as stream:
                while chunk := stream.read(CHUNK):
                    parser.Parse(chunk, False)
                    if after_chunk is not None:
                        after_chunk()
                parser.Parse(b"", True)
        except expat.ExpatError as error:
            raise WorkbookError(f"its part {part} is not well-formed XML ({error}); open it in Excel or WPS and "
                                "save it again.") from None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as error:
            raise WorkbookError(f"its part {part} is damaged ({error}); open it in Excel or WPS and save it "
                                "again.") from None

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Id → (type, target part) of a part's ``.rels``."""
        folder = PurePosixPath(part).parent
        rels_part = str(folder / "_rels" / (PurePosixPath(part).name + ".rels"))
        found: dict[str, tuple[str, str]] = {}
        if rels_part not in self._names:
            return found

        def start(name: str, attrs: dict[str, str]) -> None:
            if name.endswith(" Relationship") or name == "Relationship":
                target = attrs.get("Target", "")
                resolved = target.lstrip("/") if target.startswith("/") else str(_normal(folder / target))
                found[attrs.get("Id", "")] = (attrs.get("Type", ""), resolved)

        self._parse(rels_part, _parser(start))
        return found

    def _read_workbook(self) -> tuple[list[SheetInfo], str | None, str | None, bool]:
        root = self._relationships("")
        workbook_part = next((t for typ, t in root.values() if typ.endswith("/officeDocument")), "xl/workbook.xml")
        rels = self._relationships(workbook_part)
        listed: list[tuple[str, str, bool]] = []
        flags = {"date1904": False}

        def start(name: str, attrs: dict[str, str]) -> None:
            local = name.rpartition(" ")[2]
            if local == "sheet":
                rid = attrs.get(f"{REL_NS} id", "")
                listed.append((attrs.get("name", ""), rid, attrs.get("state", "visible") == "visible"))
            elif local == "workbookPr":
                flags["date1904"] = attrs.get("date1904", "0").lower() in ("1", "true")

        self._parse(workbook_part, _parser(start))
        sheets = [SheetInfo(name, rels[rid][1], visible) for name, rid, visible in listed
                  if rid in rels and rels[rid][0].endswith("/worksheet")]
        strings = next((t for typ, t in rels.values() if typ.endswith("/sharedStrings")), None)
        styles = next((t for typ, t in rels.values() if typ.endswith("/styles")), None)
        return sheets, strings, styles, flags["date1904"]

    # --- shared strings and styles -----------------------------------------------------------------------

    def shared_strings(self) -> list[str]:
        """The shared-string table; raise :class:`OverCap` if a string or the whole table is over its cap."""
        if self._strings is not None:
            return self._strings
        if self._strings_part is None or self._strings_part not in self._names:
            self._strings = []
            return self._strings
        global _LAST_STRINGS
        status = os.stat(self._path)
        key = (os.path.realpath(self._path), status.st_size, status.st_mtime_ns, self._strings_part, self.limits)
        if _LAST_STRINGS is not None and _LAST_STRINGS[0] == key:
            self._strings = _LAST_STRINGS[1]
            return self._strings
        _LAST_STRINGS = None
        strings: list[str] = []
        cap, total_cap = self.limits.cell_chars, self.limits.shared_chars
        total = 0
        for block, names in self._blocks(self._strings_part, "its shared strings", "sst", "si"):
            for item in block:
                if item.tag != names.si:
                    continue
                text = _string_text(item, names)
                if len(text) > cap:
                    raise OverCap(f"its shared string {len(strings)} holds {len(text):,} characters, more than "
                                  f"{cap:,} ({self.limits.settings[2]}); shorten it, then import again.")
                strings.append(text)
                total += len(text) + 8  # an entry costs about as much as 8 characters, even empty
                if total > total_cap:
                    raise OverCap(f"its shared strings hold more than {total_cap:,} characters "
                                  f"({self.limits.settings[3]}); split the workbook or raise the setting.")
        self._strings = strings
        _LAST_STRINGS = (key, strings)
        return strings

    def _blocks(self, part: str, what: str, container: str, item: str) -> Iterator[tuple[Any, _Names]]:
        """The items (``row`` or ``si`` elements) of a part, parsed a chunk at a time: each block is an element
        whose children are the items complete in the bytes read so far. Memory holds one chunk and one item,
        whatever the part's size; XML with a document type, and runs of text or markup longer than any cell
        within the caps, are refused before they are held."""
        longest = 4 * self.limits.cell_chars + 1024
        most_pending = 16 * CHUNK + 8 * longest  # an item not yet complete: one row or string, within the caps
        opening = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?" + container.encode() + rb"\b([^>]*?)(/?)>")
        run = 0
        pending = b""
        wrapper: tuple[bytes, bytes] | None = None
        close = b""
        tail = b""
        try:
            with self._open(part) as stream:
                size, done = self._zip.getinfo(part).file_size, 0
                while True:
                    chunk = stream.read(CHUNK)
                    done += len(chunk)
                    self.progress = (done, size)
                    window = tail + chunk
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        raise WorkbookError(f"{what} declare a document type, which no workbook does; the file "
                                            "was not read.")
                    tail = chunk[-16:]
                    run = _longest_run(chunk, run, longest, what, self.limits)
                    pending += chunk
                    if wrapper is None:
                        found = opening.search(pending)
                        if found is None:
                            if not chunk or len(pending) > most_pending:
                                return  # no container: nothing to read (an empty sheet or table)
                            continue
                        if found.group(3):
                            return  # <sheetData/>
                        head = pending[: found.end()]
                        prefix = found.group(1) or b""
                        declared = dict(_XMLNS.findall(head))
                        namespace = declared.get(prefix, b"").decode()
                        names = _Names()
                        names.learn(f"{{{namespace}}}{container}" if namespace else container)
                        tag = (prefix + b":" if prefix else b"") + item.encode()
                        close = b"</" + tag + b">"
                        decls = b" ".join(b'xmlns%s="%s"' % (b":" + p if p else b"", uri)
                                          for p, uri in declared.items())
                        wrapper = (b"<block " + decls + b">", b"</block>")
                        pending = pending[found.end():]
                    if chunk:
                        end = pending.rfind(close)
                        cut = end + len(close) if end >= 0 else 0
                    else:
                        stop = pending.find(b"</" + (prefix + b":" if prefix else b"") + container.encode())
                        cut = stop if stop >= 0 else len(pending)
                    if cut > 0:
                        yield ET.fromstring(wrapper[0] + pending[:cut] + wrapper[1]), names
                        pending = pending[cut:]
                    if not chunk:
                        return
                    if len(pending) > most_pending:
                        raise OverCap(f"{what} hold one row or string of more than {most_pending:,} bytes; the "
                                      "file was not read.")
        except ET.ParseError as error:
            raise WorkbookError(f"{what} are not well-formed XML ({error}); open the file in Excel or WPS and save "
                                "it again.") from None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
            raise WorkbookError(f"{what} are damaged ({error}); open the file in Excel or WPS and save it "
                                "again.") from None

    def padded_styles(self) -> dict[int, int]:
        """Cell format index → digits, for the formats that show a whole number zero-padded (``0000``): a 户号
        typed as 0058 in such a cell is stored as the number 58."""
        self.date_styles()
        return self._padded

    def date_styles(self) -> frozenset[int]:
        """Indexes of the cell formats (``s``) that show a date or time."""
        if self._dates is not None:
            return self._dates
        formats: dict[int, str] = {}
        xfs: list[int] = []
        where = {"cellXfs": False}
        if self._styles_part is not None and self._styles_part in self._names:
            def start(name: str, attrs: dict[str, str]) -> None:
                local = name.rpartition(" ")[2]
                if local == "numFmt" and len(formats) < 10_000:
                    formats[int(attrs.get("numFmtId", "0") or 0)] = attrs.get("formatCode", "")
                elif local == "cellXfs":
                    where["cellXfs"] = True
                elif local == "xf" and where["cellXfs"] and len(xfs) < 100_000:
                    xfs.append(int(attrs.get("numFmtId", "0") or 0))

            def end(name: str) -> None:
                if name.rpartition(" ")[2] == "cellXfs":
                    where["cellXfs"] = False

            self._parse(self._styles_part, _parser(start, end))
        self._dates = frozenset(i for i, fmt in enumerate(xfs)
                                if fmt in _DATE_FORMAT_IDS or (fmt in formats and _is_date_format(formats[fmt])))
        self._padded = {i: len(code) for i, fmt in enumerate(xfs)
                        if (code := _padding(formats.get(fmt, ""))) and 1 < len(code) <= 12}
        return self._dates

    # --- rows -------------------------------------------------------------------------------------------

    def merges(self, sheet: SheetInfo) -> list[tuple[int, int, int]]:
        """Vertical merges of a sheet as (first row, last row, column index), rows 1-based, sorted."""
        found: set[tuple[int, int, int]] = set()
        tail = b""
        with self._open(sheet.part) as stream:
            while chunk := stream.read(CHUNK):
                window = tail + chunk
                for match in _MERGE.finditer(window):
                    c0, r0, _c1, r1 = (g.decode() for g in match.groups())
                    if int(r1) > int(r0):
                        found.add((int(r0), int(r1), _column_index(c0)))
                        if len(found) > self.limits.rows:
                            raise OverCap(f"sheet {sheet.name!r} has more than {self.limits.rows:,} merged ranges "
                                          f"({self.limits.settings[0]}); it was not read.")
                tail = window[-256:]
        return sorted(found)

    def rows(self, sheet: SheetInfo) -> Iterator[tuple[int, list[object]]]:
        """The rows of a sheet that hold a value, as (Excel row number, cells by column index), in file order."""
        reader = _RowReader(sheet.name, self.shared_strings(), self.date_styles(), self.date1904, self.limits,
                            self.padded_styles())
        for block, names in self._blocks(sheet.part, f"sheet {sheet.name!r}", "sheetData", "row"):
            for row in block:
                if row.tag == names.row:
                    found = reader.row(row, names)
                    if found is not None:
                        yield found


def _longest_run(chunk: bytes, run: int, longest: int, what: str, limits: Limits) -> int:
    """The length of the run of bytes without ``<`` at the chunk's end; raise if any run exceeds ``longest``."""
    pieces = chunk.split(b"<")
    run += len(pieces[0])
    if len(pieces) > 2:
        run = max(run, *map(len, pieces[1:-1]))
    if run > longest:
        raise OverCap(f"{what} hold a value of more than {longest:,} bytes, longer than the "
                      f"{limits.cell_chars:,} characters a cell may hold ({limits.settings[2]}); the file was not "
                      "read.")
    return len(pieces[-1]) if len(pieces) > 1 else run


def _normal(path: PurePosixPath) -> PurePosixPath:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return PurePosixPath(*parts) if parts else PurePosixPath()


def _padding(code: str) -> str:
    """The zeros of a format that shows whole numbers zero-padded (``0000``, ``"0000"``, ``0000;@``), else ``""``."""
    first = code.split(";")[0].replace('"', "").replace("\\", "")
    return first if first and set(first) == {"0"} else ""


def _is_date_format(code: str) -> bool:
    cleaned = _FORMAT_NOISE.sub("", code).lower()
    return cleaned != "general" and any(c in cleaned for c in "ymdhs")


def excel_date(serial: float, date1904: bool) -> datetime | date:
    """An Excel date serial as a date (whole days) or a datetime, to the millisecond as Excel shows it."""
    base = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    if not date1904 and serial < 60:
        serial += 1  # the 1900 system counts a 29 February 1900 that never was
    milliseconds = round(serial * 86_400_000)
    value = base + timedelta(milliseconds=milliseconds)
    if milliseconds % 86_400_000 == 0:
        return value.date()
    return value


class _Names:
    """Element names with the namespace of the part's root (``{ns}row``), learnt from its first element."""

    def __init__(self) -> None:
        self.known = False
        self.learn("")

    def learn(self, root: str) -> None:
        ns = root[: root.index("}") + 1] if root.startswith("{") else ""
        self.known = bool(root)
        self.row, self.c, self.v, self.t, self.si = f"{ns}row", f"{ns}c", f"{ns}v", f"{ns}t", f"{ns}si"
        self.is_, self.r = f"{ns}is", f"{ns}r"


def _string_text(elem: Any, names: _Names) -> str:
    """The text of an ``si`` or ``is`` element: its ``t``, or its rich-text runs, without phonetic guides."""
    first = elem.find(names.t)
    if first is not None:
        return first.text or ""
    return "".join(run.findtext(names.t) or "" for run in elem.iterfind(names.r))


class _RowReader:
    """Turns one ``row`` element into (row number, cells), checking the caps."""

    def __init__(self, sheet: str, strings: list[str], date_styles: frozenset[int], date1904: bool,
                 limits: Limits, padded: dict[int, int] | None = None) -> None:
        self.sheet = sheet
        self.strings = strings
        self.date_styles = date_styles
        self.padded = padded or {}
        self.date1904 = date1904
        self.limits = limits
        self.row_number = 0
        self._columns: dict[str, int] = {}

    def _where(self, column: int) -> str:
        return f"sheet {self.sheet!r} cell {column_name(column)}{self.row_number}"

    def _column(self, letters: str) -> int | None:
        if not (0 < len(letters) <= 3 and letters.isalpha() and letters.isascii()):
            return None
        column = self._columns[letters] = _column_index(letters.upper())
        return column

    def row(self, elem: Any, names: _Names) -> tuple[int, list[object]] | None:
        """The row's number and its cells by column index; ``None`` when it holds no value."""
        number = elem.get("r")
        self.row_number = int(number) if number and number.isdigit() else self.row_number + 1
        if self.row_number > self.limits.rows:
            raise OverCap(f"sheet {self.sheet!r} has a row {self.row_number:,}, more than {self.limits.rows:,} rows "
                          f"({self.limits.settings[0]}); it was not read. Delete what lies below the data, or "
                          "split the sheet.")
        cells: list[object] = []
        column = -1
        c_tag, v_tag, strings, columns, most = names.c, names.v, self.strings, self._columns, self.limits.columns
        for cell in elem:
            if cell.tag != c_tag:
                continue
            ref = cell.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                found = columns.get(letters)
                if found is None:
                    found = self._column(letters)
                column = found if found is not None else column + 1
            else:
                column += 1
            kind = cell.get("t")
            if kind == "inlineStr":
                inline = cell.find(names.is_)
                raw = _string_text(inline, names) if inline is not None else None
            else:
                raw = cell.findtext(v_tag)
            if not raw:
                continue
            value: object
            if kind == "s":
                try:
                    value = strings[int(raw)]
                except (ValueError, IndexError):
                    raise WorkbookError(f"{self._where(column)} refers to shared string {raw!r}, which the workbook "
                                        "does not have; open it in Excel or WPS and save it again.") from None
                if not value:
                    continue
            else:
                if len(raw) > self.limits.cell_chars:
                    raise OverCap(f"{self._where(column)} holds {len(raw):,} characters, more than "
                                  f"{self.limits.cell_chars:,} ({self.limits.settings[2]}); shorten it, then import "
                                  "again.")
                value = self._value(raw, kind or "n", cell.get("s"), column)
                if value == "":
                    continue
            if column >= most:
                raise OverCap(f"{self._where(column)} is beyond column {column_name(most - 1)} "
                              f"({most:,} columns, {self.limits.settings[1]}); it was not read. "
                              "Delete the stray cells to the right of the data.")
            if column == len(cells):
                cells.append(value)
            else:
                if column > len(cells):
                    cells.extend([""] * (column - len(cells) + 1))
                cells[column] = value
        return (self.row_number, cells) if cells else None

    def _value(self, raw: str, kind: str, style: str | None, column: int) -> object:
        if kind in ("str", "inlineStr"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "e":
            return ExcelError(raw.strip())
        if kind == "d":
            try:
                return datetime.fromisoformat(raw.strip())
            except ValueError:
                return raw
        try:
            number = float(raw)
        except ValueError:
            return raw
        if style is not None and style.isdigit():
            if int(style) in self.date_styles and 0 <= number < 2_958_466:
                return excel_date(number, self.date1904)
            digits = self.padded.get(int(style))
            if digits is not None and number.is_integer() and 0 <= number < 10 ** digits:
                return str(int(number)).zfill(digits)  # the text the clerk sees, 0058, not the number 58
        return number
