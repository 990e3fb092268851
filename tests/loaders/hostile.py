"""Small hostile files, built byte by byte: what a careless export, a damaged disk or an attacker hands a clerk.

The caps make small files enough: a 2 KB workbook can declare a cell at XFD1048576, a 16 KB one can hold a
3 MB string used by two thousand cells.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sheet.main+xml"/>{sheets}'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sharedStrings+xml"/></Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def raw_xlsx(path: Path, sheets: Sequence[tuple[str, str, str]], shared: Sequence[str] = ()) -> Path:
    """An .xlsx from sheets given as (name, state, sheetData XML) and an optional shared-string table."""
    entries = "".join(f'<sheet name="{escape(name)}" sheetId="{i + 1}" state="{state}" r:id="rId{i + 1}"/>'
                      for i, (name, state, _) in enumerate(sheets))
    rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{_REL}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                   for i in range(len(sheets)))
    rels += f'<Relationship Id="rIdS" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/vnd.'
                            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(len(sheets)))
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets=overrides))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" '
                                            f'xmlns:r="{_REL}"><sheets>{entries}</sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels",
                         '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
                         f'.org/package/2006/relationships">{rels}</Relationships>')
        strings = "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
        archive.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" '
                                                 f'count="{len(shared)}" uniqueCount="{len(shared)}">{strings}</sst>')
        for i, (_, _, data) in enumerate(sheets):
            archive.writestr(f"xl/worksheets/sheet{i + 1}.xml",
                             f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                             f"<sheetData>{data}</sheetData></worksheet>")
    return path


def inline_row(number: int, cells: Sequence[tuple[str, str]]) -> str:
    """A row of inline-string cells given as (reference, text)."""
    return f'<row r="{number}">' + "".join(f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
                                           for ref, text in cells) + "</row>"


def far_cell_xlsx(path: Path) -> Path:
    """A 2 KB workbook with a title in A1 and one cell at XFD1048576 (a dense reader allocates 16384 × 1048576
    cells)."""
    return raw_xlsx(path, [("Sheet1", "visible", inline_row(1, [("A1", "人口信息")])
                            + inline_row(1048576, [("XFD1048576", "x")]))])


def long_shared_string_xlsx(path: Path, length: int = 3_000_000, cells: int = 2000) -> Path:
    """A small workbook whose one long shared string fills ``cells`` cells (a copying reader holds it each time)."""
    rows = "".join(f'<row r="{r + 1}"><c r="A{r + 1}" t="s"><v>0</v></c></row>' for r in range(cells))
    return raw_xlsx(path, [("Sheet1", "visible", rows)], shared=["长" * length])
