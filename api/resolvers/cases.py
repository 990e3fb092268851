"""Mutations of the closed loop: report a case, then move it through the state machine (schema.case_flow).

Each move runs in one write transaction: lock the case and read its status, check the move, set the new
status (and level, assignee or rating), append a ``CaseEvent`` (created, never changed: its id
``<code>#<seq>`` is unique), then project the case with the mutation's selection.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from strawberry.types import Info

from api.auth import CAN_CLAIM_WISHES, CAN_MOVE_CASES, CAN_REPORT_CASES
from api.compile.compiler import Compiler
from api.compile.selection import current_field
from api.context import ApiContext, CountingTransaction
from api.errors import BadInput, IllegalCaseMove, NotFound
from api.resolvers.common import context, new_compiler, where
from schema.calendar import working_calendar
from schema.case_flow import CaseAction, IllegalMove, move
from schema.deadlines import DeadlineError, deadline_for
from schema.graphql.enums import Satisfaction
from schema.graphql.inputs import ReportCaseInput
from schema.graphql.nodes import Case
from schema.vocabulary import CASE_CODE_PREFIX, CaseKind, CaseStatus, EscalationLevel

Extra = Callable[[CountingTransaction, Compiler], None]


def project_case(tx: CountingTransaction, compiler: Compiler, info: Info, code: str) -> Any:
    """The case as the mutation's selection asks for it (same transaction, so it sees the move)."""
    selection = current_field(info._raw_info)
    proj, shape = compiler.project("Case", "n", selection.children)
    rows = tx.run(f"MATCH (n:Case {{code: {compiler.param(code)}}}) RETURN {proj} AS result", compiler.params)
    return shape.build(rows[0]["result"] if rows else None)


def _event(tx: CountingTransaction, ctx: ApiContext, code: str, action: str, before: str | None, after: str,
           note: str | None) -> None:
    tx.run(
        "MATCH (c:Case {code: $code}) "
        "WITH c, COUNT { (c)-[:HAS_EVENT]->() } + 1 AS seq "
        "CREATE (c)-[:HAS_EVENT]->(:CaseEvent {id: c.code + '#' + toString(seq), seq: seq, at: datetime(), "
        "action: $action, fromStatus: $before, toStatus: $after, actor: $actor, note: $note})",
        {"code": code, "action": action, "before": before, "after": after, "actor": ctx.caller.name, "note": note},
    )


def apply_move(info: Info, code: str, action: CaseAction, note: str | None = None, extra: Extra | None = None,
               kind: CaseKind | None = None) -> Any:
    """Check and apply ``action`` to case ``code``; raises a GraphQL error naming the allowed moves."""
    ctx = context(info)
    ctx.caller.require(CAN_CLAIM_WISHES if kind == CaseKind.WISH else CAN_MOVE_CASES, f"{action.value} cases")
    compiler = new_compiler(ctx)

    def work(tx: CountingTransaction) -> Any:
        scope = compiler.scope("Case", "c")
        # Setting a property takes the node's write lock: concurrent moves of one case queue up here.
        rows = tx.run(f"MATCH (c:Case {{code: $code}}){where([scope])} SET c.status = c.status "
                      "RETURN c.status AS status, coalesce(c.level, 'grid') AS level, c.kind AS kind, "
                      "coalesce(c.extensionRequested, false) AS requested, coalesce(c.extensions, 0) AS extensions",
                      {"code": code, **({"scopePath": ctx.caller.scope_path} if scope else {})})
        if not rows:
            raise NotFound(f"no case {code!r} in your scope")
        if kind is not None and rows[0]["kind"] != kind.value:
            raise BadInput(f"case {code} is a {rows[0]['kind']}, not a {kind.value}")
        status = CaseStatus(rows[0]["status"])
        try:
            new_status, new_level = move(action, status, EscalationLevel(rows[0]["level"]), rows[0]["requested"],
                                         rows[0]["extensions"])
        except IllegalMove as exc:
            raise IllegalCaseMove(str(exc), currentStatus=status.value,
                                  allowedMoves=[a.value for a in exc.allowed]) from None
        tx.run("MATCH (c:Case {code: $code}) SET c.status = $status, c.level = $level, "
               "c.closedAt = CASE WHEN $status = 'closed' THEN datetime() ELSE c.closedAt END",
               {"code": code, "status": new_status.value, "level": new_level.value})
        if extra is not None:
            extra(tx, compiler)
        _event(tx, ctx, code, action.value, status.value, new_status.value, note)
        return project_case(tx, compiler, info, code)

    return ctx.write(work)


