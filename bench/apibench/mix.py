"""The fixed mix of queries, written once for each server, and how to compare their answers.

Five kinds of request, each asked of gridgraph with its own root fields (lookups and connections) and of the
Neo4j GraphQL Library with the fields it generates (``households(where: {code: {eq: $code}})`` …), so that
both return the same data in the same order. Parameters come from the loaded database, spread evenly over it,
and every value travels as a GraphQL variable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from graph.database import Database
from schema.vocabulary import OPEN_STATUSES, CaseStatus

GRIDGRAPH = "gridgraph"
NEO4J_GRAPHQL = "neo4j-graphql"
SERVERS = (GRIDGRAPH, NEO4J_GRAPHQL)

Json = Any
Normalise = Callable[[Json], Json]


@dataclass(frozen=True)
class Kind:
    """One kind of request: its query for each server, and how each answer reads as the common shape."""

    name: str
    description: str
    queries: dict[str, str]
    normalise: dict[str, Normalise]


@dataclass(frozen=True)
class Request:
    """One request of the mix: its kind and its variables for each server."""

    kind: str
    variables: dict[str, dict[str, Any]]


def _first(items: list[Json] | None) -> Json:
    return items[0] if items else None


def _stored_status(case: Json) -> Json:
    """A case with gridgraph's GraphQL enum name for ``status`` (``IN_PROGRESS``) as stored (``inProgress``)."""
    return {**case, "status": CaseStatus[case["status"]].value}


def _one_grid(row: Json) -> Json:
    """A household whose ``grid`` the Library gives as a list (its relationships are lists)."""
    return {**row, "grid": _first(row["grid"])}


HOUSEHOLD = Kind(
    "household", "a household by code, its members and the party members who contact it",
    queries={
        GRIDGRAPH: """query Household($code: String!) {
  household(code: $code) {
    code address
    members { key name sex birthDate }
    contactingMembers { key name phoneMasked }
  }
}""",
        NEO4J_GRAPHQL: """query Household($code: String!) {
  households(where: {code: {eq: $code}}) {
    code address
    members(sort: [{key: ASC}]) { key name sex birthDate }
    contactingMembers(sort: [{key: ASC}]) { key name phoneMasked }
  }
}""",
    },
    normalise={GRIDGRAPH: lambda d: d["household"], NEO4J_GRAPHQL: lambda d: _first(d["households"])},
)

GRID_HOUSEHOLDS = Kind(
    "gridHouseholds", "a grid, its first 20 households and their members",
    queries={
        GRIDGRAPH: """query GridHouseholds($code: String!) {
  grid(code: $code) {
    code name
    households(first: 20) { nodes { code address members { key name } } }
  }
}""",
        NEO4J_GRAPHQL: """query GridHouseholds($code: String!) {
  grids(where: {code: {eq: $code}}) {
    code name
    households(limit: 20, sort: [{code: ASC}]) { code address members(sort: [{key: ASC}]) { key name } }
  }
}""",
    },
    normalise={
        GRIDGRAPH: lambda d: d["grid"] and {**d["grid"], "households": d["grid"]["households"]["nodes"]},
        NEO4J_GRAPHQL: lambda d: _first(d["grids"]),
    },
)

MEMBER_HOUSEHOLDS = Kind(
    "memberHouseholds", "a party member, the households they contact and those households' grid",
    queries={
        GRIDGRAPH: """query MemberHouseholds($key: String!) {
  partyMember(key: $key) {
    key name
    households(first: 50) { nodes { code address grid { code name } } }
  }
}""",
        NEO4J_GRAPHQL: """query MemberHouseholds($key: String!) {
  partyMembers(where: {key: {eq: $key}}) {
    key name
    households(limit: 50, sort: [{code: ASC}]) { code address grid { code name } }
  }
}""",
    },
    normalise={
        GRIDGRAPH: lambda d: d["partyMember"] and {**d["partyMember"],
                                                   "households": d["partyMember"]["households"]["nodes"]},
        NEO4J_GRAPHQL: lambda d: (m := _first(d["partyMembers"])) and {
            **m, "households": [_one_grid(h) for h in m["households"]]},
    },
)

OPEN_CASES = Kind(
    "openCases", "the open cases of a grid with their events",
    queries={
        GRIDGRAPH: """query OpenCases($code: String!) {
  grid(code: $code) {
    code
    cases(first: 50, filter: {open: true}) { nodes { code title status reportedAt events { seq action at } } }
  }
}""",
        NEO4J_GRAPHQL: """query OpenCases($code: String!, $open: [String!]!) {
  grids(where: {code: {eq: $code}}) {
    code
    cases(where: {status: {in: $open}}, limit: 50, sort: [{code: ASC}]) {
      code title status reportedAt events(sort: [{seq: ASC}]) { seq action at }
    }
  }
}""",
    },
    normalise={
        GRIDGRAPH: lambda d: d["grid"] and {**d["grid"],
                                            "cases": [_stored_status(c) for c in d["grid"]["cases"]["nodes"]]},
        NEO4J_GRAPHQL: lambda d: _first(d["grids"]),
    },
)

