"""reassign: a leaving member's responsibilities move in one transaction, checked item by item first."""

from __future__ import annotations

from collections import Counter
from typing import Any

from api.auth import Role
from graph.database import Database
from schema.vocabulary import OPEN_STATUSES
from tests.api.conftest import Api
from tests.fixtures.town import Town

REASSIGN = ("mutation($f: String!, $p: [ReassignItem!]!, $r: String!, $force: Boolean!) { "
            "reassign(fromKey: $f, plan: $p, reason: $r, force: $force) { moved warnings auditId } }")
IMPACT = ("query($k: String!) { departureImpact(personKey: $k) { households { code } units { code } "
          "openCases { code } claimedWishes { code } } }")


def holdings(town_db: Database, key: str) -> dict[str, Any]:
    return town_db.read(
        "MATCH (p:Person {key: $k}) RETURN "
        "COLLECT { MATCH (p)-[:CONTACTS]->(h) RETURN h.code ORDER BY h.code } AS households, "
        "COLLECT { MATCH (p)-[:UNIT_CHIEF_OF]->(u) RETURN u.code ORDER BY u.code } AS units, "
        "COLLECT { MATCH (c:Case)-[a:ASSIGNED_TO]->(p) WHERE a.until IS NULL RETURN c.code ORDER BY c.code } AS cases, "
        "COLLECT { MATCH (p)-[:CLAIMED]->(w) RETURN w.code ORDER BY w.code } AS wishes", {"k": key})[0]


def leaving_member(town_db: Database, town: Town) -> tuple[str, str, str, str]:
    """A member in A1-V1 with households, who also leads a unit, holds a case and claimed a wish."""
    loads = Counter(m for m, _ in town.contacts)
    member = next(p.key for p in sorted(town.persons.values(), key=lambda p: p.key)
                  if p.party_member and 0 < loads[p.key] <= 20 and (p.household or "").startswith("A1-"))
    unit = town.units[0]["code"]
    case = next(c.code for c in town.cases if c.status in OPEN_STATUSES and c.kind != "wish")
    wish = next(c.code for c in town.cases if c.kind == "wish" and c.claimed_by is None and c.status in OPEN_STATUSES)
    town_db.write("MATCH (p:Person {key: $k}), (u:Unit {code: $u}), (c:Case {code: $c}), (w:Case {code: $w}) "
                  "MERGE (p)-[:UNIT_CHIEF_OF]->(u) CREATE (c)-[:ASSIGNED_TO {role: 'lead', since: datetime()}]->(p) "
                  "CREATE (p)-[:CLAIMED {at: datetime()}]->(w)", {"k": member, "u": unit, "c": case, "w": wish})
    return member, unit, case, wish


def successor(town: Town, member: str) -> str:
    """A party member under 70 in the same village who contacts nobody (the fixture's idle member)."""
    contacting = {m for m, _ in town.contacts}
    return next(p.key for p in town.persons.values() if p.party_member and p.key != member
                and p.key not in contacting and p.age() < 70)


def test_a_plan_moves_everything_and_leaves_nothing_behind(town_db: Database, town: Town, api: Api) -> None:
    member, unit, case, wish = leaving_member(town_db, town)
    heir = successor(town, member)
    before = holdings(town_db, member)
    plan = ([{"kind": "HOUSEHOLD", "code": h, "toKey": heir} for h in before["households"]]
            + [{"kind": "UNIT", "code": unit, "toKey": heir}, {"kind": "CASE", "code": case, "toKey": heir},
               {"kind": "WISH", "code": wish, "toKey": heir}])
    done = api.data(REASSIGN, {"f": member, "p": plan, "r": "迁出本村", "force": False})["reassign"]
    assert done["moved"] == len(plan) and done["warnings"] == []
    after = holdings(town_db, heir)
    assert after["households"] == before["households"] and unit in after["units"]
    assert case in after["cases"] and wish in after["wishes"]
    assert api.data(IMPACT, {"k": member})["departureImpact"] == {
        "households": [], "units": [], "openCases": [], "claimedWishes": [c for c in before["wishes"] if c != wish]}
    event = town_db.read("MATCH (:Case {code: $c})-[:HAS_EVENT]->(e:CaseEvent) RETURN e.action AS a, "
                         "e.assignee AS to, e.note AS note ORDER BY e.seq DESC LIMIT 1", {"c": case})[0]
    assert event == {"a": "reassign", "to": heir, "note": "迁出本村"}
    closed = town_db.read("MATCH (:Case {code: $c})-[a:ASSIGNED_TO]->(:Person {key: $k}) RETURN a.until IS NOT NULL "
                          "AS closed", {"c": case, "k": member})
    assert closed == [{"closed": True}]  # history kept
    audit = town_db.read("MATCH (a:AuditEntry {action: 'reassign'}) RETURN a.id AS id, a.target AS target")
    assert audit == [{"id": done["auditId"], "target": member}]


