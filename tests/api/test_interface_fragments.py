"""Fragments on the PersonFields interface select fields of persons and party members alike."""

from __future__ import annotations

from graph.database import Database
from tests.api.conftest import Api
from tests.fixtures.town import Town


def test_fragment_on_person_interface(api: Api, town_once: Database, town: Town) -> None:
    household = town.households[0]["code"]
    data = api.data(
        "fragment Who on PersonFields { name key } "
        "query ($code: String!) { household(code: $code) { members { ...Who } } }",
        {"code": household},
    )
    expected = sorted(p.name for p in town.members_of(household))
    assert sorted(m["name"] for m in data["household"]["members"]) == expected
    assert all(m["key"] for m in data["household"]["members"])
