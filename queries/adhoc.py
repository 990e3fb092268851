"""Guarded ad-hoc Cypher for analysts, used by ``gridgraph cypher`` and the API's ``POST /cypher``.

Read-only is enforced in layers, none trusting the others (the driver's READ access mode only routes):

1. limits: the time limit defaults to ``GRIDGRAPH_CYPHER_TIMEOUT`` and the row cap to
   ``GRIDGRAPH_CYPHER_MAX_ROWS``; a request may lower either, and asking for more is an error
   (:class:`CypherLimitError`), not silently clamped, so a caller never believes they got a limit they did not;
2. the statement check of :mod:`queries.statement` (one statement, reading clauses only, allowlisted
   procedures, no protected property named);
3. the audit trail: the statement and its author are recorded before it runs (refused ones too);
4. ``EXPLAIN`` must report query type ``r``;
5. it runs in a read transaction with the server-side time limit, fetching at most ``max_rows + 1`` rows so
   that ``truncated`` is exact;
6. every value is made JSON-safe with protected properties removed from nodes, relationships, paths and maps.
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
from queries.statement import PROTECTED_PROPERTIES, TAGS_PROPERTY, check_statement
from queries.values import to_jsonable

ACCESS_MODE_CODE = "Neo.ClientError.Statement.AccessMode"
EXPLAIN = "EXPLAIN "
_POSITION = re.compile(r"\(line (\d+), column (\d+) \(offset: (\d+)\)\)")
AUDIT_TARGET_CHARS = 2000


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
              allow_tags: bool = False, reason: str = "") -> AdhocResult:
    """Check, audit and run one read-only Cypher statement for ``actor``; see the module for the layers.

    Raises :class:`~queries.errors.CypherRefused` (and subclasses) for statements that are not allowed,
    :class:`~queries.errors.CypherInvalid` for ones Neo4j cannot run, :class:`~queries.errors.CypherLimitError`
    for limits above the settings, :class:`~queries.errors.CypherTimeout` when the time limit stops it.
    """
    applied_ms, applied_rows = effective_limits(settings, timeout_ms, max_rows)
    params = _parameters(parameters)
    detail = json.dumps({"parameters": sorted(params), "timeoutMs": applied_ms, "maxRows": applied_rows,
                         "tags": allow_tags}, ensure_ascii=False)
    target = query[:AUDIT_TARGET_CHARS]
    try:
        statement = check_statement(query, allow_tags=allow_tags)
    except CypherRefused as refused:
        record(db, AuditEntry(actor, role, "cypher.refused", target, reason,
                              json.dumps({"code": refused.code, "message": refused.message}, ensure_ascii=False)))
        raise
    audit_id = record(db, AuditEntry(actor, role, "cypher.adhoc", target, reason, detail))
    seconds = applied_ms / 1000
    query_type = explain_query_type(db, statement, params, seconds)
    if query_type != "r":
        raise NotReadOnly(f"Neo4j plans this statement as query type {query_type!r}, not a read ('r'); "
                          "ad-hoc Cypher is read-only")
    hidden = PROTECTED_PROPERTIES | (frozenset() if allow_tags else frozenset({TAGS_PROPERTY}))

    def fetch(tx: ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
        result = tx.run(statement, params)
        columns = list(result.keys())
        rows: list[list[Any]] = []
        for found in result:
            rows.append([to_jsonable(value, hidden) for value in found.values()])
            if len(rows) > applied_rows:  # one row more than allowed tells truncation apart from an exact fit
                break
        return columns, rows

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


def explain_query_type(db: Database, statement: str, params: dict[str, Any], seconds: float) -> str:
    """The query type Neo4j plans for ``statement`` (`r`, `rw`, `w` or `s`), in a read transaction."""
    def plan(tx: ManagedTransaction) -> str:
        return str(tx.run(EXPLAIN + statement, params).consume().query_type)

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
