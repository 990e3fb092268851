"""Guarded ad-hoc Cypher for analysts, used by ``gridgraph cypher`` and the API's ``POST /cypher``.

Read-only is enforced in layers, none trusting the others (the driver's READ access mode only routes):

1. limits: the time limit defaults to ``GRIDGRAPH_CYPHER_TIMEOUT`` and the row cap to
   ``GRIDGRAPH_CYPHER_MAX_ROWS``; a request may lower either, and asking for more is an error
   (:class:`CypherLimitError`), not silently clamped, so a caller never believes they got a limit they did not;
2. the statement check of :mod:`queries.statement` (at most ``GRIDGRAPH_CYPHER_MAX_LENGTH`` characters, one
   statement, reading clauses only, allowlisted procedures, no protected property or label reached);
3. the audit trail: the statement and its author are recorded before it runs (refused ones too);
4. ``EXPLAIN`` must report query type ``r`` and a plan that starts every node from a label
   (:func:`queries.statement.check_plan`);
5. it runs in a read transaction with the server-side time limit, fetching at most ``max_rows + 1`` rows so
   that ``truncated`` is exact;
6. every value is made JSON-safe with protected properties removed from nodes, relationships, paths and maps;
7. Neo4j's transaction memory limit stops a statement that would take too much memory (a string or list
   blown up, a cartesian product); that is reported as ``cypher.limit`` and is never retried.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from neo4j import ManagedTransaction
from neo4j.exceptions import ClientError, Neo4jError

from graph.audit import AuditEntry, record
from graph.database import Database
from graph.errors import QueryTimeout
from graph.settings import Settings
from queries.errors import CypherInvalid, CypherLimitError, CypherRefused, CypherTimeout, NotReadOnly
from queries.neo4j_values import to_jsonable
from queries.statement import Visibility, check_plan, check_statement

ACCESS_MODE_CODE = "Neo.ClientError.Statement.AccessMode"
EXPLAIN = "EXPLAIN "
_POSITION = re.compile(r"\(line (\d+), column (\d+) \(offset: (\d+)\)\)")
AUDIT_TARGET_CHARS = 2000
# Neo4j's codes for a transaction (or all of them together) over the configured memory limit.
MEMORY_LIMIT_CODES = frozenset({
    "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
    "Neo.TransientError.General.TransactionMemoryLimit",
    "Neo.TransientError.General.OutOfMemoryError",
})


@dataclass(frozen=True)
class Explained:
    """What ``EXPLAIN`` says of a statement: its query type and its plan (as the driver gives it)."""

    query_type: str
    plan: dict[str, Any] | None


@dataclass(frozen=True)
class AdhocResult:
    """The answer to an ad-hoc statement: JSON-safe rows in ``columns`` order."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool      # more rows existed than max_rows
    elapsed: float       # seconds the statement ran (after the checks)
    timeout_ms: int      # the time limit applied
    max_rows: int        # the row cap applied
    audit_id: str        # the audit entry recorded for it

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts keyed by column."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def effective_limits(settings: Settings, timeout_ms: int | None, max_rows: int | None) -> tuple[int, int]:
    """The time limit (ms) and row cap to apply: the settings' values, or lower ones the caller asks for."""
    ceiling_ms = int(settings.cypher_timeout * 1000)
    applied_ms = ceiling_ms if timeout_ms is None else _within("timeoutMs", timeout_ms, ceiling_ms,
                                                               "GRIDGRAPH_CYPHER_TIMEOUT", "ms")
    applied_rows = settings.cypher_max_rows if max_rows is None else _within(
        "maxRows", max_rows, settings.cypher_max_rows, "GRIDGRAPH_CYPHER_MAX_ROWS", "rows")
    return applied_ms, applied_rows


