"""What an import did: per file and sheet counts, and every rejected row and warning with where it was.

Each :class:`Issue` names the file, sheet, row number as Excel shows it, column header, the value (masked
when sensitive), a stable ``code`` and a message that says what to do. The JSON form is the ``--report``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

# A note says how a sheet was read (once per sheet); it is neither a rejection nor a warning.
Severity = Literal["rejected", "warning", "note"]
RowStatus = Literal["created", "updated", "unchanged", "rejected"]


@dataclass(frozen=True)
class Issue:
    """One rejected row (or part of one) or warning."""

    code: str
    severity: Severity
    message: str
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    rows: tuple[int, ...] = ()  # every row of an issue reported once for several (an unknown value, per sheet)


@dataclass
class SheetSummary:
    """Counts for one sheet (or one CSV file)."""

    file: str
    sheet: str | None
    kind: str | None
    header_row: int | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: int = 0
    evidence: float | None = None  # the weight of the headers that chose the kind
    columns: dict[str, str] = field(default_factory=dict)  # header → field
    unmapped: list[str] = field(default_factory=list)  # headers no field of the kind reads

    def count(self, status: RowStatus) -> None:
        setattr(self, status, getattr(self, status) + 1)


@dataclass
class FileSummary:
    file: str
    error: str | None = None
    sheets: list[SheetSummary] = field(default_factory=list)


@dataclass
class ImportReport:
    """Everything one ``gridgraph load`` run did, ready for the console summary and the JSON report."""

    dry_run: bool
    started_at: str = field(default_factory=lambda: datetime.now().astimezone().isoformat(timespec="seconds"))
    files: list[FileSummary] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    seconds: float = 0.0
    kind_seconds: dict[str, float] = field(default_factory=dict)  # reading, checking and writing each kind
    linked_persons: int = 0  # persons named by role merged into census persons

    def file(self, name: str) -> FileSummary:
        for summary in self.files:
            if summary.file == name:
                return summary
        summary = FileSummary(name)
        self.files.append(summary)
        return summary

    def add(self, issue: Issue, sheet: SheetSummary | None = None) -> None:
        self.issues.append(issue)
        if sheet is not None and issue.severity == "warning":
            sheet.warnings += 1

    @property
    def unreadable(self) -> list[FileSummary]:
        return [f for f in self.files if f.error is not None]

    def totals(self) -> dict[str, int]:
        keys = ("rows", "created", "updated", "unchanged", "rejected", "warnings")
        total = dict.fromkeys(keys, 0)
        for summary in self.files:
            for sheet in summary.sheets:
                for key in keys:
                    total[key] += getattr(sheet, key)
        return total

    def issue_counts(self) -> Counter[str]:
        return Counter(issue.code for issue in self.issues)

    def to_json(self) -> dict[str, Any]:
        return {
            "startedAt": self.started_at,
            "dryRun": self.dry_run,
            "seconds": round(self.seconds, 3),
            "kindSeconds": {kind: round(seconds, 3) for kind, seconds in self.kind_seconds.items()},
            "totals": self.totals(),
            "linkedPersons": self.linked_persons,
            "files": [
                {"file": f.file, "error": f.error,
                 "sheets": [{"sheet": s.sheet, "kind": s.kind, "headerRow": s.header_row, "rows": s.rows,
                             "created": s.created, "updated": s.updated, "unchanged": s.unchanged,
                             "rejected": s.rejected, "warnings": s.warnings, "evidence": s.evidence,
                             "columns": s.columns, "unmapped": s.unmapped} for s in f.sheets]}
                for f in self.files
            ],
            # ``rows`` only on an issue that stands for several rows (an unknown value, once per sheet).
            "issues": [{k: v for k, v in asdict(issue).items() if k != "rows" or v} for issue in self.issues],
        }

    def write_json(self, path: Path) -> None:
        """Write the report as UTF-8 JSON (Chinese kept readable)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
