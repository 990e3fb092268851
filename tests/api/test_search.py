"""Name search for search boxes: prefix or contains, ranked exact > prefix > contains, paged, within the scope."""

from __future__ import annotations

from typing import Any

import pytest

from api.auth import Role
from tests.api.conftest import Api
from tests.fixtures.town import Person, Town

pytestmark = pytest.mark.usefixtures("town_once")

SEARCH = ("query($n: String!, $m: NameMatch, $first: Int, $after: String) { searchPersons(name: $n, match: $m, "
          "first: $first, after: $after) { totalCount nodes { key name } pageInfo { hasNextPage endCursor } } }")


def ranked(persons: list[Person], text: str) -> list[dict[str, str]]:
    def rank(p: Person) -> tuple[int, str, str]:
        return (0 if p.name == text else 1 if p.name.startswith(text) else 2, p.name, p.key)

    return [{"key": p.key, "name": p.name} for p in sorted(persons, key=rank)]


def search(api: Api, text: str, match: str = "PREFIX", first: int = 50, token: str | None = None,
           after: str | None = None) -> dict[str, Any]:
    variables = {"n": text, "m": match, "first": first, "after": after}
    found: dict[str, Any] = api.data(SEARCH, variables, token=token)["searchPersons"]
    return found


def test_prefix_search(api: Api, town: Town) -> None:
    surname = "王"
    expected = ranked([p for p in town.persons.values() if p.name.startswith(surname)], surname)
    found = search(api, surname)
    assert found["totalCount"] == len(expected) > 3
    assert found["nodes"] == expected


def test_contains_search_ranks_exact_then_prefix_then_contains(api: Api, town: Town) -> None:
    name = next(iter(town.persons.values())).name
    given = name[1]
    expected = ranked([p for p in town.persons.values() if given in p.name], given)
    found = search(api, given, "CONTAINS")
    assert found["nodes"] == expected[:50] and found["totalCount"] == len(expected)
    exact = search(api, name, "CONTAINS")["nodes"]
    assert exact and all(n["name"] == name for n in exact[:1])
    assert exact == ranked([p for p in town.persons.values() if name in p.name], name)[:50]


def test_search_pages(api: Api, town: Town) -> None:
    expected = ranked([p for p in town.persons.values() if p.name.startswith("李")], "李")
    first = search(api, " 李", first=3)  # what is typed is trimmed as names are
    assert first["nodes"] == expected[:3] and first["pageInfo"]["hasNextPage"]
    second = search(api, "李", first=3, after=first["pageInfo"]["endCursor"])
    assert second["nodes"] == expected[3:6]


def test_search_stays_in_the_scope(api: Api, town: Town) -> None:
    token = api.token(Role.GRID_STAFF, "A2", town.grid("A2")["path"])
    in_a2 = [p for p in town.persons.values() if (p.household or "").startswith("A2-")]
    inside = in_a2[0]
    outside = next(p for p in town.persons.values() if (p.household or "").startswith("A1-")
                   and not any(o.name == p.name for o in in_a2))
    keys = {n["key"] for n in search(api, inside.name, token=token)["nodes"]}
    assert inside.key in keys
    assert search(api, outside.name, token=token)["totalCount"] == 0
    assert search(api, outside.name)["totalCount"] >= 1


@pytest.mark.parametrize("typed", ["", "   "])
def test_search_needs_a_character(api: Api, typed: str) -> None:
    body = api.post(SEARCH, {"n": typed})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
