"""Visits, unvisited households, and what a leaving member holds and who could take it over."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from api.auth import Role
from graph.database import Database
from queries.library import library
from schema.vocabulary import OPEN_STATUSES
from tests.api.conftest import Api
from tests.fixtures.town import Town

VILLAGE = ("A1-V1", "/A1/A1-V1/")
LOG = ("mutation($i: LogVisitInput!) { logVisit(input: $i) { id at mode note visitor { key } household { code } "
       "raised { code } } }")


def member_in(town: Town, village: str) -> str:
    """A party member who lives in ``village`` and contacts households there."""
    contacting = {m for m, _ in town.contacts}
    return next(p.key for p in sorted(town.persons.values(), key=lambda p: p.key)
                if p.party_member and (p.household or "").startswith(village + "-") and p.key in contacting)


def households_in(town: Town, village: str) -> list[str]:
    return sorted(h["code"] for h in town.households if h["village"] == village)


def test_a_visit_is_logged_in_scope_and_shows_on_the_household(town_db: Database, town: Town, api: Api) -> None:
    staff = api.token(Role.GRID_STAFF, *VILLAGE, name="chief")
    member, home = member_in(town, "A1-V1"), households_in(town, "A1-V1")[0]
    at = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    case = next(c.code for c in town.cases if c.grid.startswith("A1-V1"))
    visit = api.data(LOG, {"i": {"householdCode": home, "visitorKey": member, "mode": "PHONE", "at": at,
                                 "note": "询问用水情况", "caseCode": case}}, token=staff)["logVisit"]
    assert visit["mode"] == "PHONE" and visit["visitor"] == {"key": member} and visit["household"] == {"code": home}
    assert visit["raised"] == {"code": case}
    data = api.data('query($h: String!) { household(code: $h) { lastVisitedAt visits { id } } }', {"h": home},
                    token=staff)["household"]
    assert data["visits"] == [{"id": visit["id"]}] and data["lastVisitedAt"] == visit["at"]
    person = api.data('query($k: String!) { person(key: $k) { visits { id household { code } } } }', {"k": member},
                      token=staff)["person"]
    assert person["visits"] == [{"id": visit["id"], "household": {"code": home}}]


def test_visits_outside_the_scope_or_by_others_are_refused_alike(town_db: Database, town: Town, api: Api) -> None:
    staff = api.token(Role.GRID_STAFF, *VILLAGE)
    member = member_in(town, "A1-V1")
    outside_home = households_in(town, "A2-V3")[0]
    not_staff = next(p.key for p in town.persons.values() if not p.party_member and p.household
                     and p.household.startswith("A1-V1-") and p.key not in town.unit_chiefs.values())
    asked: list[dict[str, Any]] = [
        {"householdCode": outside_home, "visitorKey": member},          # a household outside the scope
        {"householdCode": "NO-SUCH", "visitorKey": member},             # one that does not exist
        {"householdCode": households_in(town, "A1-V1")[0], "visitorKey": not_staff},  # not a member or staff
        {"householdCode": households_in(town, "A1-V1")[0], "visitorKey": member_in(town, "A2-V3")},  # visitor outside
    ]
    messages = set()
    for given in asked:
        error = api.post(LOG, {"i": given}, token=staff)["errors"][0]
        assert error["extensions"]["code"] == "NOT_FOUND"
        messages.add(error["message"])
    assert len(messages) == 1  # the same answer whatever is missing: nothing said about what exists outside
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    error = api.post(LOG, {"i": {"householdCode": households_in(town, "A1-V1")[0], "visitorKey": member,
                                 "at": future}}, token=staff)["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "future" in error["message"]
    assert town_db.read("MATCH (v:Visit) RETURN count(v) AS n")[0]["n"] == 0
    analyst = api.post(LOG, {"i": {"householdCode": outside_home, "visitorKey": member}}, role=Role.ANALYST)
    assert analyst["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_unvisited_households_leave_out_those_visited_lately(town_db: Database, town: Town, api: Api) -> None:
    staff = api.token(Role.GRID_STAFF, *VILLAGE)
    member, homes = member_in(town, "A1-V1"), households_in(town, "A1-V1")
    now = datetime.now(UTC)
    for home, days_ago in ((homes[0], 5), (homes[1], 200)):
        api.data(LOG, {"i": {"householdCode": home, "visitorKey": member,
                             "at": (now - timedelta(days=days_ago)).isoformat()}}, token=staff)
    rows = library().run(town_db, "unvisited-households", {"scopePath": VILLAGE[1], "days": 90}).rows
    expected = [h for h in homes if h not in (homes[0], homes[1])] + [homes[1]]  # never visited, then oldest
    assert [r["householdCode"] for r in rows] == expected
    assert rows[-1]["lastVisitedAt"] is not None
    nodes = api.data('{ unvisitedHouseholds(days: 90, first: 50) { nodes { code } } }', token=staff)[
        "unvisitedHouseholds"]["nodes"]
    assert [n["code"] for n in nodes] == expected
    vulnerable = {h for h in homes if any(p.tags and set(p.tags) - {"veteran"} for p in town.members_of(h))}
    only = api.data('{ unvisitedHouseholds(days: 90, vulnerableOnly: true, first: 50) { nodes { code } } }',
                    token=staff)["unvisitedHouseholds"]["nodes"]
    assert {n["code"] for n in only} == vulnerable - {homes[0]}
    refused = api.post('{ unvisitedHouseholds(vulnerableOnly: true) { totalCount } }', role=Role.ANALYST)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_departure_impact_lists_what_the_member_holds(town_db: Database, town: Town, api: Api) -> None:
    member = member_in(town, "A1-V1")
    held = next(c.code for c in town.cases if c.status in OPEN_STATUSES and c.kind != "wish")
    town_db.write("MATCH (c:Case {code: $c}), (p:Person {key: $k}) CREATE (c)-[:ASSIGNED_TO {since: datetime()}]->(p)",
                  {"c": held, "k": member})
    wish = next(c.code for c in town.cases if c.kind == "wish" and c.claimed_by is None and c.status in OPEN_STATUSES
                and c.grid.startswith("A1"))
    api.data(f'mutation {{ claimWish(code: "{wish}", personKey: "{member}") {{ code }} }}')
    town_db.write("MATCH (p:Person {key: $k}), (u:Unit {code: $u}) MERGE (p)-[:UNIT_CHIEF_OF]->(u)",
                  {"k": member, "u": town.units[0]["code"]})
    impact = api.data('query($k: String!) { departureImpact(personKey: $k) { person { key } households { code } '
                      'units { code } grids { code } openCases { code } claimedWishes { code } } }',
                      {"k": member})["departureImpact"]
    assert impact["person"] == {"key": member}
    assert [h["code"] for h in impact["households"]] == sorted(h for m, h in town.contacts if m == member)
    assert {u["code"] for u in impact["units"]} >= {town.units[0]["code"]}
    assert [c["code"] for c in impact["openCases"]] == [held]
    claimed = {c.code for c in town.cases if c.kind == "wish" and c.status in OPEN_STATUSES and c.claimed_by == member}
    assert [c["code"] for c in impact["claimedWishes"]] == sorted(claimed | {wish})
    beside = api.token(Role.GRID_STAFF, "A2", "/A2/")
    assert api.data('query($k: String!) { departureImpact(personKey: $k) { person { key } } }', {"k": member},
                    token=beside) == {"departureImpact": None}


def test_successors_are_ranked_by_closeness_visits_and_room(db: Database, api: Api) -> None:
    """A hand-built neighbourhood: the leaver L contacts two households of unit U1 in grid G1 of village V."""
    db.write("""
    CREATE (v:Grid {code: 'V', path: '/V/', level: 2}), (g1:Grid {code: 'G1', path: '/V/G1/', level: 3}),
           (g2:Grid {code: 'G2', path: '/V/G2/', level: 3}), (w:Grid {code: 'W', path: '/W/', level: 2}),
           (u1:Unit {code: 'U1', gridPath: '/V/G1/'}), (u2:Unit {code: 'U2', gridPath: '/V/G1/'}),
           (org:PartyOrg {code: 'P1'}), (other:PartyOrg {code: 'P2'})
    WITH *
    UNWIND [['h1', 'U1', '/V/G1/', 'V'], ['h2', 'U1', '/V/G1/', 'V'], ['a', 'U1', '/V/G1/', 'V'],
            ['b', 'U2', '/V/G1/', 'V'], ['c', null, '/V/G2/', 'V'], ['e', null, '/W/', 'W'],
            ['old', 'U1', '/V/G1/', 'V'], ['busy', 'U1', '/V/G1/', 'V'], ['l', 'U1', '/V/G1/', 'V']] AS row
    CREATE (h:Household {code: row[0], gridPath: row[2], villageCode: row[3]})
    FOREACH (x IN CASE WHEN row[1] = 'U1' THEN [1] ELSE [] END | CREATE (h)-[:IN_UNIT]->(u1))
    FOREACH (x IN CASE WHEN row[1] = 'U2' THEN [1] ELSE [] END | CREATE (h)-[:IN_UNIT]->(u2))
    """)
    db.write("""
    UNWIND [['L', 'l', 1980, 'P1'], ['A', 'a', 1980, 'P2'], ['B', 'b', 1980, 'P2'], ['C', 'c', 1980, 'P2'],
            ['E', 'e', 1985, 'P1'], ['OLD', 'old', 1940, 'P1'], ['BUSY', 'busy', 1980, 'P1']] AS row
    MATCH (h:Household {code: row[1]}), (o:PartyOrg {code: row[3]})
    CREATE (p:Person:PartyMember {key: row[0], name: row[0], birthDate: date({year: row[2], month: 1, day: 1})})
    CREATE (p)-[:MEMBER_OF]->(h), (p)-[:BELONGS_TO]->(o)
    """)
    db.write("MATCH (l:Person {key: 'L'}), (h:Household) WHERE h.code IN ['h1', 'h2'] CREATE (l)-[:CONTACTS]->(h)")
    db.write("MATCH (a:Person {key: 'A'}), (h:Household {code: 'a'}) CREATE (a)-[:CONTACTS]->(h)")
    db.write("MATCH (busy:Person {key: 'BUSY'}) UNWIND range(1, 20) AS n "
             "CREATE (busy)-[:CONTACTS]->(:Household {code: 'x' + n, gridPath: '/W/', villageCode: 'W'})")
    db.write("MATCH (e:Person {key: 'E'}), (h:Household) WHERE h.code IN ['h1', 'h2'] "
             "CREATE (e)-[:MADE]->(:Visit {id: 'v-' + h.code, at: datetime()})-[:TO]->(h)")
    ranked = api.data('{ successorCandidates(personKey: "L") { member { key } score load visits reasons } }')[
        "successorCandidates"]
    # A: unit 4 + grid 3 + village 2 + room 19/20; B: grid 3 + village 2 + room 1; E: party org 2 + visits 2 + room 1;
    # C: village 2 + room 1. OLD is 70+ and BUSY has 20 households: neither is proposed.
    assert [(c["member"]["key"], c["score"]) for c in ranked] == [("A", 9.95), ("B", 6.0), ("E", 5.0), ("C", 3.0)]
    assert ranked[0]["reasons"][:3] == ["same unit", "same grid", "same village"]
    assert "visited 2 of the households" in ranked[2]["reasons"] and ranked[2]["visits"] == 2
    assert ranked[0]["load"] == 1
    scoped = api.token(Role.GRID_STAFF, "W", "/W/")
    # The leaver is outside that scope: nothing is proposed (nor said about the leaver).
    assert api.data('{ successorCandidates(personKey: "L") { member { key } } }', token=scoped) == {
        "successorCandidates": []}


def test_orphaned_responsibilities_name_members_aged_70_or_gone(town_db: Database, town: Town) -> None:
    today = date(2026, 12, 1)
    rows = library().run(town_db, "orphaned-responsibilities", {"today": today}).rows
    old = {p.key for p in town.persons.values() if p.age(today) >= 70}
    wanted = sorted(("household", h, m) for m, h in town.contacts if m in old)
    assert sorted((r["kind"], r["code"], r["personKey"]) for r in rows if r["kind"] == "household") == wanted
    assert wanted and all(r["why"] == "aged70+" for r in rows)