def _within(name: str, value: object, ceiling: int, setting: str, unit: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CypherLimitError(f"{name} must be a whole number of {unit}; got {value!r}", parameter=name)
    if value <= 0:
        raise CypherLimitError(f"{name} must be greater than 0; got {value}", parameter=name)
    if value > ceiling:
        raise CypherLimitError(
            f"{name}={value} is above the maximum of {ceiling} {unit}; ask for {ceiling} or less, or have an "
            f"administrator raise {setting}", parameter=name)
    return value


def run_adhoc(db: Database, settings: Settings, query: str, parameters: Mapping[str, Any] | None = None, *,
              actor: str, role: str, timeout_ms: int | None = None, max_rows: int | None = None,
              allow_tags: bool = False, allow_keys: bool = False, allow_audit: bool = False,
              reason: str = "") -> AdhocResult:
    """Check, audit and run one read-only Cypher statement for ``actor``; see the module for the layers.

    Raises :class:`~queries.errors.CypherRefused` (and subclasses) for statements that are not allowed,
    :class:`~queries.errors.CypherInvalid` for ones Neo4j cannot run, :class:`~queries.errors.CypherLimitError`
    for limits above the settings and statements over a length or memory limit,
    :class:`~queries.errors.CypherTimeout` when the time limit stops it. ``allow_keys`` lets person keys be
    read, ``allow_audit`` audit entries.
    """
    applied_ms, applied_rows = effective_limits(settings, timeout_ms, max_rows)
    params = _parameters(parameters)
    detail = json.dumps({"parameters": sorted(params), "timeoutMs": applied_ms, "maxRows": applied_rows,
                         "tags": allow_tags}, ensure_ascii=False)
    target = query[:AUDIT_TARGET_CHARS]
    try:
        statement = check_statement(query, allow_tags=allow_tags, allow_keys=allow_keys, allow_audit=allow_audit,
                                    max_length=settings.cypher_max_length)
    except (CypherRefused, CypherLimitError) as refused:
        record(db, AuditEntry(actor, role, "cypher.refused", target, reason,
                              json.dumps({"code": refused.code, "message": refused.message}, ensure_ascii=False)))
        raise
    audit_id = record(db, AuditEntry(actor, role, "cypher.adhoc", target, reason, detail))
    seconds = applied_ms / 1000
    explained = explain_plan(db, statement, params, seconds)
    if explained.query_type != "r":
        raise NotReadOnly(f"Neo4j plans this statement as query type {explained.query_type!r}, not a read ('r'); "
                          "ad-hoc Cypher is read-only")
    check_plan(explained.plan, allow_audit=allow_audit)
    visibility = Visibility(tags=allow_tags, keys=allow_keys, audit=allow_audit)
    hidden, hidden_labels = visibility.hidden_properties, visibility.hidden_labels

    def fetch(tx: ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
        try:
            result = tx.run(statement, params)
            columns = list(result.keys())
            rows: list[list[Any]] = []
            for found in result:
                rows.append([to_jsonable(value, hidden, hidden_labels) for value in found.values()])
                if len(rows) > applied_rows:  # one row more than allowed tells truncation apart from an exact fit
                    break
            return columns, rows
        except Neo4jError as exc:
            if exc.code in MEMORY_LIMIT_CODES:  # transient to the driver, but the same statement fails again
                raise _memory_limit(settings) from None
            raise

    began = time.perf_counter()
    try:
        columns, rows = db.execute_read(fetch, timeout=seconds)
    except QueryTimeout:
        raise CypherTimeout(
            f"the statement ran past its time limit of {applied_ms} ms and was stopped; narrow it (a LIMIT, a "
            "label, an indexed property), or have an administrator raise GRIDGRAPH_CYPHER_TIMEOUT"
        ) from None
    except ClientError as exc:
        raise _translated(exc) from None
    elapsed = time.perf_counter() - began
    return AdhocResult(columns, rows[:applied_rows], len(rows) > applied_rows, elapsed, applied_ms, applied_rows,
                       audit_id)


def _parameters(parameters: Mapping[str, Any] | None) -> dict[str, Any]:
    if parameters is None:
        return {}
    if not isinstance(parameters, Mapping) or not all(isinstance(key, str) for key in parameters):
        raise CypherInvalid("parameters must be an object of names to values", parameter="parameters")
    return dict(parameters)


def _memory_limit(settings: Settings) -> CypherLimitError:
    limit = ("GRIDGRAPH_NEO4J_TX_MEMORY (db.memory.transaction.max)" if settings.local
             else "db.memory.transaction.max on the Neo4j server")
    return CypherLimitError(
        f"the statement needed more memory than a transaction may take and was stopped ({limit}); build smaller "
        "strings and lists, add LIMIT or aggregate earlier, avoid cartesian products (MATCH (a), (b))")


def explain_plan(db: Database, statement: str, params: dict[str, Any], seconds: float) -> Explained:
    """The query type (`r`, `rw`, `w` or `s`) and plan Neo4j gives ``statement``, in a read transaction."""
    def plan(tx: ManagedTransaction) -> Explained:
        summary = tx.run(EXPLAIN + statement, params).consume()
        return Explained(str(summary.query_type), dict(summary.plan) if summary.plan else None)

    try:
        return db.execute_read(plan, timeout=seconds)
    except QueryTimeout:
        raise CypherTimeout("planning the statement took longer than its time limit; simplify it") from None
    except ClientError as exc:
        raise _translated(exc, len(EXPLAIN)) from None


def _unshifted(message: str, shift: int) -> str:
    """Neo4j's message about ``EXPLAIN <statement>`` with positions that count in the statement alone."""
    first = message.splitlines()[0]  # later lines echo the prefixed text with a caret, which would mislead

    def back(match: re.Match[str]) -> str:
        line, column, offset = (int(match[i]) for i in (1, 2, 3))
        column = column - shift if line == 1 else column
        return f"(line {line}, column {column} (offset: {offset - shift}))"

    return _POSITION.sub(back, first)


def _translated(exc: Neo4jError, shift: int = 0) -> CypherRefused | CypherInvalid:
    message = (exc.message or str(exc)).strip()
    if shift:
        message = _unshifted(message, shift)
    if exc.code == ACCESS_MODE_CODE:
        return NotReadOnly(f"Neo4j refused a write in the read transaction: {message}")
    return CypherInvalid(f"Neo4j could not run the statement ({exc.code}): {message}")
