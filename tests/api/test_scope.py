"""A gridStaff token sees nothing outside its grid's subtree, through every root field and any nesting."""

from __future__ import annotations

from typing import Any

import pytest

from api.auth import Role
from tests.api.conftest import Api
from tests.fixtures.town import Town

pytestmark = pytest.mark.usefixtures("town_once")
SCOPE = "A1-V1"
PERSON = "key __typename"
HOUSEHOLD = (f"code __typename members {{ {PERSON} }} "
             f"contactingMembers {{ {PERSON} households {{ nodes {{ code __typename }} }} }}")
CASE = (f"code __typename grid {{ code __typename }} involvedPersons {{ {PERSON} }} "
        "involvedHouseholds { code __typename } "
        f"mediations {{ mediator {{ {PERSON} mediations {{ case {{ code __typename }} }} }} }} "
        f"claimedBy {{ {PERSON} }}")
REGION = (f"code __typename households(first: 20) {{ nodes {{ code __typename members {{ {PERSON} }} }} }} "
          f"persons(first: 20) {{ nodes {{ {PERSON} }} }} partyOrgs(first: 20) {{ nodes {{ code __typename }} }} "
          f"openCases(first: 20) {{ nodes {{ {CASE} }} }} grids {{ code __typename }}")
QUERIES = [
    f"{{ regions(first: 10) {{ nodes {{ {REGION} }} }} }}",
    f'{{ town: region(code: "370781101000") {{ {REGION} }} other: region(code: "370781101201") {{ {REGION} }} }}',
    f'{{ region(name: "A2-V3村") {{ {REGION} }} }}',
    f'{{ searchPersons(name: "王", first: 50) {{ nodes {{ {PERSON} household {{ code __typename '
    "village { code __typename } } } } }",
    f'{{ searchPersons(name: "伟", match: CONTAINS, first: 50) {{ nodes {{ {PERSON} }} }} }}',
    f'{{ households(filter: {{village: "A2-V3村"}}) {{ nodes {{ {HOUSEHOLD} }} }} '
    f'household(villageName: "A2-V3村", number: "001") {{ {HOUSEHOLD} }} }}',
    f"{{ cases(first: 50) {{ nodes {{ code __typename caller {{ {PERSON} }} parties {{ {PERSON} }} "
    f"beneficiaries {{ {PERSON} }} }} }} }}",
    "{ grids(first: 50) { nodes { code __typename village { code __typename } } } }",
    f'{{ householdContacts(village: "A2-V3", number: "001") {{ {HOUSEHOLD} }} }}',
    f'{{ responsibilityChain(village: "A2-V3村", number: "002") {{ household {{ code __typename }} '
    f"links {{ person {{ {PERSON} }} }} }} }}",
    f"{{ households(first: 50) {{ nodes {{ {HOUSEHOLD} }} }} }}",
    f'{{ household(code: "A2-V3-001") {{ {HOUSEHOLD} }} }}',
    f'{{ householdContacts(householdCodes: ["A1-V1-001", "A1-V2-001", "A2-V3-010"]) {{ {HOUSEHOLD} }} }}',
    f"{{ uncontactedHouseholds(first: 50) {{ nodes {{ {HOUSEHOLD} }} }} }}",
    f'{{ uncontactedHouseholds(gridCode: "A2-V3", first: 50) {{ totalCount nodes {{ {HOUSEHOLD} }} }} }}',
    f"{{ vulnerablePersons(first: 50) {{ nodes {{ {PERSON} household {{ {HOUSEHOLD} }} }} }} }}",
    f"{{ overloadedMembers {{ nodes {{ {PERSON} households(first: 50) {{ nodes {{ code __typename }} }} }} }} }}",
    f"{{ exemptMembers {{ nodes {{ {PERSON} households {{ nodes {{ code __typename }} }} }} }} }}",
    f"{{ partyMembers(first: 50) {{ nodes {{ {PERSON} "
    "partyOrg { code __typename grid { code __typename } } } } }",
    f'{{ memberHouseholds(memberKey: "id:00001", first: 50) {{ nodes {{ {HOUSEHOLD} }} }} }}',
    f'{{ similarDisputes(caseCode: "D001", first: 50) {{ disputes {{ case {{ {CASE} }} }} '
    f"mediators {{ mediator {{ {PERSON} }} }} }} }}",
    f'{{ similarDisputes(caseCode: "D004", first: 50) {{ disputes {{ case {{ {CASE} }} }} }} }}',
    f'{{ responsibilityChain(householdCode: "A1-V1-001") {{ links {{ person {{ {PERSON} }} '
    "grid { code __typename } unit { code __typename } } town { code __typename } } }",
    f"{{ overdueByGrid(level: 2) {{ grid {{ code __typename }} overdue {{ {CASE} }} }} }}",
    f"{{ conflictHotspots(minDisputes: 1) {{ person {{ {PERSON} }} household {{ code __typename }} "
    f"cases {{ {CASE} }} }} }}",
    f"{{ openWishes(first: 50) {{ nodes {{ {CASE} }} }} }}",
    # A gridCode above the scope, or beside it, never widens what the caller sees.
    f'{{ uncontactedHouseholds(gridCode: "A1", first: 50) {{ totalCount nodes {{ {HOUSEHOLD} }} }} }}',
    f'{{ vulnerablePersons(gridCode: "A1", first: 50) {{ nodes {{ {PERSON} household {{ {HOUSEHOLD} }} }} }} }}',
    f'{{ overloadedMembers(gridCode: "A2") {{ nodes {{ {PERSON} }} }} exemptMembers(gridCode: "A1") {{ nodes {{ '
    f"{PERSON} households {{ nodes {{ code __typename }} }} }} }} }}",
    f'{{ overdueByGrid(gridCode: "A1") {{ grid {{ code __typename }} overdue {{ {CASE} }} }} }}',
    f'{{ conflictHotspots(gridCode: "A1", minDisputes: 1) {{ person {{ {PERSON} }} household {{ code __typename }} '
    f"cases {{ {CASE} }} }} }}",
    f'{{ openWishes(gridCode: "A1", first: 50) {{ nodes {{ {CASE} }} }} }}',
    f"{{ cases(first: 50) {{ nodes {{ {CASE} }} }} }}",
    '{ grids(first: 50) { nodes { code __typename parent { code __typename } children { code __typename } '
    "region { code __typename } } } }",
    '{ grid(code: "A1") { code __typename } '
    "regions(first: 50) { nodes { code __typename grids { code __typename } } } }",
    f"{{ persons(first: 50) {{ nodes {{ {PERSON} household {{ code __typename }} "
    "chiefOf { code __typename } } } }",
    "{ organizations(first: 50) { nodes { code __typename cases { nodes { code __typename } } } } }",
    "{ partyOrgs(first: 50) { nodes { code __typename members { nodes { key __typename } } } } }",
]


