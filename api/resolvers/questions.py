"""Root fields answering the eight questions of DOMAIN.md, each in one Cypher query.

Each question runs the named query the CLI runs for it (``queries/*.cypher``, see :data:`NAMED`): the file's
text, unchanged, as a ``CALL () { … }`` subquery whose ``$scopePath`` is the caller's scope (``/`` for those
who see everything). The enclosing query matches the keys it returns (``householdCode``, ``memberKey`` …) to
nodes and projects the selection with the selection compiler, whose scope predicates apply to every node it
reaches. A ``gridCode`` is the named query's own ``gridCode`` parameter: the query narrows to that grid's
subtree within the caller's scope, with the indexed prefix test, before it reads anything else (a grid outside
the scope, or no such grid, gives an empty answer).
"""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from api.auth import CAN_SEE_TAGS
from api.compile.catalog import CONTACT_COUNT, LAST_VISITED, household_numbers
from api.compile.compiler import Compiler
from api.compile.selection import Selection
from api.compile.shape import ListShape, Shape
from api.errors import BadInput
from api.resolvers.common import also, answer, context, named_listing, named_rows, rows_of, where
from schema.graphql.answers import ConflictHotspot, GridCaseSummary, ResponsibilityChain, SimilarDisputes
from schema.graphql.connection import Connection
from schema.graphql.inputs import CaseOrder, HouseholdOrder, PersonOrder
from schema.graphql.nodes import Case, Household, PartyMember, Person
from schema.vocabulary import CONTACT_EXEMPT_AGE, CONTACT_LIMIT, VULNERABLE_TAGS, PersonTag

# The named queries each question root field runs (tests check that its Cypher holds their text).
NAMED: dict[str, tuple[str, ...]] = {
    "householdContacts": ("contacts-of-households",),
    "memberHouseholds": ("households-of-member",),
    "uncontactedHouseholds": ("uncontacted-households",),
    "vulnerablePersons": ("uncontacted-households",),
    "overloadedMembers": ("overloaded-members",),
    "exemptMembers": ("overloaded-members",),
    "similarDisputes": ("similar-disputes",),
    "responsibilityChain": ("responsibility-chain",),
    "overdueByGrid": ("grid-coverage", "overdue-cases"),
    "conflictHotspots": ("conflict-hotspots",),
    "openWishes": ("open-wishes",),
    "dueSoon": ("due-soon",),
    "unvisitedHouseholds": ("unvisited-households",),
}


# The identifiers a user holds for a household: its code(s), a resident's ID number, or the village and 户号.
def _household_values(compiler: Compiler, codes: list[str] | None, id_number: str | None, village: str | None,
                     number: str | None, codes_name: str = "householdCodes") -> dict[str, Any]:
    """The named query's parameters for exactly one way of naming households (an ID number hashed, audited)."""
    given = [codes is not None, id_number is not None, village is not None or number is not None]
    if sum(given) != 1:
        raise BadInput(f"name the household by one of: {codes_name}, idNumber, or village with number")
    if id_number is not None:
        return {"idHash": compiler.identify("id", id_number, "idNumber")}
    if village is not None or number is not None:
        if not (village or "").strip() or not (number or "").strip():
            raise BadInput("give both the village (its code or name) and the household's number (户号)")
        return {"village": (village or "").strip(), "householdNumber": household_numbers(number or "")[0]}
    return {"householdCodes": codes}


# 1. Which party members contact these households? Which households does this member contact?
def household_contacts(info: Info, household_codes: list[str] | None = None, id_number: str | None = None,
                       village: str | None = None, number: str | None = None) -> list[Household]:
    """The households asked about (in scope), each with ``contactingMembers``: by code, by a resident's ID number,
    or by village (code or name) and 户号."""
    if household_codes is not None and not household_codes and id_number is None and village is None:
        return []  # contacts-of-households needs codes (or an ID number): no codes, no households

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        keys, var = compiler.var("k"), compiler.var()
        values = _household_values(compiler, household_codes, id_number, village, number)
        found = named_rows(compiler, "contacts-of-households", "DISTINCT householdCode", values)
        proj, shape = compiler.project("Household", var, selection.children)
        match = f"MATCH ({var}:Household){where([f'{var}.code IN {keys}', compiler.scope('Household', var)])}"
        return (f"WITH {found} AS {keys} RETURN COLLECT {{ {match} WITH {var} ORDER BY {var}.code "
                f"RETURN {proj} }} AS result, {keys} AS found"), ListShape(shape)

    return answer(info, build)


