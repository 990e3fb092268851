"""Mutations of the closed loop: report a case, then move it through the state machine (schema.case_flow).

Each move runs in one write transaction: lock the case and read its status, check the move, set the new
status (and level, assignee or rating), append a ``CaseEvent`` (created, never changed: its id
``<code>#<seq>`` is unique), then project the case with the mutation's selection. Every case, grid, person,
household and organisation a mutation names is matched within the caller's scope (``Compiler.reference``) in
the statement that reads or writes it; outside the scope it is answered for exactly as one that does not exist.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from strawberry.types import Info

from api.auth import CAN_CLAIM_WISHES, CAN_MOVE_CASES, CAN_REPORT_CASES
from api.compile.catalog import PERSON_BELONGS
from api.compile.compiler import Compiler
from api.compile.selection import current_field
from api.context import ApiContext, CountingTransaction
from api.errors import BadInput, IllegalCaseMove, NotFound
from api.resolvers.common import context, new_compiler, where
from schema.calendar import working_calendar
from schema.case_flow import CaseAction, IllegalMove, move
from schema.deadlines import DeadlineError, deadline_for
from schema.freetext import has_numbers, mask_numbers, mask_optional
from schema.graphql.enums import Satisfaction
from schema.graphql.inputs import ReportCaseInput
from schema.graphql.nodes import Case
from schema.vocabulary import CASE_CODE_PREFIX, CaseKind, CaseStatus, EscalationLevel

# Work a move does besides changing the status; what it returns is added to the move's CaseEvent (e.g. the
# assignees of a dispatch).
MAX_CO_HANDLERS = 20

Extra = Callable[[CountingTransaction, Compiler], dict[str, Any] | None]
REPORTED_YEARS = (1900, 2100)  # a sane range for when a case was reported (deadlines are computed from it)


def project_case(tx: CountingTransaction, compiler: Compiler, info: Info, code: str) -> Any:
    """The case as the mutation's selection asks for it (same transaction, so it sees the move)."""
    selection = current_field(info._raw_info)
    proj, shape = compiler.project("Case", "n", selection.children)
    query = f"MATCH (n:Case {{code: {compiler.param(code)}}}) RETURN {proj} AS result"
    context(info).charge(compiler.cost, query)
    rows = tx.run(query, compiler.params)
    return shape.build(rows[0]["result"] if rows else None)


def _event(tx: CountingTransaction, ctx: ApiContext, code: str, action: str, before: str | None, after: str,
           note: str | None, details: dict[str, Any] | None = None) -> None:
    tx.run(
        "MATCH (c:Case {code: $code}) "
        "WITH c, COUNT { (c)-[:HAS_EVENT]->() } + 1 AS seq "
        "CREATE (c)-[:HAS_EVENT]->(e:CaseEvent {id: c.code + '#' + toString(seq), seq: seq, at: datetime(), "
        "action: $action, fromStatus: $before, toStatus: $after, actor: $actor, note: $note, noteCipher: $cipher}) "
        "SET e += $details",
        {"code": code, "action": action, "before": before, "after": after, "actor": ctx.caller.name,
         "note": mask_optional(note), "cipher": ctx.sensitive.encrypt(note) if note and has_numbers(note) else None,
         "details": details or {}},
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
                      {"code": code, **compiler.params})
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
        details = extra(tx, compiler) if extra is not None else None
        _event(tx, ctx, code, action.value, status.value, new_status.value, note, details)
        return project_case(tx, compiler, info, code)

    return ctx.write(work)


def accept_case(info: Info, code: str, note: str | None = None) -> Case:
    return apply_move(info, code, CaseAction.ACCEPT, note)


