"""Visits (走访): a party member or grid staff member records a visit to a household in the caller's scope.

``(:Person)-[:MADE]->(:Visit {id, at, mode, note, gridPath})-[:TO]->(:Household)``, and ``-[:RAISED]->(:Case)``
when the visit turned up a problem. The household, the visitor and the case are all found inside the caller's
scope in the one statement that writes; anything outside it answers as if it did not exist.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from strawberry.types import Info

from api.auth import CAN_LOG_VISITS
from api.compile.selection import current_field
from api.context import CountingTransaction
from api.errors import BadInput, NotFound
from api.resolvers.common import context, new_compiler, where
from schema.deadlines import CHINA_TIME
from schema.freetext import mask_optional
from schema.graphql.inputs import LogVisitInput
from schema.graphql.nodes import Visit

EARLIEST = datetime(2000, 1, 1, tzinfo=CHINA_TIME)
CLOCK_SKEW = timedelta(minutes=10)  # a phone's clock a little ahead is not a visit in the future
NOTE_LENGTH = 2000

# A visitor is a party member or holds a grid or unit role.
VISITOR = "(p:PartyMember OR EXISTS { (p)-[:GRID_CHIEF_OF|GRID_MEMBER_OF|UNIT_CHIEF_OF]->() })"


def log_visit(info: Info, input: LogVisitInput) -> Visit:
    """Record a visit (走访) to a household of the caller's scope."""
    ctx = context(info)
    ctx.caller.require(CAN_LOG_VISITS, "record visits")
    at = input.at or datetime.now(UTC)
    if at.tzinfo is None:
        raise BadInput("at: give a time zone offset (e.g. 2026-12-01T10:00:00+08:00)")
    if at > datetime.now(UTC) + CLOCK_SKEW:
        raise BadInput("at: a visit cannot be recorded before it happens (the time is in the future)")
    if at < EARLIEST:
        raise BadInput(f"at: {at.date()} is before {EARLIEST.date()}; check the year")
    note = mask_optional((input.note or "").strip() or None)  # numbers people type are not stored in clear
    if note is not None and len(note) > NOTE_LENGTH:
        raise BadInput(f"note: at most {NOTE_LENGTH} characters")
    visit_id = f"V{at.astimezone(CHINA_TIME):%Y%m%d}-{secrets.token_hex(4)}"
    params: dict[str, Any] = {
        "household": input.household_code, "visitor": input.visitor_key, "case": input.case_code, "id": visit_id,
        "at": at, "mode": input.mode.value, "note": note}
    compiler = new_compiler(ctx)

    # The household, the visitor and the case are each resolved within the caller's scope (persons by where
    # they belong), in the statement that writes.
    log = (f"MATCH (h:Household {{code: $household}}){where([compiler.reference('Household', 'h')])} "
           f"MATCH (p:Person {{key: $visitor}}){where([VISITOR, compiler.reference('Person', 'p')])} "
           f"OPTIONAL MATCH (c:Case {{code: $case}}){where([compiler.reference('Case', 'c')])} "
           "WITH h, p, c WHERE $case IS NULL OR c IS NOT NULL "
           "CREATE (p)-[:MADE]->(v:Visit {id: $id, at: $at, mode: $mode, note: $note, gridPath: h.gridPath, "
           "visitorName: p.name})-[:TO]->(h) "
           "FOREACH (raised IN CASE WHEN c IS NULL THEN [] ELSE [c] END | CREATE (v)-[:RAISED]->(raised)) "
           "RETURN v.id AS id")

    def work(tx: CountingTransaction) -> Any:
        if not tx.run(log, {**params, **compiler.params}):
            what = "household, visitor (a party member or grid staff member)" + (" or case" if input.case_code else "")
            raise NotFound(f"no such {what} in your scope")
        selection = current_field(info._raw_info)
        proj, shape = compiler.project("Visit", "n", selection.children)
        rows = tx.run(f"MATCH (n:Visit {{id: {compiler.param(visit_id)}}}) RETURN {proj} AS result", compiler.params)
        return shape.build(rows[0]["result"])

    result: Visit = ctx.write(work)
    return result
