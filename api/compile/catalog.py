"""The fixed Cypher fragments of every GraphQL object type (see :mod:`api.compile.specs`).

Fields, equality filters and sort keys that read a property as it is stored come from the model (added by
:class:`api.compile.specs.Spec`); the fragments here are the others: relationships, computed values, filters that
are not an equality on a property.

Scope predicates say when a node lies in the caller's grid subtree: by ``gridPath``/``path`` with an indexed
``STARTS WITH $scopePath``; a person is in scope (may be read) when they live in, contact, serve, chair a unit
of, mediate, claim, or are involved in or assigned something in the subtree. What a mutation names and what a
reveal decrypts is held to :data:`REFERENCE_SCOPE`: a person *belongs* to the subtree only by where they live
and the grid and unit roles they hold — never by a link a caller made (a case involving them, an assignment, a
claim, a contact), so linking someone never brings them into anyone's scope.
"""

from __future__ import annotations

from api.auth import CAN_SEE_TAGS
from api.compile.specs import Embed, Filter, Prop, Rel, Spec
from schema.case_flow import (
    ESCALATION_ORDER,
    EXTENSION_MOVES,
    EXTENSIONS_ALLOWED,
    TRANSITIONS_FROM,
    CaseAction,
)
from schema.text import to_halfwidth
from schema.vocabulary import CONTACT_EXEMPT_AGE, CONTACT_LIMIT, OPEN_STATUSES, CaseStatus

IN_SCOPE = "{v}.gridPath STARTS WITH $scopePath"
GRID_IN_SCOPE = "{v}.path STARTS WITH $scopePath"
PERSON_IN_SCOPE = (
    "(EXISTS { MATCH ({v})-[:MEMBER_OF|CONTACTS]->(sh:Household) WHERE sh.gridPath STARTS WITH $scopePath }"
    " OR EXISTS { MATCH ({v})-[:GRID_CHIEF_OF|GRID_MEMBER_OF]->(sg:Grid) WHERE sg.path STARTS WITH $scopePath }"
    " OR EXISTS { MATCH ({v})-[:UNIT_CHIEF_OF]->(su:Unit) WHERE su.gridPath STARTS WITH $scopePath }"
    " OR EXISTS { MATCH ({v})-[:MEDIATED|CLAIMED]->(sc:Case) WHERE sc.gridPath STARTS WITH $scopePath }"
    " OR EXISTS { MATCH (sc:Case)-[:INVOLVES|ASSIGNED_TO]->({v}) WHERE sc.gridPath STARTS WITH $scopePath })"
)
PERSON_BELONGS = (
    "(EXISTS { MATCH ({v})-[:MEMBER_OF]->(sh:Household) WHERE sh.gridPath STARTS WITH $scopePath }"
    " OR EXISTS { MATCH ({v})-[:GRID_CHIEF_OF|GRID_MEMBER_OF]->(sg:Grid) WHERE sg.path STARTS WITH $scopePath }"
    " OR EXISTS { MATCH ({v})-[:UNIT_CHIEF_OF]->(su:Unit) WHERE su.gridPath STARTS WITH $scopePath })"
)
PARTY_ORG_IN_SCOPE = "EXISTS { MATCH ({v})-[:ANCHORED_IN]->(sg:Grid) WHERE sg.path STARTS WITH $scopePath }"
REGION_IN_SCOPE = "EXISTS { MATCH (sg:Grid)-[:IN_REGION]->({v}) WHERE sg.path STARTS WITH $scopePath }"