GRID_LIST = Kind(
    "gridList", "50 micro-grids with their counts of households and cases",
    queries={
        GRIDGRAPH: """query GridList($level: Int!) {
  grids(first: 50, filter: {level: $level}) {
    totalCount
    nodes { code name households { totalCount } cases { totalCount } }
  }
}""",
        NEO4J_GRAPHQL: """query GridList($level: Int!) {
  gridsConnection(first: 50, where: {level: {eq: $level}}, sort: [{code: ASC}]) {
    totalCount
    edges { node { code name householdsConnection { totalCount } casesConnection { totalCount } } }
  }
}""",
    },
    normalise={
        GRIDGRAPH: lambda d: {"totalCount": d["grids"]["totalCount"], "nodes": [
            {"code": g["code"], "name": g["name"], "households": g["households"]["totalCount"],
             "cases": g["cases"]["totalCount"]} for g in d["grids"]["nodes"]]},
        NEO4J_GRAPHQL: lambda d: {"totalCount": d["gridsConnection"]["totalCount"], "nodes": [
            {"code": e["node"]["code"], "name": e["node"]["name"],
             "households": e["node"]["householdsConnection"]["totalCount"],
             "cases": e["node"]["casesConnection"]["totalCount"]} for e in d["gridsConnection"]["edges"]]},
    },
)

KINDS: dict[str, Kind] = {k.name: k for k in (HOUSEHOLD, GRID_HOUSEHOLDS, MEMBER_HOUSEHOLDS, OPEN_CASES, GRID_LIST)}
OPEN = sorted(s.value for s in OPEN_STATUSES)
MICRO_GRID = 3

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")


def canonical(value: Json) -> Json:
    """An answer with every date-time as the same instant in UTC (the two servers write offsets differently)."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    if isinstance(value, str) and DATETIME.match(value):
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC).isoformat()
    return value


def _spread(values: list[str], count: int) -> list[str]:
    """``count`` values taken evenly across ``values`` (all of them when there are fewer)."""
    if len(values) <= count:
        return values
    step = len(values) / count
    return [values[int(i * step)] for i in range(count)]


def parameters(db: Database, per_kind: int) -> dict[str, list[str]]:
    """Codes and keys to ask about, spread evenly over the loaded town."""
    households = [r["code"] for r in db.read("MATCH (h:Household) RETURN h.code AS code ORDER BY code")]
    grids = [r["code"] for r in db.read(
        "MATCH (g:Grid) WHERE EXISTS { (:Household)-[:IN_GRID]->(g) } RETURN g.code AS code ORDER BY code")]
    members = [r["key"] for r in db.read(
        "MATCH (p:PartyMember) WHERE EXISTS { (p)-[:CONTACTS]->(:Household) } RETURN p.key AS key ORDER BY key")]
    case_grids = [r["code"] for r in db.read(
        "MATCH (g:Grid) WHERE EXISTS { MATCH (c:Case)-[:IN_GRID]->(g) WHERE c.status IN $open } "
        "RETURN g.code AS code ORDER BY code", {"open": OPEN})]
    return {"household": _spread(households, per_kind), "gridHouseholds": _spread(grids, per_kind),
            "memberHouseholds": _spread(members, per_kind), "openCases": _spread(case_grids, per_kind)}


def _variables(kind: str, value: str | None) -> dict[str, dict[str, Any]]:
    if kind == "household" or kind == "gridHouseholds":
        same: dict[str, Any] = {"code": value}
    elif kind == "memberHouseholds":
        same = {"key": value}
    elif kind == "openCases":
        return {GRIDGRAPH: {"code": value}, NEO4J_GRAPHQL: {"code": value, "open": OPEN}}
    else:
        same = {"level": MICRO_GRID}
    return {server: same for server in SERVERS}


def build_mix(params: dict[str, list[str]]) -> list[Request]:
    """The fixed sequence every client walks through: the five kinds in turn, each with its next value."""
    longest = max(len(v) for v in params.values())
    mix: list[Request] = []
    for i in range(longest):
        for name in KINDS:
            values = params.get(name)
            value = values[i % len(values)] if values else None
            mix.append(Request(kind=name, variables=_variables(name, value)))
    return mix


def sample_for_check(mix: list[Request], per_kind: int) -> Iterator[Request]:
    """The first ``per_kind`` requests of each kind (their answers are compared before timing)."""
    for name in KINDS:
        yield from islice((r for r in mix if r.kind == name), per_kind)