def dispatch_case(info: Info, code: str, assignee_key: str | None = None, organization_code: str | None = None,
                  co_handler_keys: list[str] | None = None, note: str | None = None) -> Case:
    """Dispatch to a lead — a person (e.g. a grid member) or an organisation — and optionally co-handlers (一案一
    专班: persons who work the case with the lead). The assignments held until now are closed (their ``until``
    set), not deleted, so the case keeps who held it when; the event names the new assignees."""
    if (assignee_key is None) == (organization_code is None):
        raise BadInput("dispatch needs exactly one of assigneeKey and organizationCode (the lead)")
    co_handlers = list(dict.fromkeys(co_handler_keys or []))
    if assignee_key is not None and assignee_key in co_handlers:
        raise BadInput("coHandlerKeys: the lead is not also a co-handler")
    if len(co_handlers) > MAX_CO_HANDLERS:
        raise BadInput(f"coHandlerKeys: at most {MAX_CO_HANDLERS} co-handlers")

    def assign(tx: CountingTransaction, compiler: Compiler) -> dict[str, Any]:
        label, key, value = (("Person", "key", assignee_key) if assignee_key is not None
                             else ("Organization", "code", organization_code))
        params = {"code": code, "value": value, "co": co_handlers, **compiler.params}
        # Co-handlers belong to the case's village (where they live or hold a grid or unit role), within the
        # caller's scope; the lead within the caller's scope. All are resolved before anything is written.
        co_found = where(["p.key IN $co", compiler.reference("Person", "p"),
                          PERSON_BELONGS.replace("{v}", "p").replace("$scopePath", "village")])
        found = tx.run(
            f"MATCH (c:Case {{code: $code}}) "
            "WITH c, split(c.gridPath, '/') AS parts "
            "WITH c, CASE WHEN size(parts) > 3 THEN '/' + parts[1] + '/' + parts[2] + '/' ELSE c.gridPath END "
            "AS village "
            f"OPTIONAL MATCH (x:{label} {{{key}: $value}}){where([compiler.reference(label, 'x')])} "
            f"RETURN x IS NOT NULL AS lead, COLLECT {{ MATCH (p:Person){co_found} RETURN p.key }} AS co", params)
        if not found[0]["lead"]:
            raise NotFound(f"no {label.lower()} {value!r} in your scope to dispatch to")
        missing = [str(n) for n, key in enumerate(co_handlers, start=1) if key not in set(found[0]["co"])]
        if missing:
            raise BadInput(f"coHandlerKeys: no such person in the case's village within your scope (item "
                           f"{', '.join(missing)}); a co-handler lives or holds a grid or unit role there")
        tx.run(f"MATCH (c:Case {{code: $code}}) "
               "CALL (c) { MATCH (c)-[old:ASSIGNED_TO]->() WHERE old.until IS NULL SET old.until = datetime() } "
               f"WITH c MATCH (x:{label} {{{key}: $value}}) "
               "CREATE (c)-[:ASSIGNED_TO {role: 'lead', since: datetime()}]->(x) "
               "WITH DISTINCT c UNWIND $co AS coKey MATCH (p:Person {key: coKey}) "
               "CREATE (c)-[:ASSIGNED_TO {role: 'co', since: datetime()}]->(p)", params)
        return {"assignee": value, "coHandlers": co_handlers}

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


def _unique(values: list[str] | None) -> list[str]:
    return list(dict.fromkeys(values or []))


def report_case(info: Info, input: ReportCaseInput) -> Case:
    """Register a new case in a grid (status reported, level grid, deadline by kind).

    The grid, the persons and the households it names are resolved within the caller's scope in the statement
    that creates the case: one of them outside the scope is refused exactly as one that does not exist, and
    nothing is written. A caller with a grid scope cannot choose the case code (it is generated): a code taken
    outside their scope would otherwise tell them that it exists.
    """
    ctx = context(info)
    ctx.caller.require(CAN_REPORT_CASES, "report cases")
    if not input.title.strip():
        raise BadInput("a case needs a title")
    if input.code is not None and ctx.caller.scoped:
        raise BadInput("a caller with a grid scope cannot choose the case code: leave code out and one is generated")
    reported = input.reported_at or datetime.now(UTC)
    if reported.tzinfo is None:
        raise BadInput("reportedAt needs a time zone offset")
    if not REPORTED_YEARS[0] <= reported.year <= REPORTED_YEARS[1]:
        raise BadInput(f"reportedAt: {reported:%Y-%m-%d} is not a date between {REPORTED_YEARS[0]} and "
                       f"{REPORTED_YEARS[1]}; give the date the case was reported")
    kind = CaseKind(input.kind)
    try:
        deadline = deadline_for(kind, reported, working_calendar(ctx.settings.holidays_dir), input.urgency)
    except DeadlineError as error:
        raise BadInput(f"reportedAt: {error}") from None
    code = input.code or f"{CASE_CODE_PREFIX[kind]}{reported:%Y%m%d}-{secrets.token_hex(3)}"
    persons, households = _unique(input.person_keys), _unique(input.household_codes)
    compiler = new_compiler(ctx)

    def work(tx: CountingTransaction) -> Any:
        grid_scope, person_scope, household_scope = (compiler.reference("Grid", "g"),
                                                      compiler.reference("Person", "p"),
                                                      compiler.reference("Household", "h"))
        params = {"grid": input.grid_code, "code": code, "kind": kind.value, "category": input.category,
                  "title": mask_numbers(input.title), "description": mask_optional(input.description),
                  "descriptionCipher": ctx.sensitive.encrypt(input.description)
                  if has_numbers(input.description) and input.description else None,
                  "reportedAt": reported, "deadline": deadline, "source": input.source,
                  "persons": persons, "households": households, **compiler.params}
        if tx.run("MATCH (c:Case {code: $code}) RETURN c.code AS code", params):
            raise BadInput(f"a case {code!r} exists already")
        rows = tx.run(
            f"MATCH (g:Grid {{code: $grid}}){where([grid_scope])} "
            f"WITH g, COLLECT {{ UNWIND $persons AS key MATCH (p:Person {{key: key}}){where([person_scope])} "
            "  RETURN p } AS persons, "
            f"COLLECT {{ UNWIND $households AS hc MATCH (h:Household {{code: hc}}){where([household_scope])} "
            "  RETURN h } AS households "
            "WHERE size(persons) = size($persons) AND size(households) = size($households) "
            "CREATE (c:Case {code: $code, kind: $kind, category: $category, title: $title, "
            "description: $description, descriptionCipher: $descriptionCipher, status: 'reported', level: 'grid', "
            "reportedAt: $reportedAt, "
            "deadline: $deadline, source: $source, gridPath: g.path})-[:IN_GRID]->(g) "
            "FOREACH (p IN persons | CREATE (c)-[:INVOLVES {role: CASE c.kind WHEN 'wish' THEN 'beneficiary' "
            "  ELSE 'party' END}]->(p)) "
            "FOREACH (h IN households | CREATE (c)-[:INVOLVES {role: 'party'}]->(h)) "
            "RETURN c.code AS code", params)
        if not rows:
            _refuse_unknown_references(tx, compiler, input.grid_code, persons, households)
        _event(tx, ctx, code, "report", None, CaseStatus.REPORTED.value, None)
        return project_case(tx, compiler, info, code)

    return ctx.write(work)


