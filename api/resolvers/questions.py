"""Root fields answering the eight questions of DOMAIN.md, each in one Cypher query.

The caller's scope is part of every match (``gridPath STARTS WITH $scopePath``); a ``gridCode`` narrows the
question to that grid's subtree with the same indexed prefix test on the grid's path.
"""

from __future__ import annotations

from strawberry.types import Info

from api.auth import CAN_SEE_TAGS
from api.compile.catalog import OPEN_LIST
from api.compile.compiler import Compiler
from api.compile.selection import Selection
from api.compile.shape import ListShape, Shape
from api.resolvers.common import also, anchor, answer, context, listing, rows_of, under, where
from schema.graphql.answers import ConflictHotspot, GridCaseSummary, ResponsibilityChain, SimilarDisputes
from schema.graphql.connection import Connection
from schema.graphql.inputs import CaseOrder, HouseholdOrder, PersonOrder
from schema.graphql.nodes import Case, Household, PartyMember, Person
from schema.vocabulary import CONTACT_EXEMPT_AGE, CONTACT_LIMIT, VULNERABLE_TAGS, PersonTag

UNCONTACTED = "NOT EXISTS { MATCH (:PartyMember)-[:CONTACTS]->({h}) }"
# Lucene's query syntax characters, replaced by spaces so a case's own text can be used as a full-text query.
LUCENE_SPECIAL = "['\\\\', '+', '-', '&', '|', '!', '(', ')', '{', '}', '[', ']', '^', '\"', '~', '*', '?', ':', '/']"