def member_households(info: Info, member_key: str | None = None, id_number: str | None = None,
                      first: int | None = None, after: str | None = None,
                      order_by: list[HouseholdOrder] | None = None) -> Connection[Household]:
    """The households a party member contacts (those in the caller's scope): the member by key or ID number."""
    if (member_key is None) == (id_number is None):
        raise BadInput("give the party member's memberKey or idNumber (one of them)")

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        values = ({"memberKey": member_key} if id_number is None
                  else {"idHash": compiler.identify("id", id_number, "idNumber")})
        return named_listing("Household", "households-of-member", "householdCode", values)(compiler, selection)

    return answer(info, build)


# 2. Households nobody contacts, and the vulnerable persons living in them.
def uncontacted_households(info: Info, grid_code: str | None = None, first: int | None = None,
                           after: str | None = None, order_by: list[HouseholdOrder] | None = None
                           ) -> Connection[Household]:
    return answer(info, named_listing("Household", "uncontacted-households", "householdCode",
                                      {"gridCode": grid_code}))


def vulnerable_persons(info: Info, grid_code: str | None = None, tags: list[PersonTag] | None = None,
                       first: int | None = None, after: str | None = None,
                       order_by: list[PersonOrder] | None = None) -> Connection[Person]:
    """Persons with a vulnerable tag (独居老人, 留守儿童, …) in households no party member contacts."""
    context(info).caller.require(CAN_SEE_TAGS, "list persons by their sensitive tags")
    wanted = sorted(tags or VULNERABLE_TAGS)

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        # The households are uncontacted-households' rows; the persons with the wanted tags are matched here,
        # since ``tags`` may name tags that are not vulnerable ones (veteran), which the query does not list.
        keys = compiler.var("k")
        found = named_rows(compiler, "uncontacted-households", "householdCode",
                           {"gridCode": grid_code, "vulnerableOnly": set(wanted) <= VULNERABLE_TAGS})
        var, home = compiler.var("t"), compiler.var("h")
        predicates = [f"{home}.code IN {keys}", f"any(tag IN {var}.tags WHERE tag IN {compiler.param(wanted)})"]
        expr, shape = compiler.connection("Person", var, f"MATCH ({var}:Person)-[:MEMBER_OF]->({home}:Household)",
                                          predicates, selection)
        return f"WITH {found} AS {keys} RETURN {expr} AS result", shape

    return answer(info, build)


# 3. Overloaded (more than 20 households) and exempt (70+) party members.
# overloaded-members lists the members past the vocabulary's limits (CONTACT_LIMIT, CONTACT_EXEMPT_AGE); these
# fields may ask for stricter limits, which pick from its rows, but not looser ones, which are not among them.
def overloaded_members(info: Info, grid_code: str | None = None, limit: int = CONTACT_LIMIT,
                       first: int | None = None, after: str | None = None) -> Connection[PartyMember]:
    """Members contacting more than ``limit`` households, the most loaded first."""
    if limit < CONTACT_LIMIT:
        raise BadInput(f"limit must be at least the contact limit, {CONTACT_LIMIT}: overloaded members are those "
                       "contacting more households than that")
    return answer(info, named_listing(
        "PartyMember", "overloaded-members", "memberKey", {"gridCode": grid_code}, label="PartyMember",
        where=lambda compiler: f"households > {compiler.param(limit)}",
        order=lambda var: f"{CONTACT_COUNT.replace('{v}', var)} DESC, {var}.key"))