def test_a_plan_with_one_bad_item_changes_nothing(town_db: Database, town: Town, api: Api) -> None:
    member, unit, case, _ = leaving_member(town_db, town)
    heir = successor(town, member)
    before = (holdings(town_db, member), holdings(town_db, heir))
    not_held = next(h["code"] for h in town.households if h["code"] not in before[0]["households"])
    plan = [{"kind": "UNIT", "code": unit, "toKey": heir}, {"kind": "HOUSEHOLD", "code": not_held, "toKey": heir},
            {"kind": "CASE", "code": case, "toKey": "NO-SUCH-PERSON"}]
    error = api.post(REASSIGN, {"f": member, "p": plan, "r": "去世", "force": False})["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "item 2" in error["message"] and "item 3" in error["message"] and "item 1" not in error["message"]
    assert (holdings(town_db, member), holdings(town_db, heir)) == before
    assert town_db.read("MATCH (a:AuditEntry {action: 'reassign'}) RETURN count(a) AS n")[0]["n"] == 0


def test_households_go_to_members_under_70_with_room_unless_forced(town_db: Database, town: Town,
                                                                   api: Api) -> None:
    member, *_ = leaving_member(town_db, town)
    old = next(p.key for p in town.persons.values() if p.party_member and p.age() >= 70)
    households = holdings(town_db, member)["households"]
    plan = [{"kind": "HOUSEHOLD", "code": h, "toKey": old} for h in households]
    refused = api.post(REASSIGN, {"f": member, "p": plan, "r": "年满70周岁", "force": False})["errors"][0]
    assert refused["extensions"]["code"] == "CONTACT_REFUSED" and "70" in refused["message"]
    assert holdings(town_db, member)["households"] == households
    forced = api.data(REASSIGN, {"f": member, "p": plan, "r": "年满70周岁", "force": True})["reassign"]
    assert forced["warnings"] and forced["moved"] == len(households)


def test_roles_and_scope(town_db: Database, town: Town, api: Api) -> None:
    member, _, case, _ = leaving_member(town_db, town)
    heir = successor(town, member)
    officer = api.post(REASSIGN, {"f": member, "p": [{"kind": "CASE", "code": case, "toKey": heir}], "r": "迁出",
                                  "force": False}, role=Role.PARTY_OFFICER)
    assert officer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    beside = api.token(Role.PARTY_OFFICER, "A2", "/A2/")
    outside = api.post(REASSIGN, {"f": member, "p": [{"kind": "WISH", "code": case, "toKey": heir}], "r": "迁出",
                                  "force": False}, token=beside)
    assert outside["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_a_responsibility_listed_twice_is_refused(town_db: Database, town: Town, api: Api) -> None:
    member, unit, _, _ = leaving_member(town_db, town)
    heir = successor(town, member)
    plan = [{"kind": "UNIT", "code": unit, "toKey": heir}, {"kind": "UNIT", "code": unit, "toKey": member}]
    error = api.post(REASSIGN, {"f": member, "p": plan, "r": "迁出", "force": False})["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "more than once" in error["message"]
    assert unit in holdings(town_db, member)["units"]
