"""Scope on the write side: every key or code a mutation names is resolved within the caller's scope.

For each mutation and each scoped role that may call it: a reference outside the scope is refused, nothing is
written, and the answer is the one a reference to nothing at all gets (no existence oracle). Reveals follow where
a person belongs, never links a caller made.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from api.auth import Role
from graph.database import Database
from tests.api.conftest import Api
from tests.fixtures.town import Town

SCOPE, PATH = "A1-V1", "/A1/A1-V1/"
MISSING = "no-such-thing"
SCOPED_ROLES = {"gridStaff": Role.GRID_STAFF, "partyOfficer": Role.PARTY_OFFICER}


def fingerprint(db: Database) -> Any:
    """Everything a mutation could write: node and relationship counts, and every case's moving parts."""
    return db.read(
        "RETURN COUNT { MATCH (n) WHERE NOT n:AuditEntry } AS nodes, COUNT { MATCH ()-[r]->() } AS rels, "
        "COLLECT { MATCH (c:Case) RETURN [c.code, c.status, c.level, c.satisfaction] } AS cases, "
        "COLLECT { MATCH (a)-[r:ASSIGNED_TO|CLAIMED|INVOLVES|CONTACTS]-(b) "
        "  RETURN [type(r), elementId(a), elementId(b)] } AS links")


def error(body: dict[str, Any], hidden: str) -> str:
    """The error as the caller sees it, with the reference it names replaced (to compare two answers)."""
    assert body["data"] is None or all(v is None for v in body["data"].values()), body
    (only,) = body["errors"]
    return json.dumps(only, ensure_ascii=False, sort_keys=True).replace(hidden, "<ref>")


def same_as_missing(api: Api, db: Database, token: str, query: str, variables: dict[str, Any], name: str,
                    outside: str) -> dict[str, Any]:
    """Run ``query`` with ``variables[name]`` outside the scope, then naming nothing: both refused alike,
    nothing written. Returns the refusal."""
    before = fingerprint(db)
    refused = api.post(query, {**variables, name: outside}, token=token)
    assert fingerprint(db) == before, "an out-of-scope reference wrote something"
    missing = api.post(query, {**variables, name: MISSING}, token=token)
    assert fingerprint(db) == before
    assert error(refused, outside) == error(missing, MISSING)
    assert refused["errors"][0]["extensions"]["code"] in {"NOT_FOUND", "BAD_USER_INPUT"}
    return refused


def outside_person(db: Database) -> str:
    """A resident of another village (not in A1-V1, no role there)."""
    return str(db.read("MATCH (p:Person)-[:MEMBER_OF]->(h:Household) WHERE h.gridPath STARTS WITH '/A2/' "
                       "AND NOT EXISTS { (p)-[:CONTACTS|GRID_CHIEF_OF|GRID_MEMBER_OF|UNIT_CHIEF_OF]->() } "
                       "RETURN p.key AS key ORDER BY key LIMIT 1")[0]["key"])


def inside_person(town: Town) -> str:
    return next(p.key for p in town.persons.values() if (p.household or "").startswith("A1-V1-"))


def token(api: Api, role: Role) -> str:
    return api.token(role, SCOPE, PATH)


