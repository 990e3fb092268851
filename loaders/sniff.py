"""What a file is, decided from its first bytes rather than its name, and without reading more than a sample.

Workbooks are recognised by their container (a zip holding ``xl/workbook.xml`` or an OpenDocument mimetype,
an OLE2 compound file for ``.xls``); anything else must be text, whose encoding is decided from a bounded
sample: a byte-order mark, UTF-16 by its zero bytes, UTF-8 if the sample is valid UTF-8, else GB18030 (a
superset of GBK) when the sample shows no UTF-8 lines beside it. Paths that are not regular files (a FIFO, a
device such as ``/dev/zero``) are refused before they are opened, so nothing waits on them.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

SAMPLE_BYTES = 64 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

# Encodings a text file is tried in, in this order, when it has no byte-order mark.
TEXT_ENCODINGS = ("UTF-8", "UTF-16", "GB18030 (GBK)")

_OTHER_FORMATS = (  # well-known first bytes of files clerks save by mistake
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"{\\rtf", "an RTF document"),
)


class FileKind(StrEnum):
    XLSX = "xlsx"  # Office Open XML workbook (.xlsx, .xlsm)
    XLSB = "xlsb"
    XLS = "xls"  # Excel 97–2003 (OLE2)
    ODS = "ods"
    TEXT = "text"  # CSV, in ``encoding``


KIND_NAMES = {FileKind.XLSX: "an .xlsx workbook", FileKind.XLSB: "an .xlsb workbook",
              FileKind.XLS: "an Excel 97–2003 (.xls) workbook", FileKind.ODS: "an OpenDocument (.ods) workbook",
              FileKind.TEXT: "a text (CSV) file"}
SUFFIX_KINDS = {".xlsx": FileKind.XLSX, ".xlsm": FileKind.XLSX, ".xlsb": FileKind.XLSB, ".xls": FileKind.XLS,
                ".ods": FileKind.ODS, ".csv": FileKind.TEXT}


class NotASpreadsheet(Exception):
    """The file cannot be a spreadsheet; the message says what it is and what to do."""


@dataclass(frozen=True)
class Sniffed:
    """What a file is: its kind, a text file's encoding (a Python codec name), and a warning if its name lies."""

    kind: FileKind
    encoding: str | None = None
    mismatch: str | None = None  # "named .csv but is an .xlsx workbook; read as a workbook"


