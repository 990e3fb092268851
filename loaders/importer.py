"""The import run: find the sheets, recognise their kinds, and import them in dependency order.

Sheets are ordered by kind (grid roster, party organisations, census, units, contacts, then the ledgers),
so loading contacts before the census in one command is resolved; across separate commands, a reference
to something not yet loaded rejects the row with a message saying what to load first. Rows stream in
batches that span the sheets and files of one kind (each record remembers its sheet, for the counts and the
report). The reading thread validates the next batch while writer threads apply earlier ones, each in its own
transaction, so each batch is all-or-nothing and an interrupted run simply resumes when run again. Batches of a
kind are written concurrently unless they touch the same keys (:meth:`KindHandler.touches`): a batch that
shares a key with one still being written waits for it to commit, so the graph is the one a one-at-a-time
import leaves. A kind's last batch is written before the next kind is read, since later kinds look up what
earlier ones wrote.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

from neo4j.exceptions import ConstraintError, DriverError, Neo4jError

from graph.database import Database
from graph.pii_key import sensitive_data
from graph.settings import Settings
from loaders.headers import KINDS, HeaderMatch, closest_kind, find_header, normalise_header, visible_headers
from loaders.kinds import handler_for
from loaders.kinds.base import IN_ORDER, BatchResult, KindHandler, Problem, Row, Skip
from loaders.linking import link_named_persons
from loaders.mapping import ClerkMapping
from loaders.readers import FileHeads, ReadError, ReadLimits, SheetReader, SheetRef, discover, sheet_heads
from loaders.report import FileSummary, ImportReport, Issue, SheetSummary
from loaders.state import RunState
from loaders.xlsx import ExcelError, column_name
from schema.calendar import working_calendar
from schema.text import clean_text, to_halfwidth

DEFAULT_BATCH_SIZE = 5000
# Measured on a 2-core machine (county census, warm server): 1 writer 46.6 s, 2 about 32.5 s, 3 about 30.6 s,
# 4 34.9 s. With three, one batch is being sent or answered while two keep the server busy.
DEFAULT_WRITERS = 3
CONSTRAINT_RETRIES = 3
# What each Excel error value means and what to do about it, for the clerk who sees it reported.
EXCEL_ERROR_HELP = {
    "#REF!": "a formula refers to cells that were deleted",
    "#N/A": "a lookup (such as VLOOKUP) found no match",
    "#DIV/0!": "a formula divides by zero or by an empty cell",
    "#VALUE!": "a formula was given text where it needs a number",
    "#NAME?": "a formula uses a function or name Excel does not know",
    "#NUM!": "a formula gave an impossible number",
    "#NULL!": "a formula names two ranges that do not meet",
}
_FOOTER = re.compile(r"^(填表人|填报人|填表日期|填报日期|制表人|制表日期|制表|审核人|审核|负责人|统计人|"
                     r"填表单位|合计|总计|说明|注[:：]|备注[:：])")

ProgressHook = Callable[[str, int, int], None]
# What a clerk can do about persons named by role that stay name-only, by role ('' for the rest).
UNLINKED_ADVICE = {
    "caller": "Callers from outside the town stay so, as expected; a 来电号码 that is a resident's phone links them.",
    "": "Add their ID numbers (e.g. a 网格长身份证号 or 调解人身份证号 column) to link them.",
}


@dataclass(frozen=True)
class PlannedSheet:
    ref: SheetRef
    header: HeaderMatch


def _label(ref: SheetRef) -> str:
    return str(ref.path)


class Importer:
    """Runs one import of files and folders into the graph (or, with ``dry_run``, only checks them)."""

    def __init__(self, db: Database, settings: Settings, *, dry_run: bool = False,
                 batch_size: int = DEFAULT_BATCH_SIZE, writers: int = DEFAULT_WRITERS,
                 progress: ProgressHook | None = None, spool: Path | None = None,
                 mapping: ClerkMapping | None = None) -> None:
        """``spool``: a folder where every issue is written as it is found (for a full ``--report``)."""
        self.db = db
        self.mapping = mapping or ClerkMapping()
        self.dry_run = dry_run
        self.batch_size = batch_size
        self.writers = writers
        self.progress = progress
        self.sensitive = sensitive_data(settings)
        self.calendar = working_calendar(settings.holidays_dir)
        self.report = ImportReport(dry_run=dry_run, spool=spool)
        self.limits = ReadLimits.from_settings(settings)
        self._writing: dict[str, Future[BatchResult]] = {}  # key → the last batch submitted that touches it

    def run(self, paths: list[Path]) -> ImportReport:
        """Import every readable sheet of ``paths``; unreadable inputs are recorded in the report."""
        try:
            return self._run(paths)
        except BaseException:
            self.report.close()  # the spool file of a run that did not finish
            raise

    def _run(self, paths: list[Path]) -> ImportReport:
        started = time.perf_counter()
        plan = self._plan(paths)
        state = RunState.load(self.db, self.sensitive, self.calendar)
        with ThreadPoolExecutor(max_workers=self.writers, thread_name_prefix="gridgraph-writer") as writer:
            pending: deque[_Pending] = deque()
            for kind, items in groupby(plan, key=lambda p: p.header.kind.name):
                kind_started = time.perf_counter()
                batch = _Batch()
                for item in items:
                    self._import_sheet(item, state, batch, writer, pending)
                self._submit(batch, writer, pending)  # a kind's last rows, before the next kind reads the graph
                while pending:
                    self._collect(pending.popleft())
                self.report.kind_seconds[kind] = time.perf_counter() - kind_started
        if not self.dry_run:
            self._link(state)
        self.report.seconds = time.perf_counter() - started
        return self.report

    def _link(self, state: RunState) -> None:
        """Persons named by role merged into census persons; the roles that stay name-only are reported."""
        linked, unlinked = link_named_persons(self.db, state, write=True)
        self.report.linked_persons = linked
        for group in unlinked:
            file, sheet = state.sources[group.source]
            more = f" and {len(group.names) - 10} more" if len(group.names) > 10 else ""
            shown = "、".join(group.names[:10]) + more
            self.report.add(Issue(
                "role_not_linked", "note",
                f"{len(group.names)} {group.role}(s) named without an ID number match no single census person of "
                f"their village by phone or name, and are kept by name: {shown}. "
                f"{UNLINKED_ADVICE.get(group.role, UNLINKED_ADVICE[''])}", file, sheet, group.row or None))

    # --- planning ---------------------------------------------------------------------------------------

    def _plan(self, paths: list[Path]) -> list[PlannedSheet]:
        planned: list[PlannedSheet] = []
        for found in discover(paths):
            if isinstance(found, ReadError):
                name = str(found).split(": ", 1)[0]
                self.report.file(name).error = str(found)
                continue
            summary = self.report.file(str(found))
            try:
                heads = sheet_heads(found, self.limits)
            except ReadError as error:
                summary.error = str(error)
                continue
            except Exception as error:  # whatever a hostile file does to a reader, the other files go on
                summary.error = f"{found}: cannot be read ({type(error).__name__}: {error})."
                continue
            self._file_warnings(found, heads, summary)
            for ref, head in heads.sheets:
                item = self._recognise(ref, head, summary.sheets)
                if item is not None:
                    planned.append(item)
        order = {kind.name: index for index, kind in enumerate(KINDS)}
        planned.sort(key=lambda p: order[p.header.kind.name])
        return planned

    def _file_warnings(self, path: Path, heads: FileHeads, summary: FileSummary) -> None:
        """What a clerk should know about a file as a whole: sheets over a cap, hidden sheets, nothing to read."""
        name = str(path)
        for code, message in heads.warnings:
            self.report.warn(code, message, name)
        for sheet, message in heads.over:
            _add_error(summary, f"{path} [{sheet}]: {message}")
        has_data = any(str(c).strip() for _, head in heads.sheets for row in head for c in row)
        hidden = ", ".join(repr(h) for h in heads.hidden)
        if not has_data and not heads.over:
            if heads.hidden:
                self.report.warn("sheets_hidden", f"nothing was imported: the visible sheets are empty and the "
                                 f"sheet(s) {hidden} are hidden, so they were not read. Unhide them in Excel or WPS "
                                 "(right-click a sheet tab, Unhide) and import again.", name)
            else:
                self.report.warn("file_empty", "nothing was imported: the file is empty (no sheet holds a value). "
                                 "Check that the right file was saved.", name)
        elif heads.hidden:
            self.report.warn("sheets_hidden", f"the hidden sheet(s) {hidden} were not read; unhide them in Excel "
                             "or WPS if they hold data to import.", name)

    def _recognise(self, ref: SheetRef, head: list[list[object]], sheets: list[SheetSummary]) -> PlannedSheet | None:
        if not any(str(c).strip() for row in head for c in row):
            return None  # an empty sheet (Sheet2, Sheet3 …) is not worth a line
        rule = self.mapping.rule_for(ref.path, ref.sheet)
        kinds = (rule.kind,) if rule is not None and rule.kind is not None else KINDS
        header = find_header(head, kinds, self.mapping.overrides(rule), title=f"{ref.sheet or ''} {ref.path.stem}")
        if header is None:
            seen = visible_headers(head)
            sheets.append(SheetSummary(_label(ref), ref.sheet, None))
            closest = closest_kind(head)
            near = (f" It came closest to a {closest.kind.label} sheet, which lacks "
                    f"{'、'.join(closest.missing) or 'enough of its headers'}." if closest else "")
            self.report.add(Issue(
                "sheet_unrecognised", "rejected",
                f"the sheet matches no known kind ({', '.join(k.label for k in KINDS)}), so it was not imported."
                f"{near} Headers found: {', '.join(seen) or 'none'}. Rename the headers to the ones the README "
                "lists, or map them in a mapping file (--mapping).", _label(ref), ref.sheet))
            return None
        # Without a grid column, the village may come from the sheet's or the file's name: checked when read.
        missing = [f for f in header.kind.missing(set(header.columns)) if f != "grid"]
        if missing:
            summary = SheetSummary(_label(ref), ref.sheet, header.kind.name, header.row_index + 1)
            sheets.append(summary)
            names = ", ".join(header.kind.column(f).header for f in missing)
            self.report.add(Issue(
                "columns_missing", "rejected",
                f"a {header.kind.label} sheet needs the column(s) {names}; add them and import again.",
                _label(ref), ref.sheet, header.row_index + 1))
            return None
        return PlannedSheet(ref, header)

    # --- importing --------------------------------------------------------------------------------------

    def _import_sheet(self, item: PlannedSheet, state: RunState, batch: _Batch, writer: ThreadPoolExecutor,
                      pending: deque[_Pending]) -> None:
        ref, header = item.ref, item.header
        file_summary = self.report.file(str(ref.path))
        summary = SheetSummary(_label(ref), ref.sheet, header.kind.name, header.row_index + 1,
                               evidence=round(header.evidence, 2),
                               columns={header.headers[i]: f for f, i in header.columns.items()}
                               | {header.headers[i]: f for f, more in header.extra.items() for i in more},
                               unmapped=list(header.ignored),
                               by_values=[header.headers[header.columns[f]] for f in header.by_values])
        file_summary.sheets.append(summary)
        if header.by_values:
            read_as = ", ".join(f"{header.headers[header.columns[f]]} as {f}" for f in header.by_values)
            self.report.add(Issue("columns_by_values", "note",
                                  f"no header word names column(s) {read_as}; they were read so because of their "
                                  "values. If that is wrong, map the header in a --mapping file.",
                                  _label(ref), ref.sheet, header.row_index + 1), summary)
        if header.ignored:
            self.report.add(Issue("columns_ignored", "warning",
                                  f"column(s) not used by a {header.kind.label} sheet: {', '.join(header.ignored)}.",
                                  _label(ref), ref.sheet, header.row_index + 1), summary)
        unknown: dict[tuple[str, str], list[Problem]] = {}
        origin = _Origin(summary, self._emitter(ref, header, summary, unknown))
        village = state.grids.village_in(ref.sheet) or state.grids.village_in(ref.path.stem)
        if "grid" in header.kind.missing(set(header.columns)) and village is None:
            self.report.add(Issue(
                "columns_missing", "rejected",
                f"a {header.kind.label} sheet needs a 所属网格 or 所属村 column, or a sheet or file name that names "
                "the village (e.g. 东村人口信息); add one and import again.", _label(ref), ref.sheet,
                header.row_index + 1))
            return
        handler: KindHandler = handler_for(header.kind.name, state, state.source_index(_label(ref), ref.sheet),
                                           village)
        try:
            with SheetReader(ref, self.limits) as reader:
                for record in handler.records(self._data_rows(reader, header, summary), origin.emit):
                    if isinstance(record, Skip):
                        summary.count(record.status)
                        continue
                    keys = frozenset(handler.touches(record))
                    if self._full(batch, keys):
                        self._submit(batch, writer, pending)
                        self._report_progress(ref, reader)
                    batch.add(handler, record, origin, keys)
                handler.finish(origin.emit)
                self._report_progress(ref, reader)
        except ReadError as error:
            before = f" The data rows before it ({summary.rows:,}) were imported." if summary.rows else ""
            _add_error(file_summary, str(error) + before)
        except (DriverError, Neo4jError):
            raise  # the database, not the file: the whole import stops
        except Exception as error:  # whatever a hostile file does to the reader, the other files go on
            _add_error(file_summary, f"{ref.path}" + (f" [{ref.sheet}]" if ref.sheet else "")
                       + f": reading stopped ({type(error).__name__}: {error}); the rows before were imported.")
        self._report_unknown(ref, header, summary, unknown)

    def _report_progress(self, ref: SheetRef, reader: SheetReader) -> None:
        if self.progress is not None:
            done, total = reader.progress()
            self.progress(f"{ref.path.name} {ref.sheet or ''}".strip(), done, total)

    def _full(self, batch: _Batch, keys: frozenset[str]) -> bool:
        """Whether to write the batch before adding a record that touches ``keys``.

        A full batch is cut where the next record touches nothing the last one did (between two households,
        not inside one), so that the next batch need not wait for this one; up to twice the size at most."""
        size = len(batch.records)
        if size < self.batch_size:
            return False
        return keys == IN_ORDER or keys.isdisjoint(batch.last_keys) or size >= 2 * self.batch_size

    def _submit(self, batch: _Batch, writer: ThreadPoolExecutor, pending: deque[_Pending]) -> None:
        """Hand the batch to the writer; wait while an earlier batch is still being written (bounded memory)."""
        if batch.handler is None or not batch.records:
            return
        handler = batch.handler
        records, origins, keys = batch.take()
        after = [future for future in {self._writing.get(key) for key in keys} if future is not None]
        future = writer.submit(self._apply, handler, records, after)
        for key in keys:
            self._writing[key] = future
        pending.append(_Pending(future, origins, keys))
        while len(pending) > self.writers:
            self._collect(pending.popleft())

    def _apply(self, handler: KindHandler, batch: list[Any], after: list[Future[BatchResult]]) -> BatchResult:
        # Earlier batches were submitted first, so they are already being written: waiting cannot deadlock.
        for earlier in after:
            earlier.result()
        if self.dry_run:
            return self.db.execute_read(lambda tx: handler.apply(tx, batch, False))
        for _ in range(CONSTRAINT_RETRIES):
            try:
                return self.db.execute_write(lambda tx: handler.apply(tx, batch, True))
            except ConstraintError:
                # Another import created one of the batch's new keys after the batch read them as absent;
                # read again, and the rows it created take the update path.
                continue
        return self.db.execute_write(lambda tx: handler.apply(tx, batch, True))

    def _collect(self, entry: _Pending) -> None:
        result = entry.future.result()
        for key in entry.keys:
            if self._writing.get(key) is entry.future:
                del self._writing[key]
        for origin, (row, status) in zip(entry.origins, result.statuses, strict=True):
            if row:  # row 0: a record the sheet implies (a roster's village grid), not one of its rows
                origin.summary.count(status)
        for index, problem in result.problems:
            entry.origins[index].emit(problem)

    def _emitter(self, ref: SheetRef, header: HeaderMatch, summary: SheetSummary,
                 unknown: dict[tuple[str, str], list[Problem]]) -> Callable[[Problem], None]:
        columns = {field: header.headers[index] for field, index in header.columns.items()}

        def emit(problem: Problem) -> None:
            if problem.code.endswith("_unknown") and problem.severity == "warning" and problem.value is not None:
                unknown.setdefault((problem.code, problem.value), []).append(problem)  # once per value
                return
            column = columns.get(problem.field) if problem.field else None
            self.report.add(Issue(problem.code, problem.severity, problem.message, _label(ref), ref.sheet,
                                  problem.row, column, problem.value), summary)

        return emit

    def _report_unknown(self, ref: SheetRef, header: HeaderMatch, summary: SheetSummary,
                        unknown: dict[tuple[str, str], list[Problem]]) -> None:
        """A value outside the vocabulary, once per distinct value of the sheet, with its rows."""
        columns = {field: header.headers[index] for field, index in header.columns.items()}
        for (code, value), problems in unknown.items():
            first = problems[0]
            rows = tuple(p.row for p in problems if p.row is not None)
            where = f" ({len(rows)} rows: {', '.join(map(str, rows[:10]))}{' …' if len(rows) > 10 else ''})"
            hint = " Map it to a term in a mapping file (--mapping) if it means one."
            self.report.add(Issue(code, "warning", first.message + where + hint, _label(ref), ref.sheet, first.row,
                                  columns.get(first.field) if first.field else None, value, rows), summary)
        unknown.clear()

    def _data_rows(self, reader: SheetReader, header: HeaderMatch, summary: SheetSummary) -> Iterator[Row]:
        columns = header.columns
        extra = header.extra
        mapped_values = [name for name in self.mapping.values if name in columns]
        # A repeated header has its first header's first character in that column: a cheap test before the
        # full comparison (normalising every cell of every row costs more than validating the row).
        probe = min(columns.values())
        mark = header.headers[probe][:1]
        width = len(header.headers)
        for number, cells in reader.rows():
            if number <= header.row_index + 1:
                continue
            texts = [c for c in cells if c not in ("", None)]
            if not texts:
                continue
            if len(texts) <= 3 and _FOOTER.match(str(texts[0]).strip().replace(" ", "").replace("\u3000", "")):
                continue
            probed = cells[probe] if probe < len(cells) else None
            if (isinstance(probed, str) and mark in to_halfwidth(probed)
                    and tuple(normalise_header(c) for c in cells[:width]) == header.headers):
                continue  # the header repeated (sheets pasted together)
            summary.rows += 1
            values = {f: cells[i] for f, i in columns.items() if i < len(cells)}
            if any(isinstance(v, ExcelError) for v in values.values()):
                self._excel_errors(reader.ref, number, values, header, summary)
            for name in mapped_values:  # the mapping file's words for vocabulary terms
                if name in values:
                    values[name] = self.mapping.value(name, values[name])
            for name, more in extra.items():  # a field over several columns (联系户1, 联系户2 …): joined
                parts = [clean_text(values.get(name)), *(clean_text(cells[i]) for i in more if i < len(cells))]
                values[name] = "、".join(p for p in parts if p)
            yield Row(number, values)

    def _excel_errors(self, ref: SheetRef, number: int, values: dict[str, object], header: HeaderMatch,
                      summary: SheetSummary) -> None:
        """Report each Excel error value (``#REF!`` …) of a row, and read the cell as empty."""
        for field_name, value in values.items():
            if not isinstance(value, ExcelError):
                continue
            index = header.columns[field_name]
            cell = f"{column_name(index)}{number}" if ref.sheet is not None else f"column {index + 1}"
            meaning = EXCEL_ERROR_HELP.get(str(value), "a formula failed")
            self.report.add(Issue(
                "excel_error", "warning",
                f"cell {cell} holds the Excel error {value} ({meaning}), so it was read as empty. Fix the formula "
                "or type the value in Excel or WPS, then import again.",
                _label(ref), ref.sheet, number, header.headers[index], str(value)), summary)
            values[field_name] = ""


def _add_error(summary: FileSummary, message: str) -> None:
    summary.error = message if summary.error is None else f"{summary.error}\n{message}"


@dataclass(frozen=True)
class _Origin:
    """The sheet a record came from: where its status is counted and its problems reported."""

    summary: SheetSummary
    emit: Callable[[Problem], None]


@dataclass
class _Pending:
    future: Future[BatchResult]
    origins: list[_Origin]
    keys: set[str]


@dataclass
class _Batch:
    """Records of one kind, from one or several sheets, waiting to be written in one transaction."""

    handler: KindHandler | None = None
    records: list[Any] = field(default_factory=list)
    origins: list[_Origin] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # what the records touch
    last_keys: frozenset[str] = frozenset()  # what the last record touches

    def add(self, handler: KindHandler, record: Any, origin: _Origin, keys: frozenset[str]) -> None:
        self.handler = handler  # ``apply`` does not depend on the sheet: any handler of the kind will do
        self.records.append(record)
        self.origins.append(origin)
        self.keys |= keys
        self.last_keys = keys

    def take(self) -> tuple[list[Any], list[_Origin], set[str]]:
        taken = self.records, self.origins, self.keys
        self.records, self.origins, self.keys, self.last_keys = [], [], set(), frozenset()
        return taken