REPORT = ("mutation($grid: String!, $persons: [String!]!, $households: [String!]!) { reportCase(input: "
          "{kind: DISPUTE, gridCode: $grid, title: \"邻里纠纷\", personKeys: $persons, householdCodes: $households}) "
          "{ code } }")


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_report_case_refuses_references_outside_the_scope(town_db: Database, town: Town, api: Api,
                                                          role: str) -> None:
    bearer = token(api, SCOPED_ROLES[role])
    good = {"grid": "A1-V1-M1", "persons": [inside_person(town)], "households": ["A1-V1-001"]}
    same_as_missing(api, town_db, bearer, REPORT, good, "grid", "A2-V3-M1")
    person = outside_person(town_db)
    query = REPORT.replace("personKeys: $persons", "personKeys: [$p]")
    same_as_missing(api, town_db, bearer, query.replace("$persons: [String!]!", "$p: String!"),
                    {"grid": "A1-V1-M1", "households": ["A1-V1-001"]}, "p", person)
    query = REPORT.replace("householdCodes: $households", "householdCodes: [$h]")
    same_as_missing(api, town_db, bearer, query.replace("$households: [String!]!", "$h: String!"),
                    {"grid": "A1-V1-M1", "persons": []}, "h", "A2-V3-001")
    # A code of the caller's choosing would tell whether it exists elsewhere: scoped callers get generated ones.
    chosen = ("mutation($c: String!) { reportCase(input: {kind: DISPUTE, gridCode: \"A1-V1-M1\", title: \"t\", "
              "code: $c}) { code } }")
    taken = api.post(chosen, {"c": "H003"}, token=bearer)
    free = api.post(chosen, {"c": "X-NEW-1"}, token=bearer)
    assert error(taken, "H003") == error(free, "X-NEW-1")
    # The same request inside the scope goes through.
    made = api.data(REPORT, good, token=bearer)["reportCase"]["code"]
    involved = town_db.read("MATCH (:Case {code: $c})-[:INVOLVES]->(x) RETURN count(x) AS n", {"c": made})
    assert involved[0]["n"] == 2


def accepted_case(api: Api) -> str:
    """A new dispute in A1-V1-M1, accepted (ready to be dispatched)."""
    code = api.data('mutation { reportCase(input: {kind: DISPUTE, gridCode: "A1-V1-M1", title: "t"}) { code } }'
                    )["reportCase"]["code"]
    api.data(f'mutation {{ acceptCase(code: "{code}") {{ status }} }}')
    return str(code)


def test_dispatch_refuses_assignees_outside_the_scope(town_db: Database, town: Town, api: Api) -> None:
    bearer = token(api, Role.GRID_STAFF)
    code = accepted_case(api)
    person = "mutation($c: String!, $k: String!) { dispatchCase(code: $c, assigneeKey: $k) { status } }"
    same_as_missing(api, town_db, bearer, person, {"c": code}, "k", outside_person(town_db))
    org = "mutation($c: String!, $o: String!) { dispatchCase(code: $c, organizationCode: $o) { status } }"
    same_as_missing(api, town_db, bearer, org, {"c": code}, "o", "ORG-PS")
    # A grid member of the scope can be dispatched to.
    member = next(p for p, g, _, _ in town.grid_members if g == "A1-V1")
    assert api.data(person, {"c": code, "k": member}, token=bearer)["dispatchCase"]["status"] == "DISPATCHED"
    # The town admin dispatches to any department, in or out of a grid scope.
    other = accepted_case(api)
    assert api.data(org, {"c": other, "o": "ORG-PS"})["dispatchCase"]["status"] == "DISPATCHED"


@pytest.mark.parametrize("move", ["acceptCase", "startCase", "resolveCase", "verifyCase", "closeCase",
                                  "escalateCase"])
def test_moves_of_cases_outside_the_scope_answer_as_for_no_case(town_db: Database, api: Api, move: str) -> None:
    query = f"mutation($c: String!) {{ {move}(code: $c) {{ status }} }}"
    same_as_missing(api, town_db, token(api, Role.GRID_STAFF), query, {}, "c", "H003")


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_claim_wish_refuses_claimants_and_wishes_outside_the_scope(town_db: Database, town: Town, api: Api,
                                                                   role: str) -> None:
    bearer = token(api, SCOPED_ROLES[role])
    wishes = {c.code: c for c in town.cases if c.kind == "wish" and c.status == "reported"}
    inside = next(code for code, c in wishes.items() if c.grid in town.subtree(SCOPE))
    outside = next((code for code, c in wishes.items() if c.grid not in town.subtree(SCOPE)), None)
    query = "mutation($c: String!, $k: String!) { claimWish(code: $c, personKey: $k) { status } }"
    same_as_missing(api, town_db, bearer, query, {"c": inside}, "k", outside_person(town_db))
    if outside is not None:
        same_as_missing(api, town_db, bearer, query, {"k": inside_person(town)}, "c", outside)
    assert api.data(query, {"c": inside, "k": inside_person(town)}, token=bearer)["claimWish"]["status"] == \
        "ACCEPTED"