# What a scoped caller's mutation may name, by label: the node must lie in (a person: belong to) the subtree; an
# organisation may also sit in a grid above it (the town's or area's departments a grid dispatches to), never beside.
ORGANIZATION_IN_REACH = "({v}.gridPath STARTS WITH $scopePath OR $scopePath STARTS WITH {v}.gridPath)"
REFERENCE_SCOPE: dict[str, str] = {
    "Person": PERSON_BELONGS, "PartyMember": PERSON_BELONGS, "Household": IN_SCOPE, "Case": IN_SCOPE,
    "Organization": ORGANIZATION_IN_REACH, "Unit": IN_SCOPE, "Grid": GRID_IN_SCOPE, "PartyOrg": PARTY_ORG_IN_SCOPE,
}

# Literal lists built from the vocabulary at import (never from a request).
OPEN_LIST = "[" + ", ".join(f"'{s.value}'" for s in sorted(OPEN_STATUSES)) + "]"
OVERDUE = f"({{v}}.deadline < datetime() AND {{v}}.status IN {OPEN_LIST})"
_BASE_MOVES = "CASE {v}.status " + " ".join(
    f"WHEN '{status.value}' THEN [" + ", ".join(f"'{m.value}'" for m in TRANSITIONS_FROM[status]) + "]"
    for status in CaseStatus
) + " ELSE [] END"
# schema.case_flow.allowed_moves in Cypher (a test compares the two on every status, level and request state).
ALLOWED_MOVES = (
    f"[m IN {_BASE_MOVES} WHERE NOT (m = '{CaseAction.ESCALATE.value}'"
    f" AND {{v}}.level = '{ESCALATION_ORDER[-1].value}')"
    " AND CASE WHEN m IN [" + ", ".join(f"'{m.value}'" for m in sorted(EXTENSION_MOVES)) + "]"
    " THEN coalesce({v}.extensionRequested, false)"
    f" WHEN m = '{CaseAction.REQUEST_EXTENSION.value}' THEN NOT coalesce({{v}}.extensionRequested, false)"
    f" AND coalesce({{v}}.extensions, 0) < {EXTENSIONS_ALLOWED} ELSE true END]"
)
CURRENT = "{r}.until IS NULL"  # an assignment not yet closed (closed ones stay as the case's history)
LAST_VISITED = "head(COLLECT { MATCH (lastVisit:Visit)-[:TO]->({v}) RETURN lastVisit.at ORDER BY lastVisit.at DESC })"
CURRENT_LEAD = "{r}.until IS NULL AND coalesce({r}.role, 'lead') = 'lead'"
CONTACT_COUNT = "COUNT { ({v})-[:CONTACTS]->(:Household) }"
# A region's grids ({r}): those in the region or a region below it (a town's management areas, its villages'
# village grids), keeping only the topmost, so that what lies under them (by the indexed path) is counted once.
REGION_GRIDS = "({r}:Grid)-[:IN_REGION]->(:Region)-[:PART_OF*0..3]->({v})"
TOP_REGION_GRID = ("NOT EXISTS { MATCH ({r})-[:PART_OF*1..3]->(:Grid)-[:IN_REGION]->(:Region)-[:PART_OF*0..3]->({v}) }")
# The village Region a grid lies in: its own, or its village grid's (a micro-grid's parent).
GRID_VILLAGE = "({v})-[:PART_OF*0..2]->(:Grid)-[:IN_REGION]->({t}:Region)"


# A village grid (二级网格) {g} that a word for a village ({p}) stands for: by the grid's code or name, or by the code
# or name of the village Region it lies in. Households carry their village grid's code (villageCode).
VILLAGE_GRID = ("{g}.level = 2 AND ({g}.code = {p} OR {g}.name = {p} OR EXISTS { MATCH ({g})-[:IN_REGION]->(vr:Region) "
                "WHERE vr.code = {p} OR vr.name = {p} })")


def household_numbers(number: str) -> list[str]:
    """The ways a 户号 may be stored: as written (half-width, no spaces) and, for a number, with the zero padding
    of the sheets it came from, so ``1``, ``01`` and ``001`` find the same household."""
    text = "".join(to_halfwidth(str(number)).split())
    if not text.isdigit():
        return [text]
    bare = text.lstrip("0") or "0"
    return list(dict.fromkeys([text, bare, *(bare.zfill(width) for width in range(len(bare) + 1, 7))]))