def in_scope(town: Town) -> dict[str, set[str]]:
    grids = town.subtree(SCOPE)
    households = {h["code"] for h in town.households if h["grid"] in grids}
    cases = {c.code for c in town.cases if c.grid in grids}
    persons = {p.key for p in town.persons.values() if p.household in households}
    persons |= {m for m, h in town.contacts if h in households}
    persons |= {p for g, p in town.grid_chiefs.items() if g in grids}
    persons |= {p for p, g, _, _ in town.grid_members if g in grids}
    persons |= {p for u, p in town.unit_chiefs.items() if u.split("/")[0] in grids}
    for case in town.cases:
        if case.code in cases:
            persons |= set(case.parties) | {m for m, _ in case.mediators} | ({case.claimed_by} - {None})
    return {"Grid": grids, "Household": households, "Case": cases, "Person": persons, "PartyMember": persons,
            "Region": {town.grid(g)["region"] for g in grids} - {None},
            "PartyOrg": {o["code"] for o in town.party_orgs if o["grid"] in grids},
            "Organization": {o["code"] for o in town.organizations if o["grid"] in grids},
            "Unit": {u["code"] for u in town.units if u["grid"] in grids}}


def visit(value: Any, allowed: dict[str, set[str]], seen: list[tuple[str, str]]) -> None:
    if isinstance(value, list):
        for item in value:
            visit(item, allowed, seen)
    elif isinstance(value, dict):
        kind = value.get("__typename")
        if kind in allowed:
            ident = value.get("code") or value.get("key")
            seen.append((kind, ident))
            assert ident in allowed[kind], f"{kind} {ident} is outside grid {SCOPE}"
        for item in value.values():
            visit(item, allowed, seen)


@pytest.mark.parametrize("query", QUERIES)
def test_grid_staff_sees_only_their_subtree(api: Api, town: Town, query: str) -> None:
    grid = town.grid(SCOPE)
    token = api.token(Role.GRID_STAFF, SCOPE, grid["path"])
    body = api.post(query, token=token)
    assert "errors" not in body, body["errors"]
    seen: list[tuple[str, str]] = []
    visit(body["data"], in_scope(town), seen)


def test_scoped_answers_are_not_empty_where_the_subtree_has_data(api: Api, town: Town) -> None:
    token = api.token(Role.GRID_STAFF, SCOPE, town.grid(SCOPE)["path"])
    data = api.data("{ households(first: 50) { totalCount } cases(first: 50) { totalCount } }", token=token)
    grids = town.subtree(SCOPE)
    assert data["households"]["totalCount"] == sum(1 for h in town.households if h["grid"] in grids)
    assert data["cases"]["totalCount"] == sum(1 for c in town.cases if c.grid in grids)
    outside = api.data('{ household(code: "A2-V3-001") { code } case(code: "H003") { code } }', token=token)
    assert outside == {"household": None, "case": None}


def test_analyst_sees_no_tags_and_cannot_list_by_them(api: Api) -> None:
    token = api.token(Role.ANALYST)
    data = api.data('{ person(key: "id:00001") { key tags idMasked } }', token=token)
    assert data["person"]["tags"] is None and "*" in data["person"]["idMasked"]
    body = api.post("{ vulnerablePersons { totalCount } }", token=token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("query", ["{ persons(filter: {tag: LIVING_ALONE}) { totalCount } }",
                                   "{ partyMembers(filter: {tag: LOW_INCOME}) { nodes { key } } }"])
def test_analyst_cannot_filter_by_tags_either(api: Api, query: str) -> None:
    body = api.post(query, token=api.token(Role.ANALYST))
    assert not body["data"] or not any(body["data"].values())
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "tag" in body["errors"][0]["message"]
    assert "errors" not in api.post(query, role=Role.TOWN_ADMIN)