def accept_case(info: Info, code: str, note: str | None = None) -> Case:
    return apply_move(info, code, CaseAction.ACCEPT, note)


def dispatch_case(info: Info, code: str, assignee_key: str | None = None, organization_code: str | None = None,
                  note: str | None = None) -> Case:
    """Dispatch to a person (e.g. a grid member) or an organisation; the previous assignment is closed (its
    ``until`` set), not deleted, so the case keeps who held it when."""
    if (assignee_key is None) == (organization_code is None):
        raise BadInput("dispatch needs exactly one of assigneeKey and organizationCode")

    def assign(tx: CountingTransaction, compiler: Compiler) -> None:
        label, key, value = (("Person", "key", assignee_key) if assignee_key is not None
                             else ("Organization", "code", organization_code))
        rows = tx.run(f"MATCH (c:Case {{code: $code}}) MATCH (x:{label} {{{key}: $value}}) "
                      "CALL (c) { MATCH (c)-[old:ASSIGNED_TO]->() WHERE old.until IS NULL SET old.until = datetime() } "
                      "CREATE (c)-[:ASSIGNED_TO {since: datetime()}]->(x) RETURN count(*) AS n",
                      {"code": code, "value": value})
        if not rows or rows[0]["n"] == 0:
            raise NotFound(f"no {label.lower()} {value!r} to dispatch to")

    return apply_move(info, code, CaseAction.DISPATCH, note, assign)


def start_case(info: Info, code: str, note: str | None = None) -> Case:
    return apply_move(info, code, CaseAction.START, note)


def resolve_case(info: Info, code: str, note: str | None = None) -> Case:
    return apply_move(info, code, CaseAction.RESOLVE, note)


def verify_case(info: Info, code: str, note: str | None = None) -> Case:
    return apply_move(info, code, CaseAction.VERIFY, note)


def close_case(info: Info, code: str, note: str | None = None) -> Case:
    return apply_move(info, code, CaseAction.CLOSE, note)


def reject_case(info: Info, code: str, reason: str) -> Case:
    if not reason.strip():
        raise BadInput("a rejection needs a reason")
    return apply_move(info, code, CaseAction.REJECT, reason)


def escalate_case(info: Info, code: str, note: str | None = None) -> Case:
    """Hand the case one level up: grid → village/community → town/street → county."""
    return apply_move(info, code, CaseAction.ESCALATE, note)


def rate_case(info: Info, code: str, satisfaction: Satisfaction, note: str | None = None) -> Case:
    """Record the resident's satisfaction (评单) with work that is done."""

    def rate(tx: CountingTransaction, _: Compiler) -> None:
        tx.run("MATCH (c:Case {code: $code}) SET c.satisfaction = $satisfaction",
               {"code": code, "satisfaction": satisfaction.value})

    return apply_move(info, code, CaseAction.RATE, note, rate)