# For a scoped caller counts and attributes are read within the scope (the households they can see).
CONTACT_COUNT_IN_SCOPE = "COUNT { ({v})-[:CONTACTS]->(ch:Household) WHERE ch.gridPath STARTS WITH $scopePath }"


def grid_contains(code: str) -> str:
    """A grid code as the ``/code/`` segment every path below that grid contains."""
    return f"/{code}/"


def _props(*names: str) -> dict[str, Prop | Rel | Embed]:
    return {name: Prop(f"{{v}}.{name}") for name in names}


PERSON_FIELDS: dict[str, Prop | Rel | Embed] = {
    "age": Prop("CASE WHEN {v}.birthDate IS NULL THEN null ELSE duration.between({v}.birthDate, date()).years END"),
    "relation": Prop("head(COLLECT { MATCH ({v})-[lm:MEMBER_OF]->(:Household) RETURN lm.relation })",
                     scoped="head(COLLECT { MATCH ({v})-[lm:MEMBER_OF]->(lh:Household) "
                            "WHERE lh.gridPath STARTS WITH $scopePath RETURN lm.relation })"),
    "isPartyMember": Prop("{v}:PartyMember"),
    "household": Rel("Household", "({v})-[:MEMBER_OF]->({t}:Household)"),
    "partyMember": Embed("PartyMember", "CASE WHEN {v}:PartyMember THEN {v} END"),
    "chiefOf": Rel("Grid", "({v})-[:GRID_CHIEF_OF]->({t}:Grid)", many=True, order="{t}.code"),
    "memberOf": Rel("GridStaff", "({v})-[{r}:GRID_MEMBER_OF]->({t}:Grid)", many=True, order="{t}.code",
                    row="{person: {v}, grid: {t}, kind: {r}.kind, department: {r}.department}", scope_as="Grid"),
    "unitChiefOf": Rel("Unit", "({v})-[:UNIT_CHIEF_OF]->({t}:Unit)", many=True, order="{t}.code"),
    "cases": Rel("Case", "({t}:Case)-[:INVOLVES]->({v})", connection=True),
    "mediations": Rel("Mediation", "({v})-[{r}:MEDIATED]->({t}:Case)", many=True, order="{t}.code",
                      row="{mediator: {v}, case: {t}, outcome: {r}.outcome, on: {r}.on}", scope_as="Case"),
    "claimedWishes": Rel("Case", "({v})-[:CLAIMED]->({t}:Case)", many=True, order="{t}.code"),
    "worksFor": Rel("Organization", "({v})-[:WORKS_FOR]->({t}:Organization)", many=True, order="{t}.code"),
    "visits": Rel("Visit", "({v})-[:MADE]->({t}:Visit)", many=True, order="{t}.at DESC, {t}.id"),
}
PERSON_FILTERS = {
    "idNumber": Filter("{v}.idHash = {p}", identifier="id"),
    "phone": Filter("{v}.phoneHash = {p}", identifier="phone"),
    "householdCode": Filter("EXISTS { MATCH ({v})-[:MEMBER_OF]->(fh:Household) WHERE fh.code = {p} }"),
    "tag": Filter("{p} IN {v}.tags", roles=CAN_SEE_TAGS),
}

