"""``manifest.json``: what a generated sample contains and where each deliberate defect is.

Rows are numbered as Excel shows them (CSV: the line number); ``sheet`` is ``null`` for CSV files.
"""

from __future__ import annotations

import json
import string
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from loaders.sample.cells import Cell, cell_text
from loaders.sample.sheets import CsvSheet, Sheet

MANIFEST_VERSION = 1


@dataclass(slots=True)
class SheetRecord:
    """One sheet (or CSV file): its kind, header row, headers as written and its data rows."""

    file: str
    sheet: str | None
    kind: str                 # census, gridRoster, units, partyOrgs, partyContacts, disputes, hotline, wishes
    header_row: int
    headers: list[str]
    data_rows: int = 0        # rows holding data (not blank, title or footer rows)
    first_data_row: int = 0
    last_data_row: int = 0
    encoding: str | None = None


@dataclass(slots=True)
class LayoutRecord:
    """Title rows, blank rows, footers and merged cells: the shape a loader must read through."""

    file: str
    sheet: str | None
    row: int
    code: str                 # title_row, blank_row_above_header, blank_row_in_data, blank_row_below_data,
                              # footer, merged_cells
    last_row: int | None = None
    ranges: list[str] | None = None   # merged_cells: every merged range of the sheet, e.g. "A5:A8"


@dataclass(slots=True)
class DefectRecord:
    """A deliberate defect: where it is, its stable code and what a loader should do (``expect``)."""

    file: str
    sheet: str | None
    row: int
    column: str
    code: str
    expect: str               # normalised, warning, rejected, conflict
    value: str


@dataclass
class Manifest:
    scale: str
    seed: int
    format: str
    as_of: str
    counts: Counter[str] = field(default_factory=Counter)
    sheets: list[SheetRecord] = field(default_factory=list)
    layout: list[LayoutRecord] = field(default_factory=list)
    defects: list[DefectRecord] = field(default_factory=list)

    def add_sheet(self, sheet: Sheet, kind: str, header_row: int, headers: list[str]) -> SheetRecord:
        record = SheetRecord(sheet.file, sheet.name, kind, header_row, list(headers))
        self.sheets.append(record)
        return record

    def layout_at(self, sheet: Sheet, row: int, code: str) -> None:
        self.layout.append(LayoutRecord(sheet.file, sheet.name, row, code))

    def merged(self, sheet: Sheet, ranges: list[str]) -> None:
        """All vertically merged ranges of a sheet, as one record."""
        if ranges:
            first = int(ranges[0].split(":")[0].lstrip(string.ascii_uppercase))
            last = int(ranges[-1].split(":")[1].lstrip(string.ascii_uppercase))
            self.layout.append(LayoutRecord(sheet.file, sheet.name, first, "merged_cells", last, ranges))

    def defect(self, sheet: Sheet, row: int, column: str, code: str, expect: str, value: Cell) -> None:
        self.defects.append(DefectRecord(sheet.file, sheet.name, row, column, code, expect, cell_text(value)))

    def merge(self, other: Manifest) -> None:
        """Add another part (a town generated elsewhere) to this manifest."""
        self.counts.update(other.counts)
        self.sheets += other.sheets
        self.layout += other.layout
        self.defects += other.defects

    def finish_encodings(self, sheets: list[Sheet]) -> None:
        """Record the encoding each CSV file really got (known only once it is written)."""
        by_file = {s.file: s.encoding for s in sheets if isinstance(s, CsvSheet)}
        for record in self.sheets:
            if record.file in by_file:
                record.encoding = by_file[record.file]

    def to_json(self) -> dict[str, Any]:
        counts = dict(sorted(self.counts.items()))
        return {
            "version": MANIFEST_VERSION, "scale": self.scale, "seed": self.seed, "format": self.format,
            "asOf": self.as_of, "counts": counts,
            "defectCounts": dict(sorted(Counter(d.code for d in self.defects).items())),
            "sheets": [_camel(asdict(s)) for s in self.sheets],
            "layout": [_camel(asdict(r)) for r in self.layout],
            "defects": [_camel(asdict(d)) for d in self.defects],
        }

    def write(self, path: Path) -> None:
        """Write as JSON with one record per line, so that large manifests stay readable and diffable."""
        data = self.to_json()
        lines = ["{"]
        for index, (key, value) in enumerate(data.items()):
            comma = "," if index < len(data) - 1 else ""
            if isinstance(value, list):
                items = ",\n".join("  " + json.dumps(item, ensure_ascii=False) for item in value)
                lines.append(f' "{key}": [\n{items}\n ]{comma}' if value else f' "{key}": []{comma}')
            else:
                lines.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
        lines.append("}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _camel(record: dict[str, Any]) -> dict[str, Any]:
    return {_camel_key(k): v for k, v in record.items()}


def _camel_key(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)