def _refuse_unknown_references(tx: CountingTransaction, compiler: Compiler, grid: str, persons: list[str],
                               households: list[str]) -> None:
    """Name what a report referred to that is not in the caller's scope (absent or outside: the same answer)."""
    rows = tx.run(
        f"RETURN EXISTS {{ MATCH (g:Grid {{code: $grid}}){where([compiler.reference('Grid', 'g')])} }} AS grid, "
        f"[key IN $persons WHERE NOT EXISTS {{ MATCH (p:Person {{key: key}})"
        f"{where([compiler.reference('Person', 'p')])} }}] AS persons, "
        f"[hc IN $households WHERE NOT EXISTS {{ MATCH (h:Household {{code: hc}})"
        f"{where([compiler.reference('Household', 'h')])} }}] AS households",
        {"grid": grid, "persons": persons, "households": households, **compiler.params})
    missing = rows[0]
    if not missing["grid"]:
        raise NotFound(f"no grid {grid!r} in your scope")
    if missing["persons"]:
        raise NotFound(f"no person {missing['persons'][0]!r} in your scope", personKeys=missing["persons"])
    raise NotFound(f"no household {missing['households'][0]!r} in your scope", householdCodes=missing["households"])


def claim_wish(info: Info, code: str, person_key: str, note: str | None = None) -> Case:
    """A member or volunteer claims a micro-wish (认领); a wish still only reported is accepted by it."""

    def claim(tx: CountingTransaction, compiler: Compiler) -> None:
        # The claimant is resolved within the caller's scope in the statement that writes the claim.
        rows = tx.run(f"MATCH (c:Case {{code: $code}}) MATCH (p:Person {{key: $person}})"
                      f"{where([compiler.reference('Person', 'p')])} "
                      "WITH c, p WHERE NOT EXISTS { MATCH (:Person)-[:CLAIMED]->(c) } "
                      "CREATE (p)-[:CLAIMED {at: datetime()}]->(c) RETURN p.key AS key",
                      {"code": code, "person": person_key, **compiler.params})
        if not rows:
            raise BadInput(f"wish {code} is claimed already, or there is no person {person_key!r} in your scope")

    ctx = context(info)
    ctx.caller.require(CAN_CLAIM_WISHES, "claim micro-wishes")
    compiler = new_compiler(ctx)
    status = ctx.read(f"MATCH (c:Case {{code: $code}}){where([compiler.reference('Case', 'c')])} "
                      "RETURN c.status AS status", {"code": code, **compiler.params})
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
                      {"code": code, **compiler.params})
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
