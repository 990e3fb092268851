"""What an import did: per file and sheet counts, and every rejected row and warning with where it was.

Each :class:`Issue` names the file, sheet, row number as Excel shows it, column header, the value (masked
when sensitive), a stable ``code`` and a message that says what to do. The JSON form is the ``--report``.

Memory stays flat however many rows are rejected: the report keeps counts by code and the first
:data:`KEPT_ISSUES` issues; every issue goes to a spool file on disk as it is found (when a ``--report`` is
asked for), and the JSON report is written from that file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Literal

# A note says how a sheet was read (once per sheet); it is neither a rejection nor a warning.
Severity = Literal["rejected", "warning", "note"]
RowStatus = Literal["created", "updated", "unchanged", "rejected"]
KEPT_ISSUES = 10_000  # issues kept in memory for the summary and callers; the spool file has them all


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
    by_values: list[str] = field(default_factory=list)  # headers read for what their values are

    def count(self, status: RowStatus) -> None:
        setattr(self, status, getattr(self, status) + 1)


@dataclass
class FileSummary:
    file: str
    error: str | None = None
    sheets: list[SheetSummary] = field(default_factory=list)
    warnings: int = 0  # about the file as a whole (empty, hidden sheets, named as another type)


@dataclass
class ImportReport:
    """Everything one ``gridgraph load`` run did, ready for the console summary and the JSON report.

    ``issues`` holds the first :data:`KEPT_ISSUES` issues; ``issue_total`` and :meth:`issue_counts` count them
    all. With a ``spool`` folder, every issue is also written there as a JSON line as it is added."""

    dry_run: bool
    started_at: str = field(default_factory=lambda: datetime.now().astimezone().isoformat(timespec="seconds"))
    files: list[FileSummary] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    seconds: float = 0.0
    kind_seconds: dict[str, float] = field(default_factory=dict)  # reading, checking and writing each kind
    issue_total: int = 0
    spool: Path | None = None  # a folder for the spool file; ``None``: issues beyond the first are only counted
    _codes: Counter[str] = field(default_factory=Counter, repr=False)
    _spool_file: IO[str] | None = field(default=None, repr=False)
    _spool_path: Path | None = field(default=None, repr=False)
    linked_persons: int = 0  # persons named by role merged into census persons

    def file(self, name: str) -> FileSummary:
        for summary in reversed(self.files):  # the file in hand is the last one, or near it
            if summary.file == name:
                return summary
        summary = FileSummary(name)
        self.files.append(summary)
        return summary

    def add(self, issue: Issue, sheet: SheetSummary | None = None) -> None:
        self.issue_total += 1
        self._codes[issue.code] += 1
        if len(self.issues) < KEPT_ISSUES:
            self.issues.append(issue)
        if sheet is not None and issue.severity == "warning":
            sheet.warnings += 1
        if self.spool is not None:
            if self._spool_file is None:
                self.spool.mkdir(parents=True, exist_ok=True)
                handle, name = tempfile.mkstemp(prefix=".gridgraph-issues-", suffix=".jsonl", dir=self.spool)
                self._spool_file = os.fdopen(handle, "w", encoding="utf-8")
                self._spool_path = Path(name)
            self._spool_file.write(json.dumps(vars(issue), ensure_ascii=False) + "\n")

    def warn(self, code: str, message: str, file: str) -> None:
        """A warning about a file as a whole."""
        self.file(file).warnings += 1
        self.add(Issue(code, "warning", message, file))

    @property
    def unreadable(self) -> list[FileSummary]:
        return [f for f in self.files if f.error is not None]

    def totals(self) -> dict[str, int]:
        keys = ("rows", "created", "updated", "unchanged", "rejected", "warnings")
        total = dict.fromkeys(keys, 0)
        for summary in self.files:
            total["warnings"] += summary.warnings
            for sheet in summary.sheets:
                for key in keys:
                    total[key] += getattr(sheet, key)
        return total

    def issue_counts(self) -> Counter[str]:
        return Counter(self._codes)

    def iter_issues(self) -> Iterator[dict[str, Any]]:
        """Every issue (from the spool file when there is one, else the kept ones), as JSON objects."""
        # ``rows`` only on an issue that stands for several rows (an unknown value, once per sheet).
        if self._spool_file is None or self._spool_path is None:
            yield from (_shown(asdict(issue)) for issue in self.issues)
            return
        self._spool_file.flush()
        with self._spool_path.open(encoding="utf-8") as lines:
            for line in lines:
                yield _shown(json.loads(line))

    def summary_json(self) -> dict[str, Any]:
        """The report without its issues: times, totals, files and sheets, and counts by code."""
        return {
            "startedAt": self.started_at,
            "dryRun": self.dry_run,
            "seconds": round(self.seconds, 3),
            "kindSeconds": {kind: round(seconds, 3) for kind, seconds in self.kind_seconds.items()},
            "totals": self.totals(),
            "linkedPersons": self.linked_persons,
            "files": [
                {"file": f.file, "error": f.error, "warnings": f.warnings,
                 "sheets": [{"sheet": s.sheet, "kind": s.kind, "headerRow": s.header_row, "rows": s.rows,
                             "created": s.created, "updated": s.updated, "unchanged": s.unchanged,
                             "rejected": s.rejected, "warnings": s.warnings, "evidence": s.evidence,
                             "columns": s.columns, "unmapped": s.unmapped, "byValues": s.by_values}
                            for s in f.sheets]}
                for f in self.files
            ],
            "issueCounts": dict(self._codes.most_common()),
            "issuesComplete": self._spool_file is not None or self.issue_total <= len(self.issues),
        }

    def write_json(self, path: Path) -> None:
        """Write the report as UTF-8 JSON (Chinese kept readable), issue by issue, then drop the spool file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        head = json.dumps(self.summary_json(), ensure_ascii=False, indent=1)
        with path.open("w", encoding="utf-8") as out:
            out.write(head[:-2] + ',\n "issues": [')
            for index, issue in enumerate(self.iter_issues()):
                out.write(("\n  " if index == 0 else ",\n  ") + json.dumps(issue, ensure_ascii=False))
            out.write("\n ]\n}\n")
        self.close()

    def close(self) -> None:
        """Remove the spool file."""
        if self._spool_file is not None:
            self._spool_file.close()
            self._spool_file = None
        if self._spool_path is not None:
            self._spool_path.unlink(missing_ok=True)
            self._spool_path = None


def _shown(issue: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in issue.items() if k != "rows" or v}