@pytest.mark.parametrize("mutation", ["assignContact", "unassignContact"])
def test_contacts_refuse_members_and_households_outside_the_scope(town_db: Database, town: Town, api: Api,
                                                                  mutation: str) -> None:
    bearer = token(api, Role.PARTY_OFFICER)
    member = next(p.key for p in town.persons.values() if p.party_member and p.household
                  and p.household.startswith("A1-V1-"))
    outsider = next(p.key for p in town.persons.values() if p.party_member and p.household
                    and p.household.startswith("A2-"))
    query = f"mutation($m: String!, $h: String!) {{ {mutation}(memberKey: $m, householdCode: $h) {{ contactCount }} }}"
    same_as_missing(api, town_db, bearer, query, {"h": "A1-V1-002"}, "m", outsider)
    same_as_missing(api, town_db, bearer, query, {"m": member}, "h", "A2-V3-001")


@pytest.mark.parametrize(("role", "field"), [("gridStaff", "ID_NUMBER"), ("gridStaff", "PHONE"),
                                             ("partyOfficer", "PHONE")])
def test_reveal_follows_where_a_person_belongs_not_links_made_to_them(town_db: Database, town: Town, api: Api,
                                                                      role: str, field: str) -> None:
    bearer = token(api, SCOPED_ROLES[role])
    query = (f"mutation($k: String!) {{ revealPerson(key: $k, field: {field}, reason: \"核实\") "
             "{ value } }")
    stranger = outside_person(town_db)
    # The town admin links the stranger to a case in the caller's grid: the caller may now read them ...
    api.data('mutation($k: String!) { reportCase(input: {kind: DISPUTE, gridCode: "A1-V1-M1", title: "t", '
             "personKeys: [$k]}) { code } }", {"k": stranger})
    seen = api.data("query($k: String!) { person(key: $k) { key idMasked } }", {"k": stranger}, token=bearer)
    assert seen["person"]["key"] == stranger
    # ... but not reveal their numbers: they do not belong to the grid.
    same_as_missing(api, town_db, bearer, query, {}, "k", stranger)
    assert api.data(query, {"k": inside_person(town)}, token=bearer)["revealPerson"]["value"]


def test_counts_of_a_scoped_caller_are_counts_within_the_scope(town_once: Database, town: Town, api: Api) -> None:
    bearer = token(api, Role.GRID_STAFF)
    inside = {h["code"] for h in town.households if h["grid"] in town.subtree(SCOPE)}
    members = api.data("{ partyMembers(first: 50) { nodes { key contactCount relation "
                       "households(first: 50) { totalCount } } } }", token=bearer)["partyMembers"]["nodes"]
    assert members
    for member in members:
        contacted = {h for m, h in town.contacts if m == member["key"]}
        assert member["contactCount"] == len(contacted & inside) == member["households"]["totalCount"]
        home = town.persons[member["key"]].household
        assert member["relation"] == (town.persons[member["key"]].relation if home in inside else None)
    similar = api.data('{ similarDisputes(caseCode: "D001", first: 50) { mediators { mediator { key } cases '
                       "successes } } }", token=bearer)["similarDisputes"]["mediators"]
    assert similar
    subtree = town.subtree(SCOPE)
    for record in similar:
        mediated = [(c, o) for c in town.cases for m, o in c.mediators
                    if m == record["mediator"]["key"] and c.grid in subtree]
        assert record["cases"] == len(mediated)
        assert record["successes"] == sum(1 for _, o in mediated if o == "success")
