"""What every sheet kind provides: turning rows into records, and applying a batch of records.

``records`` runs in the reading thread and may consult the run's :class:`~loaders.state.RunState`;
``apply`` runs inside one write transaction (or a read transaction for ``--dry-run``): it reads what is
stored for the batch, compares, and writes only rows that change something, so a second run writes nothing
and every batch is all-or-nothing. A batch may hold the records of several sheets of the same kind, so
``apply`` reports one status per record, in the records' order, and ties each problem to a record's index.
``apply`` must not touch anything outside the transaction, because the driver may run it again after a
transient error.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from neo4j import ManagedTransaction

from loaders.headers import SheetKind
from loaders.report import RowStatus, Severity
from loaders.state import GridInfo, RunState
from schema.text import ValueProblem, clean_text


@dataclass(frozen=True)
class Row:
    """A data row: its Excel row number and field → raw cell (only the fields the sheet has)."""

    number: int
    values: Mapping[str, object]

    def get(self, name: str) -> object:
        value = self.values.get(name)
        return None if value == "" else value


@dataclass(frozen=True)
class Problem:
    """An issue found by a kind; the importer adds the file and sheet."""

    code: str
    severity: Severity
    message: str
    row: int | None
    field: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class Skip:
    """A row that will not be written: rejected, or a duplicate counted as unchanged."""

    row: int
    status: RowStatus


@dataclass
class BatchResult:
    """What ``apply`` found: ``statuses[i]`` is the status of ``records[i]``; problems name their record's index."""

    statuses: list[tuple[int, RowStatus]] = field(default_factory=list)
    problems: list[tuple[int, Problem]] = field(default_factory=list)


Emit = Callable[[Problem], None]


class Rejected(ValueProblem):
    """A row that cannot be imported, with the field (and value) to point the clerk at."""

    def __init__(self, code: str, message: str, field: str, value: str | None = None) -> None:
        super().__init__(code, message)
        self.field = field
        self.value = value

# What a record touches when its kind does not say: the same for every record, so batches go one at a time.
IN_ORDER = frozenset({"*"})


class KindHandler(ABC):
    """One sheet kind's import logic."""

    kind: SheetKind

    def __init__(self, state: RunState, source: int, sheet_village: str | None = None) -> None:
        self.state = state
        self.source = source
        self.sheet_village = sheet_village  # the village grid the sheet's or file's name names, if any

    def village_of(self, row: Row) -> str | None:
        """The village grid of a row: its 所属村 column, else the sheet's or the file's name.

        Raises :class:`Rejected` (``village_unknown``) for a village column naming no known village."""
        cell = row.get("village")
        if clean_text(cell) is None:
            return self.sheet_village
        named = self.state.grids.village_named(cell)
        if named is None:
            known = sorted({self.state.grids.village_label(c) for c in self.state.grids.villages()})
            shown = "、".join(known[:12]) + (" …" if len(known) > 12 else "")
            raise Rejected("village_unknown", f"village {clean_text(cell)!r} is not a village of the grid roster "
                           f"(known: {shown or 'none'}); correct it or import the roster first.", "village",
                           clean_text(cell))
        return named

    def grid_of(self, row: Row, cell: object | None = None, village: str | None = None) -> GridInfo:
        """The grid a row names in 所属网格 (``cell`` when given), read within the row's village.

        Raises :class:`Rejected` naming the candidates when the grid is unknown or ambiguous."""
        if village is None:
            village = self.village_of(row)
        raw = row.get("grid") if cell is None else cell
        try:
            return self.state.grids.resolve(raw, village)
        except ValueProblem as problem:
            raise Rejected(problem.code, str(problem), "grid", clean_text(raw)) from None

    @abstractmethod
    def records(self, rows: Iterator[Row], emit: Emit) -> Iterator[Any]:
        """Validate and normalise rows; yield records to apply, or :class:`Skip` for rows not written."""

    @abstractmethod
    def apply(self, tx: ManagedTransaction, records: list[Any], write: bool) -> BatchResult:
        """Compare a batch with the graph and (when ``write``) write the rows that change something."""

    def touches(self, record: Any) -> Iterable[str]:
        """The graph keys ``record`` writes or relies on (e.g. ``household T001-01-7``).

        Batches that share no key are written concurrently; a batch that shares one waits until the earlier
        batch has committed, so the graph ends up as a one-at-a-time import leaves it. Keys whose writes give the
        same result in any order (a ``MERGE`` setting values derived from the key) need not be listed. The
        default keeps every batch of the kind in order.
        """
        return IN_ORDER

    def finish(self, emit: Emit) -> None:  # noqa: B027 - optional hook
        """Called after the sheet's last row (for checks over a whole sheet)."""


def native(value: Any) -> Any:
    """Neo4j temporal values as Python ones (lists and maps too), so stored and incoming values compare."""
    if isinstance(value, list):
        return [native(v) for v in value]
    if isinstance(value, dict):
        return {k: native(v) for k, v in value.items()}
    to_native = getattr(value, "to_native", None)
    return to_native() if callable(to_native) else value


def changed(stored: Mapping[str, Any] | None, wanted: Mapping[str, Any]) -> list[str]:
    """The keys of ``wanted`` whose stored value differs (``None`` and absent are the same)."""
    if stored is None:
        return list(wanted)
    return [k for k, v in wanted.items() if native(stored.get(k)) != v]