SPECS: dict[str, Spec] = {s.name: s for s in (
    Spec("Region", "Region", scope=REGION_IN_SCOPE, fields={
        "name": Prop("coalesce({v}.name, head(COLLECT { MATCH (ng:Grid)-[:IN_REGION]->({v}) "
                     "RETURN ng.name ORDER BY ng.level DESC, ng.code LIMIT 1 }))"),
        "parent": Rel("Region", "({v})-[:PART_OF]->({t}:Region)"),
        "children": Rel("Region", "({t}:Region)-[:PART_OF]->({v})", many=True, order="{t}.code"),
        "grids": Rel("Grid", "({t}:Grid)-[:IN_REGION]->({v})", many=True, order="{t}.code"),
        "households": Rel("Household", f"{REGION_GRIDS}, ({{t}}:Household)", connection=True,
                          where=f"{{t}}.gridPath STARTS WITH {{r}}.path AND {TOP_REGION_GRID}"),
        "persons": Rel("Person", f"{REGION_GRIDS}, ({{t}}:Person)-[:MEMBER_OF]->({{s}}:Household)", connection=True,
                       where=f"{{s}}.gridPath STARTS WITH {{r}}.path AND {TOP_REGION_GRID}"),
        "partyOrgs": Rel("PartyOrg", f"{REGION_GRIDS}, ({{t}}:PartyOrg)-[:ANCHORED_IN]->({{s}}:Grid)",
                         connection=True, where=f"{{s}}.path STARTS WITH {{r}}.path AND {TOP_REGION_GRID}"),
        "openCases": Rel("Case", f"{REGION_GRIDS}, ({{t}}:Case)", connection=True,
                         where=f"{{t}}.gridPath STARTS WITH {{r}}.path AND {{t}}.status IN {OPEN_LIST} "
                               f"AND {TOP_REGION_GRID}"),
    }),
    Spec("Grid", "Grid", scope=GRID_IN_SCOPE, fields={
        "parent": Rel("Grid", "({v})-[:PART_OF]->({t}:Grid)"),
        "children": Rel("Grid", "({t}:Grid)-[:PART_OF]->({v})", many=True, order="{t}.code"),
        "region": Rel("Region", "({v})-[:IN_REGION]->({t}:Region)"),
        "village": Rel("Region", GRID_VILLAGE, where="{t}.level = 'village'"),
        "units": Rel("Unit", "({t}:Unit)-[:IN_GRID]->({v})", many=True, order="{t}.code"),
        "households": Rel("Household", "({t}:Household)-[:IN_GRID]->({v})", connection=True),
        "allHouseholds": Rel("Household", "({t}:Household)", connection=True,
                             where="{t}.gridPath STARTS WITH {v}.path"),
        "chiefs": Rel("Person", "({t}:Person)-[:GRID_CHIEF_OF]->({v})", many=True, order="{t}.key"),
        "ratings": Rel("GridRating", "({v})-[{r}:RATED]->({t}:Period)", many=True, order="{t}.start DESC",
                       row="{period: {t}.code, start: {t}.start, stars: {r}.stars, score: {r}.score, at: {r}.at}"),
        "staff": Rel("GridStaff", "({t}:Person)-[{r}:GRID_MEMBER_OF]->({v})", many=True, order="{t}.key",
                     row="{person: {t}, grid: {v}, kind: {r}.kind, department: {r}.department}", scope_as="Person"),
        "cases": Rel("Case", "({t}:Case)-[:IN_GRID]->({v})", connection=True),
        "organizations": Rel("Organization", "({t}:Organization)-[:LOCATED_IN]->({v})", many=True,
                             order="{t}.code"),
        "partyOrgs": Rel("PartyOrg", "({t}:PartyOrg)-[:ANCHORED_IN]->({v})", many=True, order="{t}.code"),
    }, filters={
        "parentCode": Filter("EXISTS { MATCH ({v})-[:PART_OF]->(fp:Grid) WHERE fp.code = {p} }"),
    }),
    Spec("Unit", "Unit", scope=IN_SCOPE, fields={
        "grid": Rel("Grid", "({v})-[:IN_GRID]->({t}:Grid)"),
        "chiefs": Rel("Person", "({t}:Person)-[:UNIT_CHIEF_OF]->({v})", many=True, order="{t}.key"),
        "households": Rel("Household", "({t}:Household)-[:IN_UNIT]->({v})", many=True, order="{t}.code"),
    }),
    Spec("Household", "Household", scope=IN_SCOPE, fields={
        "grid": Rel("Grid", "({v})-[:IN_GRID]->({t}:Grid)"),
        "village": Rel("Region", "(:Grid {code: {v}.villageCode})-[:IN_REGION]->({t}:Region)",
                       where="{t}.level = 'village'"),
        "unit": Rel("Unit", "({v})-[:IN_UNIT]->({t}:Unit)"),
        "members": Rel("Person", "({t}:Person)-[:MEMBER_OF]->({v})", many=True, order="{t}.key"),
        "head": Rel("Person", "({t}:Person)-[{r}:MEMBER_OF]->({v})", where="{r}.relation = '户主'"),
        "contactingMembers": Rel("PartyMember", "({t}:PartyMember)-[:CONTACTS]->({v})", many=True,
                                 order="{t}.key"),
        "contacted": Prop("EXISTS { MATCH (:PartyMember)-[:CONTACTS]->({v}) }"),
        "cases": Rel("Case", "({t}:Case)-[:INVOLVES]->({v})", connection=True),
        "lastVisitedAt": Prop(LAST_VISITED),
        "visits": Rel("Visit", "({t}:Visit)-[:TO]->({v})", many=True, order="{t}.at DESC, {t}.id"),
    }, filters={
        "codes": Filter("{v}.code IN {p}"),
        "gridCode": Filter("{v}.gridPath CONTAINS {p}", convert=grid_contains),
        # Per household, one seek of its village grid; households(filter: {village}) starts from the grid instead.
        "village": Filter("EXISTS { MATCH (vg:Grid {code: {v}.villageCode}) WHERE "
                          + VILLAGE_GRID.replace("{g}", "vg") + " }"),
        "number": Filter("{v}.number IN {p}", convert=household_numbers),
        "contacted": Filter("EXISTS { MATCH (:PartyMember)-[:CONTACTS]->({v}) }",
                            when_false="NOT EXISTS { MATCH (:PartyMember)-[:CONTACTS]->({v}) }"),
    }),
    Spec("Person", "Person", scope=PERSON_IN_SCOPE, fields=PERSON_FIELDS, filters=PERSON_FILTERS),
    Spec("PartyMember", "Person", scope=PERSON_IN_SCOPE, fields={
        **PERSON_FIELDS,
        "person": Embed("Person", "{v}"),
        "partyOrg": Rel("PartyOrg", "({v})-[:BELONGS_TO]->({t}:PartyOrg)"),
        "contactCount": Prop(CONTACT_COUNT, scoped=CONTACT_COUNT_IN_SCOPE),
        "overloaded": Prop(f"{CONTACT_COUNT} > {CONTACT_LIMIT}"),
        "exempt": Prop(f"{{v}}.birthDate <= date() - duration({{years: {CONTACT_EXEMPT_AGE}}})"),
        "households": Rel("Household", "({v})-[:CONTACTS]->({t}:Household)", connection=True),
    }, filters=PERSON_FILTERS),
    Spec("PartyOrg", "PartyOrg", scope=PARTY_ORG_IN_SCOPE, fields={
        "parent": Rel("PartyOrg", "({v})-[:PART_OF]->({t}:PartyOrg)"),
        "children": Rel("PartyOrg", "({t}:PartyOrg)-[:PART_OF]->({v})", many=True, order="{t}.code"),
        "grid": Rel("Grid", "({v})-[:ANCHORED_IN]->({t}:Grid)"),
        "members": Rel("PartyMember", "({t}:PartyMember)-[:BELONGS_TO]->({v})", connection=True),
    }),
    Spec("Organization", "Organization", scope=IN_SCOPE, fields={
        "grid": Rel("Grid", "({v})-[:LOCATED_IN]->({t}:Grid)"),
        "staff": Rel("Person", "({t}:Person)-[:WORKS_FOR]->({v})", many=True, order="{t}.key"),
        "cases": Rel("Case", "({v})<-[{r}:ASSIGNED_TO]-({t}:Case)", connection=True, where=CURRENT),
    }),
    Spec("Case", "Case", scope=IN_SCOPE, fields={
        "timeLeft": Prop(f"CASE WHEN {{v}}.status IN {OPEN_LIST} AND {{v}}.deadline IS NOT NULL "
                         "THEN toString(duration.between(datetime(), {v}.deadline)) END"),
        "hoursLeft": Prop(f"CASE WHEN {{v}}.status IN {OPEN_LIST} AND {{v}}.deadline IS NOT NULL "
                          "THEN duration.inSeconds(datetime(), {v}.deadline).seconds / 3600.0 END"),
        "overdue": Prop(OVERDUE),
        "allowedMoves": Prop(ALLOWED_MOVES),
        "grid": Rel("Grid", "({v})-[:IN_GRID]->({t}:Grid)"),
        "events": Rel("CaseEvent", "({v})-[:HAS_EVENT]->({t}:CaseEvent)", many=True, order="{t}.seq"),
        "involvedPersons": Rel("Person", "({v})-[:INVOLVES]->({t}:Person)", many=True, order="{t}.key"),
        "caller": Rel("Person", "({v})-[{r}:INVOLVES]->({t}:Person)", where="{r}.role = 'caller'", order="{t}.key"),
        "parties": Rel("Person", "({v})-[{r}:INVOLVES]->({t}:Person)", many=True, where="{r}.role = 'party'",
                       order="{t}.key"),
        "beneficiaries": Rel("Person", "({v})-[{r}:INVOLVES]->({t}:Person)", many=True,
                             where="{r}.role = 'beneficiary'", order="{t}.key"),
        "involvedHouseholds": Rel("Household", "({v})-[:INVOLVES]->({t}:Household)", many=True, order="{t}.code"),
        "involvedOrganizations": Rel("Organization", "({v})-[:INVOLVES]->({t}:Organization)", many=True,
                                     order="{t}.code"),
        "assignee": Rel("Person", "({v})-[{r}:ASSIGNED_TO]->({t}:Person)", where=CURRENT_LEAD),
        "assignedOrganization": Rel("Organization", "({v})-[{r}:ASSIGNED_TO]->({t}:Organization)",
                                    where=CURRENT_LEAD),
        "coHandlers": Rel("Person", "({v})-[{r}:ASSIGNED_TO]->({t}:Person)", many=True, order="{t}.key",
                          where=f"{CURRENT} AND {{r}}.role = 'co'"),
        "assignments": Rel("Assignment", "({v})-[{r}:ASSIGNED_TO]->({t})", many=True,
                           order="{r}.since, coalesce({r}.role, 'lead') DESC",
                           row="{person: CASE WHEN {t}:Person THEN {t} END, organization: CASE WHEN {t}:Organization "
                               "THEN {t} END, role: coalesce({r}.role, 'lead'), since: {r}.since, until: {r}.until}"),
        "mediations": Rel("Mediation", "({t}:Person)-[{r}:MEDIATED]->({v})", many=True, order="{t}.key",
                          row="{mediator: {t}, case: {v}, outcome: {r}.outcome, on: {r}.on}", scope_as="Person"),
        "claimedBy": Rel("Person", "({t}:Person)-[:CLAIMED]->({v})"),
    }, filters={
        "gridCode": Filter("{v}.gridPath CONTAINS {p}", convert=grid_contains),
        "overdue": Filter(OVERDUE, when_false=f"NOT {OVERDUE}"),
        "open": Filter(f"{{v}}.status IN {OPEN_LIST}", when_false=f"NOT {{v}}.status IN {OPEN_LIST}"),
    }),
    Spec("CaseEvent", "CaseEvent", fields={
        "case": Rel("Case", "({t}:Case)-[:HAS_EVENT]->({v})"),
    }),
    Spec("Visit", "Visit", scope=IN_SCOPE, fields={
        "visitor": Rel("Person", "({t}:Person)-[:MADE]->({v})"),
        "household": Rel("Household", "({v})-[:TO]->({t}:Household)"),
        "raised": Rel("Case", "({v})-[:RAISED]->({t}:Case)"),
    }),
    Spec("Notification", "Notification", scope=IN_SCOPE, fields={
        "read": Prop("{v}.readAt IS NOT NULL"),
        "case": Rel("Case", "({v})-[:ABOUT]->({t}:Case)"),
    }),
    Spec("AuditEntry", "AuditEntry", fields={}),
    # Composite rows: maps built by a relationship or a question's query.
    Spec("GridStaff", None, fields={
        "person": Embed("Person", "{v}.person"), "grid": Embed("Grid", "{v}.grid"),
        **_props("kind", "department"),
    }),
    Spec("GridRating", None, fields=_props("period", "start", "stars", "score", "at")),
    Spec("Mediation", None, fields={
        "mediator": Embed("Person", "{v}.mediator"), "case": Embed("Case", "{v}.case"), **_props("outcome", "on"),
    }),
    Spec("SimilarDispute", None, fields={
        "case": Embed("Case", "{v}.case"), **_props("score", "textScore", "sameCategory", "closeness"),
    }),
    Spec("MediatorRecord", None, fields={
        "mediator": Embed("Person", "{v}.mediator"), **_props("cases", "successes", "similarCases"),
    }),
    Spec("Assignment", None, fields={
        "person": Embed("Person", "{v}.person"), "organization": Embed("Organization", "{v}.organization"),
        **_props("role", "since", "until"),
    }),
    Spec("DepartureImpact", None, fields={
        "person": Embed("Person", "{v}.person"),
        "households": Embed("Household", "{v}.households", many=True),
        "units": Embed("Unit", "{v}.units", many=True),
        "grids": Embed("Grid", "{v}.grids", many=True),
        "openCases": Embed("Case", "{v}.openCases", many=True),
        "claimedWishes": Embed("Case", "{v}.claimedWishes", many=True),
    }),
    Spec("SuccessorCandidate", None, fields={
        "member": Embed("PartyMember", "{v}.member"), **_props("score", "load", "visits", "reasons"),
    }),
    Spec("SimilarDisputes", None, fields={
        "disputes": Embed("SimilarDispute", "{v}.disputes", many=True),
        "mediators": Embed("MediatorRecord", "{v}.mediators", many=True),
    }),
    Spec("ResponsibilityLink", None, fields={
        **_props("rank", "role"),
        "person": Embed("Person", "{v}.person"), "grid": Embed("Grid", "{v}.grid"), "unit": Embed("Unit", "{v}.unit"),
    }),
    Spec("ResponsibilityChain", None, fields={
        "household": Embed("Household", "{v}.household"),
        "links": Embed("ResponsibilityLink", "{v}.links", many=True),
        "town": Embed("Region", "{v}.town"),
    }),
    Spec("GridCaseSummary", None, fields={
        "grid": Embed("Grid", "{v}.grid"),
        **_props("openCases", "overdueCases", "closedCases", "totalCases", "closureRate", "satisfactionRate"),
        "overdue": Embed("Case", "{v}.overdue", many=True),
    }),
    Spec("ConflictHotspot", None, fields={
        "person": Embed("Person", "{v}.person"), "household": Embed("Household", "{v}.household"),
        "disputes": Prop("{v}.disputes"), "cases": Embed("Case", "{v}.cases", many=True),
    }),
    Spec("ContactAssignment", None, fields={
        "member": Embed("PartyMember", "{v}.member"), "household": Embed("Household", "{v}.household"),
        **_props("warnings", "contactCount"),
    }),
)}