def exempt_members(info: Info, grid_code: str | None = None, age: int = CONTACT_EXEMPT_AGE,
                   first: int | None = None, after: str | None = None) -> Connection[PartyMember]:
    """Members aged ``age`` or more, normally exempt from contacting households; the oldest first."""
    if age < CONTACT_EXEMPT_AGE:
        raise BadInput(f"age must be at least the exemption age, {CONTACT_EXEMPT_AGE}: exempt members are those "
                       "that old or older")
    return answer(info, named_listing(
        "PartyMember", "overloaded-members", "memberKey", {"gridCode": grid_code}, label="PartyMember",
        where=lambda compiler: f"age >= {compiler.param(age)}",
        order=lambda var: f"{var}.birthDate, {var}.key"))


# 4. Similar disputes and who mediated them.
def similar_disputes(info: Info, case_code: str, first: int = 10) -> SimilarDisputes | None:
    """Disputes like ``case_code`` (similar-disputes: same category, cjk full-text similarity of title and
    description, closeness in the graph), best first; with each mediator's record."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        source, hits, row, case, mediator = (compiler.var("s"), compiler.var("k"), compiler.var("x"),
                                             compiler.var("d"), compiler.var("m"))
        found = named_rows(
            compiler, "similar-disputes",
            "{caseCode: caseCode, score: score, textScore: textScore, closeness: closeness, personKey: personKey, "
            "mediated: mediated, succeeded: succeeded}",
            {"caseCode": case_code}, limit=max(0, min(first, compiler.max_page)))
        proj, shape = compiler.project("SimilarDisputes", "answer", selection.children)
        query = (
            f"MATCH ({source}:Case {{code: {compiler.param(case_code)}}}){where([compiler.scope('Case', source)])} "
            f"WITH {source}, {found} AS {hits} "
            f"WITH {source}, {hits}, COLLECT {{ UNWIND {hits} AS {row} "
            f"  WITH DISTINCT {row}.caseCode AS code, {row}.score AS score, {row}.textScore AS textScore, "
            f"    {row}.closeness AS closeness "
            f"  MATCH ({case}:Case {{code: code}}) WITH {case}, score, textScore, closeness "
            f"  ORDER BY score DESC, {case}.code "
            f"  RETURN {{case: {case}, score: score, textScore: textScore, closeness: closeness, "
            f"    sameCategory: coalesce({case}.category = {source}.category, false)}} }} AS disputes "
            # One row per similar case and mediator: a mediator's record is the same on each of their rows.
            f"WITH disputes, COLLECT {{ UNWIND {hits} AS {row} WITH {row} WHERE {row}.personKey IS NOT NULL "
            f"  WITH {row}.personKey AS key, count(DISTINCT {row}.caseCode) AS similarCases, "
            f"    max({row}.mediated) AS cases, max({row}.succeeded) AS successes "
            f"  MATCH ({mediator}:Person {{key: key}}){where([compiler.scope('Person', mediator)])} "
            f"  WITH {mediator}, similarCases, cases, successes ORDER BY similarCases DESC, successes DESC, "
            f"    {mediator}.key "
            f"  RETURN {{mediator: {mediator}, similarCases: similarCases, cases: cases, successes: successes}} }} "
            "AS mediators "
            "WITH {disputes: disputes, mediators: mediators} AS answer "
            f"RETURN {proj} AS result"
        )
        return query, shape

    return answer(info, build)


# 5. The responsibility chain of a household.
def responsibility_chain(info: Info, household_code: str | None = None, id_number: str | None = None,
                         village: str | None = None, number: str | None = None) -> ResponsibilityChain | None:
    """Unit chief → micro-grid members and chief → grid → management area → town, from the household up; the
    links of grids, units and persons outside the caller's scope are left out. The household by code, by a
    resident's ID number, or by village (code or name) and 户号."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        chain, home, link, person, grid, unit, town = (compiler.var("k"), compiler.var("h"), compiler.var("l"),
                                                       compiler.var("p"), compiler.var("g"), compiler.var("u"),
                                                       compiler.var("r"))
        codes = None if household_code is None else [household_code]
        values = _household_values(compiler, codes, id_number, village, number, "householdCode")
        found = named_rows(
            compiler, "responsibility-chain",
            "{step: step, role: role, personKey: personKey, unitCode: unitCode, gridCode: gridCode, "
            "regionCode: regionCode, householdCode: householdCode}", values)
        grid_scope, unit_scope = compiler.scope("Grid", grid), compiler.scope("Unit", unit)
        kept = where([f"({grid} IS NULL OR {grid_scope})" if grid_scope else None,
                      f"({unit} IS NULL OR {unit_scope})" if unit_scope else None])
        proj, shape = compiler.project("ResponsibilityChain", "answer", selection.children)
        query = (
            f"WITH {found} AS {chain} "
            # The household asked about: by its code, else the one the chain's rows are of (the first, by code).
            f"MATCH ({home}:Household) WHERE {home}.code = coalesce({compiler.param(household_code)}, "
            f"head([x IN {chain} | x.householdCode])){also(compiler.scope('Household', home))} "
            f"WITH {home}, COLLECT {{ UNWIND {chain} AS {link} WITH {link} WHERE {link}.role <> 'region' "
            f"  MATCH ({person}:Person {{key: {link}.personKey}}){where([compiler.scope('Person', person)])} "
            f"  OPTIONAL MATCH ({grid}:Grid {{code: {link}.gridCode}}) "
            f"  OPTIONAL MATCH ({unit}:Unit {{code: {link}.unitCode}}) "
            f"  WITH {link}, {person}, {grid}, {unit}{kept} ORDER BY {link}.step, {person}.key "
            f"  RETURN {{rank: {link}.step, role: {link}.role, person: {person}, grid: {grid}, unit: {unit}}} "
            "} AS links, "
            f"head(COLLECT {{ UNWIND {chain} AS {link} MATCH ({town}:Region {{code: {link}.regionCode}}) "
            f"  WHERE {town}.level = 'town'{also(compiler.scope('Region', town))} "
            f"  RETURN {town} LIMIT 1 }}) AS town "
            f"WITH {home}, {{household: {home}, links: links, town: town}} AS answer "
            f"RETURN {proj} AS result, [{home}.code] AS found"
        )
        return query, shape

    return answer(info, build)


