"""The fixture town has the shapes the question tests rely on (so a test of a query cannot pass vacuously)."""

from __future__ import annotations

from collections import Counter

from graph.database import Database
from tests.fixtures.town import Town


def test_town_shapes(town: Town) -> None:
    load = Counter(member for member, _ in town.contacts)
    members = [p for p in town.persons.values() if p.party_member]
    assert any(n > 20 for n in load.values()), "an overloaded member"
    assert any(p.age() >= 70 and load[p.key] > 0 for p in members), "an exempt member with contacts"
    assert any(load[p.key] == 0 for p in members), "a member who contacts nobody"
    contacted = {h for _, h in town.contacts}
    uncontacted = [h for h in town.households if h["code"] not in contacted]
    assert uncontacted and any(p.tags for h in uncontacted for p in town.members_of(h["code"]))
    assert {c.kind for c in town.cases} == {"dispute", "hotline", "wish"}


def test_town_written_as_built(town_db: Database, town: Town) -> None:
    counts = town_db.read(
        "MATCH (h:Household) WITH count(h) AS households "
        "MATCH (p:Person) WITH households, count(p) AS persons "
        "MATCH ()-[c:CONTACTS]->() RETURN households, persons, count(c) AS contacts"
    )[0]
    assert counts == {"households": len(town.households), "persons": len(town.persons),
                      "contacts": len(town.contacts)}
    assert town_db.read("MATCH (p:Person) WHERE p.idHash IS NOT NULL AND p.idMasked CONTAINS '*' "
                        "RETURN count(p) AS n")[0]["n"] == sum(1 for p in town.persons.values() if p.id_number)
