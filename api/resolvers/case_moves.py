"""Moves offices make besides the main loop: return to the dispatcher, follow-up visits, and extensions.

Each goes through :func:`api.resolvers.cases.apply_move`, so it is checked against ``schema.case_flow``, runs in
one write transaction with the case locked, and appends a ``CaseEvent``. An extension is asked by a handler
(``requestExtension``: a later deadline and a reason) and decided by the level above the one who asked — a caller
whose scope holds the asker's and more (a town-wide caller above every grid) — and never by the asker. A
town-wide asker is decided by another town-wide caller (the county is outside gridgraph).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from strawberry.types import Info

from api.compile.compiler import Compiler
from api.context import CountingTransaction
from api.errors import BadInput, Forbidden
from api.resolvers.cases import apply_move
from api.resolvers.common import context
from schema.calendar import working_calendar
from schema.case_flow import CaseAction
from schema.deadlines import CHINA_TIME, LATEST_YEAR, deadline_after, default_limit, end_of_day
from schema.graphql.nodes import Case
from schema.vocabulary import CaseKind


def return_case(info: Info, code: str, reason: str) -> Case:
    """A handler gives back a wrongly dispatched case (退回): it is accepted again, its assignments closed."""
    _need(reason, "reason", "a return needs a reason")

    def close_assignments(tx: CountingTransaction, _: Compiler) -> None:
        tx.run("MATCH (c:Case {code: $code})-[a:ASSIGNED_TO]->() WHERE a.until IS NULL SET a.until = datetime()",
               {"code": code})

    return apply_move(info, code, CaseAction.RETURN, reason, close_assignments)


def follow_up_case(info: Info, code: str, note: str | None = None) -> Case:
    """The follow-up visit (回访) to a resolved case, before it is verified."""
    return apply_move(info, code, CaseAction.FOLLOW_UP, note)


def request_extension(info: Info, code: str, until: datetime, reason: str) -> Case:
    """Ask for a later deadline (延期申请); at most the kind's default time limit past the current deadline."""
    _need(reason, "reason", "an extension request needs a reason")
    if until.tzinfo is None:
        raise BadInput("until needs a time zone offset (e.g. 2026-12-20T18:00:00+08:00)")
    if until.year >= LATEST_YEAR:
        raise BadInput(f"until: {until.date()} is beyond {LATEST_YEAR}")
    caller = context(info).caller
    requested_by, requested_in = caller.name, caller.scope_path or "/"
    calendar = working_calendar(context(info).settings.holidays_dir)

    def ask(tx: CountingTransaction, _: Compiler) -> None:
        case = tx.run("MATCH (c:Case {code: $code}) RETURN c.kind AS kind, c.deadline AS deadline",
                      {"code": code})[0]
        current = case["deadline"].to_native() if case["deadline"] is not None else None
        if current is None:
            raise BadInput(f"case {code} has no deadline to extend")
        latest = deadline_after(default_limit(CaseKind(case["kind"])), current, calendar)
        wanted = end_of_day(until.astimezone(CHINA_TIME).date())
        if wanted <= current:
            raise BadInput(f"until must be after the current deadline ({current.isoformat()})")
        if wanted > latest:
            raise BadInput(f"until may be at most one {case['kind']} time limit past the current deadline: "
                           f"{latest.date().isoformat()} at the latest")
        tx.run("MATCH (c:Case {code: $code}) SET c.extensionRequested = true, c.extensionUntil = $until, "
               "c.extensionReason = $reason, c.extensionRequestedBy = $by, c.extensionRequestedIn = $in",
               {"code": code, "until": wanted, "reason": reason, "by": requested_by, "in": requested_in})

    return apply_move(info, code, CaseAction.REQUEST_EXTENSION, reason, ask)


def approve_extension(info: Info, code: str, note: str | None = None) -> Case:
    """The level above grants the requested deadline."""

    def grant(tx: CountingTransaction, _: Compiler) -> None:
        _decider(info, tx, code)
        tx.run("MATCH (c:Case {code: $code}) SET c.deadline = c.extensionUntil, "
               "c.extensions = coalesce(c.extensions, 0) + 1, c.extensionRequested = false", {"code": code})

    return apply_move(info, code, CaseAction.APPROVE_EXTENSION, note, grant)


def refuse_extension(info: Info, code: str, reason: str) -> Case:
    """The level above refuses the request; the deadline stays."""
    _need(reason, "reason", "a refusal needs a reason")

    def refuse(tx: CountingTransaction, _: Compiler) -> None:
        _decider(info, tx, code)
        tx.run("MATCH (c:Case {code: $code}) SET c.extensionRequested = false, c.extensionUntil = null",
               {"code": code})

    return apply_move(info, code, CaseAction.REFUSE_EXTENSION, reason, refuse)


def _decider(info: Info, tx: CountingTransaction, code: str) -> None:
    """Only the level above the asker decides, and not the asker."""
    caller = context(info).caller
    row: dict[str, Any] = tx.run("MATCH (c:Case {code: $code}) RETURN coalesce(c.extensionRequestedIn, '/') AS asked, "
                                 "c.extensionRequestedBy AS by", {"code": code})[0]
    deciding = caller.scope_path or "/"
    above = row["asked"].startswith(deciding) and (row["asked"] != deciding or deciding == "/")
    if not above:
        raise Forbidden("an extension is decided by the level above the one who asked for it")
    if row["by"] == caller.name:
        raise Forbidden("an extension is decided by someone other than the one who asked for it")


def _need(text: str, field: str, message: str) -> None:
    if not text.strip():
        raise BadInput(f"{field}: {message}")