# 6. Overdue cases by grid, with who holds them; closure rate and satisfaction per grid.
def overdue_by_grid(info: Info, grid_code: str | None = None, level: int = 3) -> list[GridCaseSummary]:
    """Per grid of ``level`` (in scope, under ``grid_code``): its subtree's case counts and rates (grid-coverage)
    and its overdue cases (overdue-cases), most overdue first."""

    def body(compiler: Compiler) -> tuple[str, str]:
        overdue_codes, summaries, overdue, summary, case, grid, item = (
            compiler.var("k"), compiler.var("k"), compiler.var("o"), compiler.var("y"), compiler.var("c"),
            compiler.var("g"), compiler.var("x"))
        coverage = named_rows(
            compiler, "grid-coverage",
            "{gridCode: gridCode, cases: cases, openCases: openCases, overdueCases: overdueCases, "
            "closureRate: closureRate, satisfactionRate: satisfactionRate}",
            {"gridCode": grid_code, "maxLevel": level}, where=f"level = {compiler.param(level)}")
        late = named_rows(compiler, "overdue-cases", "caseCode", {"gridCode": grid_code})
        clauses = (
            f"WITH {late} AS {overdue_codes}, {coverage} AS {summaries} "
            f"WITH *, COLLECT {{ MATCH ({case}:Case) WHERE {case}.code IN {overdue_codes} "
            f"  WITH {case} ORDER BY {case}.deadline, {case}.code RETURN {case} }} AS {overdue} "
            f"UNWIND {summaries} AS {summary} "
            f"MATCH ({grid}:Grid {{code: {summary}.gridCode}})"
            f"{where([compiler.scope('Grid', grid)])} "
            f"WITH {{grid: {grid}, openCases: {summary}.openCases, overdueCases: {summary}.overdueCases, "
            f"  closedCases: {summary}.cases - {summary}.openCases, totalCases: {summary}.cases, "
            f"  closureRate: {summary}.closureRate, satisfactionRate: {summary}.satisfactionRate, "
            f"  overdue: [{item} IN {overdue} WHERE {item}.gridPath STARTS WITH {grid}.path]}} AS row "
            f"ORDER BY row.overdueCases DESC, {grid}.code"
        )
        return clauses, "row"

    return answer(info, rows_of("GridCaseSummary", body))