def report_case(info: Info, input: ReportCaseInput) -> Case:
    """Register a new case in a grid (status reported, level grid, deadline by kind)."""
    ctx = context(info)
    ctx.caller.require(CAN_REPORT_CASES, "report cases")
    if not input.title.strip():
        raise BadInput("a case needs a title")
    reported = input.reported_at or datetime.now(UTC)
    if reported.tzinfo is None:
        raise BadInput("reportedAt needs a time zone offset")
    kind = CaseKind(input.kind)
    try:
        deadline = deadline_for(kind, reported, working_calendar(ctx.settings.holidays_dir), input.urgency)
    except DeadlineError as error:
        raise BadInput(f"reportedAt: {error}") from None
    code = input.code or f"{CASE_CODE_PREFIX[kind]}{reported:%Y%m%d}-{secrets.token_hex(3)}"
    compiler = new_compiler(ctx)

    def work(tx: CountingTransaction) -> Any:
        scope = compiler.scope("Grid", "g")
        params = {"grid": input.grid_code, "code": code, "kind": kind.value, "category": input.category,
                  "title": input.title, "description": input.description, "reportedAt": reported,
                  "deadline": deadline, "source": input.source,
                  "persons": input.person_keys, "households": input.household_codes,
                  **({"scopePath": ctx.caller.scope_path} if scope else {})}
        if tx.run("MATCH (c:Case {code: $code}) RETURN c.code AS code", params):
            raise BadInput(f"a case {code!r} exists already")
        rows = tx.run(
            f"MATCH (g:Grid {{code: $grid}}){where([scope])} "
            "CREATE (c:Case {code: $code, kind: $kind, category: $category, title: $title, "
            "description: $description, status: 'reported', level: 'grid', reportedAt: $reportedAt, "
            "deadline: $deadline, source: $source, gridPath: g.path})-[:IN_GRID]->(g) "
            "WITH c CALL (c) { UNWIND $persons AS key MATCH (p:Person {key: key}) "
            "  CREATE (c)-[:INVOLVES {role: CASE c.kind WHEN 'wish' THEN 'beneficiary' ELSE 'party' END}]->(p) } "
            "CALL (c) { UNWIND $households AS hc MATCH (h:Household {code: hc}) "
            "  CREATE (c)-[:INVOLVES {role: 'party'}]->(h) } "
            "RETURN c.code AS code", params)
        if not rows:
            raise NotFound(f"no grid {input.grid_code!r} in your scope")
        _event(tx, ctx, code, "report", None, CaseStatus.REPORTED.value, None)
        return project_case(tx, compiler, info, code)

    return ctx.write(work)


def claim_wish(info: Info, code: str, person_key: str, note: str | None = None) -> Case:
    """A member or volunteer claims a micro-wish (认领); a wish still only reported is accepted by it."""

    def claim(tx: CountingTransaction, _: Compiler) -> None:
        rows = tx.run("MATCH (c:Case {code: $code}) MATCH (p:Person {key: $person}) "
                      "WHERE NOT EXISTS { MATCH (:Person)-[:CLAIMED]->(c) } "
                      "CREATE (p)-[:CLAIMED {at: datetime()}]->(c) RETURN p.key AS key",
                      {"code": code, "person": person_key})
        if not rows:
            raise BadInput(f"wish {code} is claimed already, or there is no person {person_key!r}")

    ctx = context(info)
    ctx.caller.require(CAN_CLAIM_WISHES, "claim micro-wishes")
    status = ctx.read("MATCH (c:Case {code: $code}) RETURN c.status AS status", {"code": code})
    action = CaseAction.ACCEPT if status and status[0]["status"] == CaseStatus.REPORTED.value else None
    if action is None:
        return _claim_without_move(info, code, claim, note)
    return apply_move(info, code, action, note or "claimed", claim, kind=CaseKind.WISH)


def _claim_without_move(info: Info, code: str, claim: Extra, note: str | None) -> Any:
    ctx = context(info)
    compiler = new_compiler(ctx)

    def work(tx: CountingTransaction) -> Any:
        scope = compiler.scope("Case", "c")
        rows = tx.run(f"MATCH (c:Case {{code: $code}}){where([scope])} SET c.status = c.status "
                      "RETURN c.status AS status, c.kind AS kind",
                      {"code": code, **({"scopePath": ctx.caller.scope_path} if scope else {})})
        if not rows:
            raise NotFound(f"no case {code!r} in your scope")
        if rows[0]["kind"] != CaseKind.WISH.value:
            raise BadInput(f"case {code} is a {rows[0]['kind']}, not a wish")
        if rows[0]["status"] != CaseStatus.ACCEPTED.value:
            raise IllegalCaseMove(f"cannot claim a wish that is {rows[0]['status']}; only open wishes can be claimed",
                                  currentStatus=rows[0]["status"], allowedMoves=[])
        claim(tx, compiler)
        _event(tx, ctx, code, "claim", rows[0]["status"], rows[0]["status"], note)
        return project_case(tx, compiler, info, code)

    return ctx.write(work)