def check_regular(path: Path) -> None:
    """Refuse anything but a regular file (after symbolic links): FIFOs, sockets and devices never end or block."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        raise NotASpreadsheet(f"cannot be opened ({error.strerror}).") from None
    if stat.S_ISDIR(mode):
        raise NotASpreadsheet("is a folder, not a file.")
    if not stat.S_ISREG(mode):
        what = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise NotASpreadsheet(f"is {what}, not a file; give the path of a saved .xlsx or .csv file.")


def sniff(path: Path, sample_bytes: int = SAMPLE_BYTES) -> Sniffed:
    """Decide what ``path`` is from at most ``sample_bytes`` of it; raise :class:`NotASpreadsheet` if nothing."""
    check_regular(path)
    # O_NONBLOCK: should the path have been swapped for a FIFO since the check, opening it does not wait.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise NotASpreadsheet("is not a regular file; give the path of a saved .xlsx or .csv file.")
        sample = handle.read(sample_bytes)
    kind = _container(path, sample)
    named = SUFFIX_KINDS.get(path.suffix.lower())
    if kind is FileKind.TEXT and named not in (None, FileKind.TEXT):
        raise NotASpreadsheet(f"cannot be read as a workbook: it is named {path.suffix} but holds text, not "
                              f"{KIND_NAMES[named]}. If it is a CSV file, rename it to .csv; otherwise open it in "
                              "Excel or WPS and save it again as .xlsx.")
    encoding = _text_encoding(sample) if kind is FileKind.TEXT else None
    mismatch = None
    if named is not None and named is not kind:
        mismatch = (f"the file is named {path.suffix} but is {KIND_NAMES[kind]}; it was read as what it is. "
                    f"Rename it to {_suffix(kind)} so other programs open it correctly.")
    return Sniffed(kind, encoding, mismatch)


def _suffix(kind: FileKind) -> str:
    return {FileKind.TEXT: ".csv"}.get(kind, f".{kind.value}")


def _container(path: Path, sample: bytes) -> FileKind:
    if sample.startswith(OLE2_MAGIC):
        return FileKind.XLS
    if sample.startswith(ZIP_MAGIC):
        return _zip_kind(path)
    for magic, what in _OTHER_FORMATS:
        if sample.startswith(magic):
            raise NotASpreadsheet(f"is {what}, not a spreadsheet; save the data as .xlsx or .csv.")
    return FileKind.TEXT


def _zip_kind(path: Path) -> FileKind:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 256 and archive.read("mimetype").strip() == ODS_MIMETYPE:
                    return FileKind.ODS
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise NotASpreadsheet(f"starts like a zip file (as .xlsx files do) but is damaged ({error}); open it in "
                              "Excel or WPS and save it again as .xlsx.") from None
    if "xl/workbook.xml" in names or any(n.endswith("/workbook.xml") for n in names):
        return FileKind.XLSX
    if "xl/workbook.bin" in names:
        return FileKind.XLSB
    if "word/document.xml" in names:
        raise NotASpreadsheet("is a Word document, not a spreadsheet; copy its table into Excel and save as .xlsx.")
    if "ppt/presentation.xml" in names:
        raise NotASpreadsheet("is a PowerPoint file, not a spreadsheet.")
    raise NotASpreadsheet("is a zip archive, not a spreadsheet; unpack it and import the .xlsx or .csv files inside.")


def _text_encoding(sample: bytes) -> str:
    """The codec to read a text file with, decided from its first bytes; raise if it is not text."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise NotASpreadsheet("is UTF-32 text, which is not read; save it again as UTF-8 CSV.")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf16 = _utf16_without_bom(sample)
    if utf16 is not None:
        return utf16
    if b"\x00" in sample:
        at = sample.index(b"\x00")
        raise NotASpreadsheet(f"is not text (binary data at byte {at}) and not a known workbook format; save the "
                              "data as .xlsx or .csv.")
    if _decodes(sample, "utf-8"):
        return "utf-8-sig"
    # Not UTF-8. GB18030 decodes almost anything, so first make sure the sample is not UTF-8 lines mixed with others.
    lines = [line for line in sample.split(b"\n")[:-1] if max(line, default=0) >= 0x80]
    utf8_lines = [n for n, line in enumerate(lines) if utf8_line(line)]
    if utf8_lines and len(utf8_lines) < len(lines):
        raise EncodingMixed("some of its first lines are UTF-8 and others are not")
    if _decodes(sample, "gb18030"):
        return "gb18030"
    raise EncodingMixed("its first bytes are neither UTF-8, UTF-16 nor GB18030 (GBK)")


class EncodingMixed(NotASpreadsheet):
    """Text whose encoding cannot be told; the message names the encodings tried."""

    def __init__(self, why: str) -> None:
        super().__init__(f"has an encoding problem: {why} (tried {', '.join(TEXT_ENCODINGS)}). Open it in a text "
                         "editor or Excel and save it again as UTF-8 CSV, all of it in one encoding.")


_CJK = re.compile("[\u4e00-\u9fff]")
_TWO_BYTE = re.compile("[\u0080-\u07ff]")


def utf8_line(line: bytes) -> bool:
    """Whether a line is Chinese text in UTF-8: it decodes, has ideographs, and none of the characters that a GBK
    pair such as 0xC4 0xA1 decodes to when read as UTF-8."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _CJK.search(text) is not None and _TWO_BYTE.search(text) is None


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether ``data`` decodes, allowing a character cut off at the end of the sample."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        decoder.decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text without a mark has a zero byte in most even (big-endian) or odd (little-endian) positions."""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0:pairs * 2:2].count(0), sample[1:pairs * 2:2].count(0)
    if odd > 0.4 * pairs and even < 0.05 * pairs:
        return "utf-16-le"
    if even > 0.4 * pairs and odd < 0.05 * pairs:
        return "utf-16-be"
    return None