# 1. Which party members contact these households? Which households does this member contact?
def household_contacts(info: Info, household_codes: list[str]) -> list[Household]:
    """The households asked about (in scope), each with ``contactingMembers``."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        var = compiler.var()
        proj, shape = compiler.project("Household", var, selection.children)
        match = f"MATCH ({var}:Household) WHERE {var}.code IN {compiler.param(household_codes)}"
        scope = compiler.scope("Household", var)
        return (f"RETURN COLLECT {{ {match}{' AND ' + scope if scope else ''} WITH {var} ORDER BY {var}.code "
                f"RETURN {proj} }} AS result"), ListShape(shape)

    return answer(info, build)


def member_households(info: Info, member_key: str, first: int | None = None, after: str | None = None,
                      order_by: list[HouseholdOrder] | None = None) -> Connection[Household]:
    """The households a party member contacts (those in the caller's scope)."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        var = compiler.var("t")
        match = f"MATCH (:PartyMember {{key: {compiler.param(member_key)}}})-[:CONTACTS]->({var}:Household)"
        expr, shape = compiler.connection("Household", var, match, [], selection)
        return f"RETURN {expr} AS result", shape

    return answer(info, build)


# 2. Households nobody contacts, and the vulnerable persons living in them.
def uncontacted_households(info: Info, grid_code: str | None = None, first: int | None = None,
                           after: str | None = None, order_by: list[HouseholdOrder] | None = None
                           ) -> Connection[Household]:
    return answer(info, listing(
        "Household", "Household", grid_code, extra=lambda _, v: [UNCONTACTED.replace("{h}", v)]))


def vulnerable_persons(info: Info, grid_code: str | None = None, tags: list[PersonTag] | None = None,
                       first: int | None = None, after: str | None = None,
                       order_by: list[PersonOrder] | None = None) -> Connection[Person]:
    """Persons with a vulnerable tag (独居老人, 留守儿童, …) in households no party member contacts."""
    context(info).caller.require(CAN_SEE_TAGS, "list persons by their sensitive tags")
    wanted = sorted(tags or VULNERABLE_TAGS)

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        prelude, grid_var = anchor(compiler, grid_code)
        var, home = compiler.var("t"), compiler.var("h")
        predicates = [p for p in (
            under(home, grid_var), compiler.scope("Household", home), UNCONTACTED.replace("{h}", home),
            f"any(tag IN {var}.tags WHERE tag IN {compiler.param(wanted)})",
        ) if p]
        expr, shape = compiler.connection("Person", var, f"MATCH ({var}:Person)-[:MEMBER_OF]->({home}:Household)",
                                          predicates, selection)
        return f"{prelude}RETURN {expr} AS result", shape

    return answer(info, build)


# 3. Overloaded (more than 20 households) and exempt (70+) party members.
def _member_in_grid(compiler: Compiler, var: str, grid_var: str | None) -> list[str]:
    if grid_var is None:
        return []
    return [f"EXISTS {{ MATCH ({var})-[:MEMBER_OF|CONTACTS]->(gh:Household) WHERE gh.gridPath STARTS WITH "
            f"{grid_var}.path }}"]


def overloaded_members(info: Info, grid_code: str | None = None, limit: int = CONTACT_LIMIT,
                       first: int | None = None, after: str | None = None) -> Connection[PartyMember]:
    """Members contacting more than ``limit`` households, the most loaded first."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        prelude, grid_var = anchor(compiler, grid_code)
        var = compiler.var("t")
        load = f"COUNT {{ ({var})-[:CONTACTS]->(:Household) }}"
        predicates = [f"{load} > {compiler.param(limit)}", *_member_in_grid(compiler, var, grid_var)]
        expr, shape = compiler.connection("PartyMember", var, f"MATCH ({var}:PartyMember)", predicates, selection,
                                          order=f"{load} DESC, {var}.key")
        return f"{prelude}RETURN {expr} AS result", shape

    return answer(info, build)


def exempt_members(info: Info, grid_code: str | None = None, age: int = CONTACT_EXEMPT_AGE,
                   first: int | None = None, after: str | None = None) -> Connection[PartyMember]:
    """Members aged ``age`` or more, normally exempt from contacting households; the oldest first."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        prelude, grid_var = anchor(compiler, grid_code)
        var = compiler.var("t")
        predicates = [f"{var}.birthDate <= date() - duration({{years: {compiler.param(age)}}})",
                      *_member_in_grid(compiler, var, grid_var)]
        expr, shape = compiler.connection("PartyMember", var, f"MATCH ({var}:PartyMember)", predicates, selection,
                                          order=f"{var}.birthDate, {var}.key")
        return f"{prelude}RETURN {expr} AS result", shape

    return answer(info, build)


# 4. Similar disputes and who mediated them.
def similar_disputes(info: Info, case_code: str, first: int = 10) -> SimilarDisputes | None:
    """Disputes like ``case_code``: cjk full-text similarity of title and description, same category, and
    closeness in the graph (same household, unit, grid, village), ranked; with each mediator's record."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        scope_c = compiler.scope("Case", "c")
        scope_d = compiler.scope("Case", "d")
        scope_m = compiler.scope("Person", "m")
        and_d = f" AND {scope_d}" if scope_d else ""
        proj, shape = compiler.project("SimilarDisputes", "answer", selection.children)
        query = (
            f"MATCH (c:Case {{code: {compiler.param(case_code)}}}){where([scope_c])} "
            f"WITH c, trim(reduce(s = coalesce(c.title, '') + ' ' + coalesce(c.description, ''), "
            f"ch IN {LUCENE_SPECIAL} | replace(s, ch, ' '))) AS text "
            "CALL (c, text) { "
            "  CALL (c, text) { "
            "    WITH c, text WHERE text <> '' "
            "    CALL db.index.fulltext.queryNodes('case_text', text) YIELD node, score "
            f"    WITH c, node AS d, score WHERE d <> c AND d.kind = 'dispute'{and_d} "
            "    RETURN d, score AS textScore "
            "    UNION "
            f"    MATCH (d:Case {{kind: 'dispute'}}) WHERE d.category = c.category AND d <> c{and_d} "
            "    RETURN d, 0.0 AS textScore "
            "  } "
            "  WITH c, d, max(textScore) AS textScore "
            # Lucene scores are unbounded: scale them to 0..1 so category and closeness weigh in.
            "  WITH c, collect({d: d, t: textScore}) AS hits "
            "  WITH c, hits, reduce(top = 0.0, h IN hits | CASE WHEN h.t > top THEN h.t ELSE top END) AS top "
            "  UNWIND hits AS h "
            "  WITH c, h.d AS d, CASE WHEN top > 0 THEN h.t / top ELSE 0.0 END AS textScore "
            "  WITH c, d, textScore, coalesce(d.category = c.category, false) AS sameCategory, "
            "    CASE WHEN EXISTS { MATCH (c)-[:INVOLVES]->(:Household)<-[:INVOLVES]-(d) } THEN 'household' "
            "         WHEN EXISTS { MATCH (c)-[:INVOLVES]->(:Household)-[:IN_UNIT]->(:Unit)<-[:IN_UNIT]-(:Household)"
            "<-[:INVOLVES]-(d) } THEN 'unit' "
            "         WHEN c.gridPath = d.gridPath THEN 'grid' "
            "         WHEN split(c.gridPath, '/')[2] = split(d.gridPath, '/')[2] THEN 'village' "
            "         WHEN split(c.gridPath, '/')[1] = split(d.gridPath, '/')[1] THEN 'town' ELSE 'none' END "
            "    AS closeness "
            "  WITH d, textScore, sameCategory, closeness, textScore + CASE WHEN sameCategory THEN 1.0 ELSE 0.0 END "
            "    + CASE closeness WHEN 'household' THEN 1.0 WHEN 'unit' THEN 0.6 WHEN 'grid' THEN 0.4 "
            "      WHEN 'village' THEN 0.2 WHEN 'town' THEN 0.1 ELSE 0.0 END AS score "
            f"  ORDER BY score DESC, d.code LIMIT {compiler.param(max(0, min(first, compiler.max_page)))} "
            "  RETURN collect({case: d, score: score, textScore: textScore, sameCategory: sameCategory, "
            "    closeness: closeness}) AS disputes "
            "} "
            "WITH disputes, [x IN disputes | x.case] AS similar "
            "CALL (similar) { "
            f"  MATCH (m:Person)-[:MEDIATED]->(s:Case) WHERE s IN similar{' AND ' + scope_m if scope_m else ''} "
            "  WITH m, count(DISTINCT s) AS similarCases "
            "  WITH m, similarCases, COUNT { (m)-[:MEDIATED]->(:Case {kind: 'dispute'}) } AS cases, "
            "    COUNT { (m)-[x:MEDIATED]->(:Case {kind: 'dispute'}) WHERE x.outcome = 'success' } AS successes "
            "  ORDER BY similarCases DESC, successes DESC, m.key "
            "  RETURN collect({mediator: m, similarCases: similarCases, cases: cases, successes: successes}) "
            "    AS mediators "
            "} "
            "WITH {disputes: disputes, mediators: mediators} AS answer "
            f"RETURN {proj} AS result"
        )
        return query, shape

    return answer(info, build)


# 5. The responsibility chain of a household.
def responsibility_chain(info: Info, household_code: str) -> ResponsibilityChain | None:
    """Unit chief → micro-grid members and chief → grid → management area → town, from the household up."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        scope_p = compiler.scope("Person", "p")
        and_p = f" AND {scope_p}" if scope_p else ""
        proj, shape = compiler.project("ResponsibilityChain", "answer", selection.children)
        query = (
            f"MATCH (h:Household {{code: {compiler.param(household_code)}}})"
            f"{where([compiler.scope('Household', 'h')])} "
            "OPTIONAL MATCH (h)-[:IN_UNIT]->(u:Unit) "
            "WITH h, u, COLLECT { MATCH (h)-[:IN_GRID]->(:Grid)-[:PART_OF*0..]->(g:Grid)"
            f"{where([compiler.scope('Grid', 'g')])} RETURN g ORDER BY g.level DESC }} AS grids "
            "WITH h, u, grids, COLLECT { "
            f"  MATCH (p:Person)-[:UNIT_CHIEF_OF]->(u){where([scope_p])} WITH p ORDER BY p.key "
            "  RETURN {rank: 1, role: 'unitChief', person: p, unit: u, grid: null} } AS unitLinks "
            "WITH h, grids, unitLinks, COLLECT { "
            "  UNWIND range(0, size(grids) - 1) AS i WITH grids[i] AS g, i "
            "  CALL (g, i) { "
            f"    MATCH (p:Person)-[:GRID_MEMBER_OF]->(g) WHERE true{and_p} "
            "    RETURN 2 + 2 * i AS rank, 'gridMember' AS role, p "
            "    UNION "
            f"    MATCH (p:Person)-[:GRID_CHIEF_OF]->(g) WHERE true{and_p} "
            "    RETURN 3 + 2 * i AS rank, 'gridChief' AS role, p } "
            "  WITH g, rank, role, p ORDER BY rank, p.key "
            "  RETURN {rank: rank, role: role, person: p, grid: g, unit: null} } AS gridLinks "
            "WITH {household: h, links: unitLinks + gridLinks, town: head(COLLECT { "
            "  MATCH (h)-[:IN_GRID]->(:Grid)-[:PART_OF*0..]->(:Grid)-[:IN_REGION]->(:Region)"
            f"-[:PART_OF*0..]->(town:Region) WHERE town.level = 'town'"
            f"{also(compiler.scope('Region', 'town'))} "
            "  RETURN town LIMIT 1 })} AS answer "
            f"RETURN {proj} AS result"
        )
        return query, shape

    return answer(info, build)


# 6. Overdue cases by grid, with who holds them; closure rate and satisfaction per grid.
def overdue_by_grid(info: Info, grid_code: str | None = None, level: int = 3) -> list[GridCaseSummary]:
    """Per grid of ``level`` (in scope, under ``grid_code``): its subtree's cases, most overdue first."""

    def body(compiler: Compiler) -> tuple[str, str]:
        prelude, grid_var = anchor(compiler, grid_code)
        scope_c = compiler.scope("Case", "c")
        clauses = (
            f"{prelude}MATCH (g:Grid) WHERE g.level = {compiler.param(level)}"
            f"{also(under('g', grid_var, 'path'))}"
            f"{also(compiler.scope('Grid', 'g'))} "
            f"WITH g, COLLECT {{ MATCH (c:Case) WHERE c.gridPath STARTS WITH g.path"
            f"{' AND ' + scope_c if scope_c else ''} RETURN c ORDER BY c.deadline, c.code }} AS cases "
            f"WITH g, cases, [c IN cases WHERE c.status IN {OPEN_LIST}] AS open, "
            "  [c IN cases WHERE c.status = 'closed'] AS closed "
            "WITH g, cases, open, closed, [c IN open WHERE c.deadline < datetime()] AS overdue, "
            "  [c IN closed WHERE c.satisfaction IS NOT NULL] AS rated "
            "WITH {grid: g, openCases: size(open), overdueCases: size(overdue), closedCases: size(closed), "
            "  totalCases: size(cases), overdue: overdue, "
            "  closureRate: CASE WHEN size(cases) = 0 THEN null ELSE toFloat(size(closed)) / size(cases) END, "
            "  satisfactionRate: CASE WHEN size(rated) = 0 THEN null ELSE toFloat(size([c IN rated WHERE "
            "    c.satisfaction IN ['satisfied', 'basicallySatisfied']])) / size(rated) END} AS row "
            "ORDER BY row.overdueCases DESC, g.code"
        )
        return clauses, "row"

    return answer(info, rows_of("GridCaseSummary", body))


# 7. Conflict hotspots: persons and households involved in repeated disputes.
def conflict_hotspots(info: Info, grid_code: str | None = None, min_disputes: int = 2) -> list[ConflictHotspot]:
    def body(compiler: Compiler) -> tuple[str, str]:
        prelude, grid_var = anchor(compiler, grid_code)
        minimum = compiler.param(min_disputes)
        imported = f"({grid_var})" if grid_var else "()"
        person_where = where([under("c", grid_var), compiler.scope("Case", "c"), compiler.scope("Person", "p")])
        household_where = where([under("c", grid_var), compiler.scope("Case", "c"),
                                 compiler.scope("Household", "x")])
        clauses = (
            f"{prelude}CALL {imported} {{ "
            f"  MATCH (c:Case {{kind: 'dispute'}})-[:INVOLVES]->(p:Person){person_where} "
            f"  WITH p, c ORDER BY c.code WITH p, collect(c) AS cases WHERE size(cases) >= {minimum} "
            "  RETURN {person: p, household: null, disputes: size(cases), cases: cases, key: p.key} AS spot "
            "  UNION "
            f"  MATCH (c:Case {{kind: 'dispute'}})-[:INVOLVES]->(x:Household){household_where} "
            f"  WITH x, c ORDER BY c.code WITH x, collect(c) AS cases WHERE size(cases) >= {minimum} "
            "  RETURN {person: null, household: x, disputes: size(cases), cases: cases, key: x.code} AS spot "
            "} WITH spot ORDER BY spot.disputes DESC, spot.key"
        )
        return clauses, "spot"

    return answer(info, rows_of("ConflictHotspot", body))


# 8. Open micro-wishes and who claimed them.
def open_wishes(info: Info, grid_code: str | None = None, first: int | None = None, after: str | None = None,
                order_by: list[CaseOrder] | None = None) -> Connection[Case]:
    return answer(info, listing(
        "Case", "Case", grid_code, extra=lambda _, v: [f"{v}.kind = 'wish'", f"{v}.status IN {OPEN_LIST}"]))
