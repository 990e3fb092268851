"""Places as first-class: a region by code or name, its households, persons, party organisations and open cases;
the village of a household, a grid and a person's household; scoped callers see a village through their grids."""

from __future__ import annotations

from typing import Any

import pytest

from api.auth import Role
from schema.vocabulary import OPEN_STATUSES
from tests.api.conftest import Api
from tests.fixtures.town import Town

pytestmark = pytest.mark.usefixtures("town_once")

TOWN_CODE = "370781101000"
REGION = ("query($c: String, $n: String) { region(code: $c, name: $n) { code name level "
          "households(first: 50) { totalCount nodes { code } } persons(first: 1) { totalCount } "
          "partyOrgs(first: 50) { totalCount nodes { code } } openCases(first: 50) { totalCount nodes { code } } } }")


def village_region(town: Town, village: str) -> dict[str, Any]:
    code = town.grid(village)["region"]
    return next(r for r in town.regions if r["code"] == code)


def expected(town: Town, grids: set[str]) -> dict[str, Any]:
    households = sorted(h["code"] for h in town.households if h["grid"] in grids)
    orgs = sorted(o["code"] for o in town.party_orgs if o["grid"] in grids)
    cases = sorted(c.code for c in town.cases if c.grid in grids and c.status in OPEN_STATUSES)
    persons = sum(1 for p in town.persons.values() if p.household in set(households))
    return {"households": {"totalCount": len(households), "nodes": [{"code": c} for c in households]},
            "persons": {"totalCount": persons},
            "partyOrgs": {"totalCount": len(orgs), "nodes": [{"code": c} for c in orgs]},
            "openCases": {"totalCount": len(cases), "nodes": [{"code": c} for c in cases]}}


@pytest.mark.parametrize("village", ["A1-V1", "A2-V3"])
def test_village_region_by_code_and_by_name(api: Api, town: Town, village: str) -> None:
    region = village_region(town, village)
    by_code = api.data(REGION, {"c": region["code"]})["region"]
    assert by_code == {"code": region["code"], "name": region["name"], "level": "village",
                       **expected(town, town.subtree(village))}
    assert api.data(REGION, {"n": region["name"]})["region"] == by_code
    assert api.data(REGION, {"n": town.grid(village)["name"]})["region"] == by_code  # the village grid's name


def test_town_region_counts_each_household_once(api: Api, town: Town) -> None:
    answer = api.data(REGION, {"c": TOWN_CODE})["region"]
    everything = expected(town, {g["code"] for g in town.grids})
    assert answer["households"]["totalCount"] == len(town.households)
    assert answer["persons"] == everything["persons"] and answer["openCases"] == everything["openCases"]


def test_regions_by_level(api: Api, town: Town) -> None:
    villages = api.data("{ regions(level: VILLAGE) { nodes { code name } } }")["regions"]["nodes"]
    assert villages == sorted(({"code": r["code"], "name": r["name"]} for r in town.regions
                               if r["level"] == "village"), key=lambda r: r["code"])
    towns = api.data("{ regions(level: TOWN) { nodes { code } } }")["regions"]["nodes"]
    assert towns == [{"code": TOWN_CODE}]


def test_village_of_household_grid_and_person(api: Api, town: Town) -> None:
    household = town.households[13]
    region = village_region(town, household["village"])
    person = town.members_of(household["code"])[0]
    data = api.data(
        "query($h: String!, $k: String!, $g: String!, $v: String!) { household(code: $h) { village { code } } "
        "person(key: $k) { household { village { code name } } } micro: grid(code: $g) { village { code } } "
        "village: grid(code: $v) { village { code } } area: grid(code: \"A1\") { village { code } } }",
        {"h": household["code"], "k": person.key, "g": household["grid"], "v": household["village"]})
    assert data["household"]["village"] == data["micro"]["village"] == data["village"]["village"] == {
        "code": region["code"]}
    assert data["person"]["household"]["village"] == {"code": region["code"], "name": region["name"]}
    assert data["area"]["village"] is None


def test_a_scoped_caller_sees_a_village_only_through_its_grids(api: Api, town: Town) -> None:
    token = api.token(Role.GRID_STAFF, "A1-V1", town.grid("A1-V1")["path"])
    mine, other = village_region(town, "A1-V1"), village_region(town, "A2-V3")
    assert api.data(REGION, {"c": other["code"]}, token=token)["region"] is None
    assert api.data(REGION, {"n": other["name"]}, token=token)["region"] is None
    assert api.data(REGION, {"c": mine["code"]}, token=token)["region"]["households"] == expected(
        town, town.subtree("A1-V1"))["households"]
    listed = api.data("{ regions(level: VILLAGE) { nodes { code } } }", token=token)["regions"]["nodes"]
    assert listed == [{"code": mine["code"]}]
    household = next(h for h in town.households if h["village"] == "A2-V3")
    assert api.data("query($h: String!) { household(code: $h) { code } }", {"h": household["code"]},
                    token=token)["household"] is None


def test_region_needs_a_code_or_a_name(api: Api) -> None:
    body = api.post("{ region { code } }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