# 7. Conflict hotspots: persons and households involved in repeated disputes.
def conflict_hotspots(info: Info, grid_code: str | None = None, min_disputes: int = 2) -> list[ConflictHotspot]:
    """conflict-hotspots' persons and households (in scope) with at least ``min_disputes`` disputes; with
    ``grid_code``, disputes in that grid's subtree only."""

    def body(compiler: Compiler) -> tuple[str, str]:
        spots, spot, person, household, case, cases = (compiler.var("k"), compiler.var("x"), compiler.var("p"),
                                                       compiler.var("h"), compiler.var("c"), compiler.var("l"))
        found = named_rows(
            compiler, "conflict-hotspots",
            "{kind: kind, personKey: personKey, householdCode: householdCode, caseCodes: caseCodes}",
            {"gridCode": grid_code, "minCases": min_disputes})
        person_scope, household_scope = compiler.scope("Person", person), compiler.scope("Household", household)
        seen = (f"({person} IS NOT NULL{' AND ' + person_scope if person_scope else ''} OR {household} IS NOT NULL"
                f"{' AND ' + household_scope if household_scope else ''})")
        clauses = (
            f"WITH {found} AS {spots} "
            f"UNWIND {spots} AS {spot} "
            f"OPTIONAL MATCH ({person}:Person {{key: {spot}.personKey}}) WHERE {spot}.kind = 'person' "
            f"OPTIONAL MATCH ({household}:Household {{code: {spot}.householdCode}}) WHERE {spot}.kind = 'household' "
            f"WITH {spot}, {person}, {household}, COLLECT {{ MATCH ({case}:Case) WHERE {case}.code IN {spot}.caseCodes "
            f"  WITH {case} ORDER BY {case}.reportedAt DESC, {case}.code RETURN {case} }} AS {cases} "
            f"WHERE {seen} "
            f"WITH {{person: {person}, household: {household}, disputes: size({cases}), cases: {cases}}} AS spot "
            f"ORDER BY spot.disputes DESC, {spot}.kind, {spot}.personKey, {spot}.householdCode"
        )
        return clauses, "spot"

    return answer(info, rows_of("ConflictHotspot", body))


# 8. Open micro-wishes and who claimed them.
def open_wishes(info: Info, grid_code: str | None = None, first: int | None = None, after: str | None = None,
                order_by: list[CaseOrder] | None = None) -> Connection[Case]:
    """Open micro-wishes of vulnerable persons (open-wishes)."""
    return answer(info, named_listing("Case", "open-wishes", "caseCode", {"gridCode": grid_code}))


# 9. Which open cases are due soon (the warning before a time limit passes)?
def due_soon(info: Info, grid_code: str | None = None, within_hours: int = 24, first: int | None = None,
             after: str | None = None) -> Connection[Case]:
    """Open cases due within ``withinHours`` hours, soonest first (due-soon)."""
    if not 0 < within_hours <= 24 * 366:
        raise BadInput("withinHours must be between 1 and 8784 (a year)")
    return answer(info, named_listing("Case", "due-soon", "caseCode",
                                      {"gridCode": grid_code, "withinHours": within_hours},
                                      order=lambda v: f"{v}.deadline, {v}.code"))


# 10. Which households has nobody visited lately?
def unvisited_households(info: Info, grid_code: str | None = None, days: int = 90, vulnerable_only: bool = False,
                         first: int | None = None, after: str | None = None) -> Connection[Household]:
    """Households without a visit in the last ``days`` days, never visited first (unvisited-households)."""
    if not 1 <= days <= 3660:
        raise BadInput("days must be between 1 and 3660")
    if vulnerable_only:
        context(info).caller.require(CAN_SEE_TAGS, "ask about vulnerable persons")
    return answer(info, named_listing(
        "Household", "unvisited-households", "householdCode",
        {"gridCode": grid_code, "days": days, "vulnerableOnly": vulnerable_only},
        order=lambda v: f"{LAST_VISITED.replace('{v}', v)} IS NOT NULL, {LAST_VISITED.replace('{v}', v)}, {v}.code"))
