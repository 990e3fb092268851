"""When a member leaves: what they hold (departureImpact) and who could take it over (successorCandidates).

Both answer within the caller's scope, in one Cypher query per root field: the impact lists only what lies in
the scope, and the candidates come from the named query ``successor-candidates``.
"""

from __future__ import annotations

from strawberry.types import Info

from api.compile.catalog import OPEN_LIST
from api.compile.compiler import Compiler
from api.compile.selection import Selection
from api.compile.shape import ListShape, Shape
from api.resolvers.common import answer, named_rows, where
from schema.graphql.answers import DepartureImpact, SuccessorCandidate


def departure_impact(info: Info, person_key: str) -> DepartureImpact | None:
    """Every household contacted, unit or grid led, open case held and wish claimed by the person."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        p, h, u, g, c, w = (compiler.var(n) for n in ("p", "h", "u", "g", "c", "w"))
        proj, shape = compiler.project("DepartureImpact", "impact", selection.children)
        query = (
            f"OPTIONAL MATCH ({p}:Person {{key: {compiler.param(person_key)}}}){where([compiler.scope('Person', p)])} "
            f"WITH {p} WHERE {p} IS NOT NULL "
            f"WITH {{person: {p}, "
            f"households: COLLECT {{ MATCH ({p})-[:CONTACTS]->({h}:Household)"
            f"{where([compiler.scope('Household', h)])} RETURN {h} ORDER BY {h}.code }}, "
            f"units: COLLECT {{ MATCH ({p})-[:UNIT_CHIEF_OF]->({u}:Unit){where([compiler.scope('Unit', u)])} "
            f"RETURN {u} ORDER BY {u}.code }}, "
            f"grids: COLLECT {{ MATCH ({p})-[:GRID_CHIEF_OF|GRID_MEMBER_OF]->({g}:Grid)"
            f"{where([compiler.scope('Grid', g)])} RETURN DISTINCT {g} ORDER BY {g}.code }}, "
            f"openCases: COLLECT {{ MATCH ({c}:Case)-[a:ASSIGNED_TO]->({p}) "
            f"{where(['a.until IS NULL', f'{c}.status IN {OPEN_LIST}', compiler.scope('Case', c)])} "
            f"RETURN {c} ORDER BY {c}.code }}, "
            f"claimedWishes: COLLECT {{ MATCH ({p})-[:CLAIMED]->({w}:Case) "
            f"{where([f'{w}.status IN {OPEN_LIST}', compiler.scope('Case', w)])} RETURN {w} ORDER BY {w}.code }}"
            f"}} AS impact RETURN {proj} AS result"
        )
        return query, shape

    return answer(info, build)


def successor_candidates(info: Info, person_key: str, first: int = 10) -> list[SuccessorCandidate]:
    """Party members who could take over the person's households, best first, each with the reasons."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        found, row, member = compiler.var("k"), compiler.var("x"), compiler.var("m")
        rows = named_rows(compiler, "successor-candidates",
                          "{memberKey: memberKey, score: score, load: load, visits: visits, reasons: reasons}",
                          {"personKey": person_key}, limit=max(0, min(first, compiler.max_page)))
        proj, shape = compiler.project("SuccessorCandidate", "candidate", selection.children)
        query = (
            f"WITH {rows} AS {found} UNWIND {found} AS {row} "
            f"MATCH ({member}:PartyMember {{key: {row}.memberKey}}){where([compiler.scope('PartyMember', member)])} "
            f"WITH {{member: {member}, score: {row}.score, load: {row}.load, visits: {row}.visits, "
            f"reasons: {row}.reasons}} AS candidate "
            f"RETURN collect({proj}) AS result"
        )
        return query, ListShape(shape)

    return answer(info, build)
