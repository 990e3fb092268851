"""Every question's root field answers what the fixture town's objects say, in exactly one Cypher query, which
runs the named query the CLI runs for the same question."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import pytest

from api.auth import Role
from api.context import ApiContext
from api.resolvers import questions
from graph.database import Database
from queries.library import library
from schema.vocabulary import OPEN_STATUSES, VULNERABLE_TAGS
from tests.api.conftest import Api
from tests.fixtures.town import Town

pytestmark = pytest.mark.usefixtures("town_once")


def run(api: Api, query: str, variables: dict[str, Any] | None = None, roots: int = 1) -> dict[str, Any]:
    body = api.post(query, variables)
    assert "errors" not in body, body["errors"]
    assert body["extensions"]["cypher"]["queries"] == roots, "one Cypher query per root field"
    data: dict[str, Any] = body["data"]
    return data


# One request per question root field (every field of questions.NAMED).
ASKED = {
    "householdContacts": '{ householdContacts(householdCodes: ["A1-V1-001", "A1-V1-003"]) { code } }',
    "memberHouseholds": '{ memberHouseholds(memberKey: "id:00001") { totalCount nodes { code } } }',
    "uncontactedHouseholds": '{ uncontactedHouseholds(gridCode: "A1-V1") { totalCount nodes { code } } }',
    "vulnerablePersons": "{ vulnerablePersons { totalCount nodes { key } } }",
    "overloadedMembers": "{ overloadedMembers { nodes { key } } }",
    "exemptMembers": "{ exemptMembers { nodes { key } } }",
    "similarDisputes": '{ similarDisputes(caseCode: "D001") { disputes { case { code } } } }',
    "responsibilityChain": '{ responsibilityChain(householdCode: "A1-V1-001") { links { role } } }',
    "overdueByGrid": "{ overdueByGrid(level: 2) { grid { code } overdue { code } } }",
    "conflictHotspots": "{ conflictHotspots { disputes } }",
    "openWishes": "{ openWishes { nodes { code } } }",
    "dueSoon": "{ dueSoon(withinHours: 720) { nodes { code } } }",
    "unvisitedHouseholds": "{ unvisitedHouseholds { nodes { code } } }",
}


def test_every_question_root_field_is_listed_with_its_named_queries() -> None:
    resolvers = {name for name, value in vars(questions).items()
                 if callable(value) and getattr(value, "__module__", "") == questions.__name__
                 and not name.startswith("_")}
    camel = {name.split("_")[0] + "".join(part.title() for part in name.split("_")[1:]) for name in resolvers}
    assert camel == set(questions.NAMED) == set(ASKED)
    assert {name for names in questions.NAMED.values() for name in names} <= set(library().names())


@pytest.mark.parametrize("field", sorted(ASKED))
@pytest.mark.parametrize("scoped", [False, True])
def test_question_runs_the_text_of_its_named_query(api: Api, town: Town, monkeypatch: pytest.MonkeyPatch,
                                                  field: str, scoped: bool) -> None:
    """The Cypher of the root field holds each named query's text verbatim, with the caller's scope as its
    $scopePath: the API and the CLI cannot drift apart."""
    statements: list[tuple[str, dict[str, Any]]] = []
    read = ApiContext.read

    def recording(self: ApiContext, query: str, parameters: Any) -> list[dict[str, Any]]:
        statements.append((query, dict(parameters)))
        return read(self, query, parameters)

    monkeypatch.setattr(ApiContext, "read", recording)
    path = town.grid("A1-V1")["path"]
    token = api.token(Role.GRID_STAFF, "A1-V1", path) if scoped else None
    body = api.post(ASKED[field], token=token)
    assert "errors" not in body, body["errors"]
    assert len(statements) == 1, "one Cypher query per root field"
    query, parameters = statements[0]
    for name in questions.NAMED[field]:
        assert f"CALL () {{\n{library().get(name).cypher}\n}}" in query
    assert parameters["scopePath"] == (path if scoped else "/")


def contacted(town: Town) -> set[str]:
    return {h for _, h in town.contacts}


def test_household_contacts_and_member_households(api: Api, town: Town) -> None:
    codes = [h["code"] for h in town.households[:4]] + ["A2-V3-010"]
    data = run(api, "query($c: [String!]!) { householdContacts(householdCodes: $c) { code "
                    "contactingMembers { key } } }", {"c": codes})
    expected = {c: sorted(m for m, h in town.contacts if h == c) for c in sorted(codes)}
    assert {h["code"]: [m["key"] for m in h["contactingMembers"]] for h in data["householdContacts"]} == expected
    member = Counter(m for m, _ in town.contacts).most_common(1)[0][0]
    data = run(api, "query($k: String!) { memberHouseholds(memberKey: $k, first: 50) { totalCount nodes { code } } }",
               {"k": member})
    mine = sorted(h for m, h in town.contacts if m == member)
    assert data["memberHouseholds"]["totalCount"] == len(mine)
    assert [n["code"] for n in data["memberHouseholds"]["nodes"]] == mine


def test_uncontacted_households_paged(api: Api, town: Town) -> None:
    expected = sorted(h["code"] for h in town.households if h["code"] not in contacted(town))
    seen: list[str] = []
    after = None
    while True:
        data = run(api, "query($a: String) { uncontactedHouseholds(first: 3, after: $a) { totalCount "
                        "pageInfo { hasNextPage endCursor } edges { cursor node { code } } } }", {"a": after})
        page = data["uncontactedHouseholds"]
        assert page["totalCount"] == len(expected)
        seen += [e["node"]["code"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == expected
    village = run(api, '{ uncontactedHouseholds(gridCode: "A2-V3", first: 50) { nodes { code } } }')
    assert [n["code"] for n in village["uncontactedHouseholds"]["nodes"]] == [c for c in expected
                                                                               if c.startswith("A2-V3-")]


def test_vulnerable_persons_in_uncontacted_households(api: Api, town: Town) -> None:
    nobody = contacted(town)
    expected = sorted(p.key for p in town.persons.values()
                      if p.household and p.household not in nobody and set(p.tags) & set(VULNERABLE_TAGS))
    data = run(api, "{ vulnerablePersons(first: 50) { totalCount nodes { key tags household { code } } } }")
    assert [n["key"] for n in data["vulnerablePersons"]["nodes"]] == expected
    assert all(n["household"]["code"] not in nobody for n in data["vulnerablePersons"]["nodes"])


def test_overloaded_and_exempt_members(api: Api, town: Town) -> None:
    load = Counter(m for m, _ in town.contacts)
    members = [p for p in town.persons.values() if p.party_member]
    data = run(api, "{ overloadedMembers { nodes { key contactCount overloaded } } }")
    assert [(n["key"], n["contactCount"]) for n in data["overloadedMembers"]["nodes"]] == \
        [(k, n) for k, n in load.most_common() if n > 20]
    data = run(api, "{ exemptMembers { nodes { key age exempt contactCount } } }")
    today = date.today()
    assert {n["key"] for n in data["exemptMembers"]["nodes"]} == {p.key for p in members if p.age(today) >= 70}
    assert all(n["exempt"] and n["age"] >= 70 for n in data["exemptMembers"]["nodes"])


def test_similar_disputes_and_mediators(api: Api, town: Town) -> None:
    data = run(api, '{ similarDisputes(caseCode: "D001", first: 50) { disputes { score sameCategory closeness '
                    "case { code kind category } } mediators { mediator { key } cases successes similarCases } } }")
    answer = data["similarDisputes"]
    listed = [d["case"]["code"] for d in answer["disputes"]]
    same_category = {c.code for c in town.cases if c.kind == "dispute" and c.category == "宅基地" and c.code != "D001"}
    assert "D001" not in listed and same_category <= set(listed)
    assert all(d["case"]["kind"] == "DISPUTE" for d in answer["disputes"])
    scores = [d["score"] for d in answer["disputes"]]
    assert scores == sorted(scores, reverse=True)
    assert answer["disputes"][0]["case"]["code"] in same_category  # same category and same words rank first
    for record in answer["mediators"]:
        key = record["mediator"]["key"]
        mediated = [(c.code, o) for c in town.cases if c.kind == "dispute" for m, o in c.mediators if m == key]
        assert record["cases"] == len(mediated)
        assert record["successes"] == sum(1 for _, o in mediated if o == "success")
        assert record["similarCases"] == sum(1 for code, _ in mediated if code in listed)
    assert {r["mediator"]["key"] for r in answer["mediators"]} == {
        m for c in town.cases if c.code in listed for m, _ in c.mediators}


def test_responsibility_chain(api: Api, town: Town) -> None:
    household = town.households[0]
    data = run(api, "query($h: String!) { responsibilityChain(householdCode: $h) { household { code } "
                    "links { rank role person { key } grid { code } unit { code } } town { name } } }",
               {"h": household["code"]})
    chain = data["responsibilityChain"]
    micro = town.grid(household["grid"])
    village = town.grid(micro["parent"])
    expected = [("unitChief", town.unit_chiefs[household["unit"]])]
    for grid in (micro, village, town.grid(village["parent"])):
        expected += sorted(("gridMember", p) for p, g, _, _ in town.grid_members if g == grid["code"])
        expected.append(("gridChief", town.grid_chiefs[grid["code"]]))
    assert [(link["role"], link["person"]["key"]) for link in chain["links"]] == expected
    assert chain["town"]["name"] == "云门山街道"


def test_overdue_cases_by_grid(api: Api, town: Town) -> None:
    now = datetime.now(UTC)
    data = run(api, "{ overdueByGrid { grid { code } openCases overdueCases closedCases totalCases closureRate "
                    "overdue { code assignedOrganization { code } } } }")
    for row in data["overdueByGrid"]:
        subtree = town.subtree(row["grid"]["code"])
        cases = [c for c in town.cases if c.grid in subtree]
        open_cases = [c for c in cases if c.status in OPEN_STATUSES]
        overdue = sorted((c for c in open_cases if c.deadline < now), key=lambda c: (c.deadline, c.code))
        closed = [c for c in cases if c.status == "closed"]
        assert (row["openCases"], row["overdueCases"], row["closedCases"], row["totalCases"]) == \
            (len(open_cases), len(overdue), len(closed), len(cases))
        assert row["closureRate"] == pytest.approx(len(closed) / len(cases) if cases else None)
        assert [(c["code"], (c["assignedOrganization"] or {}).get("code")) for c in row["overdue"]] == \
            [(c.code, c.assigned_org) for c in overdue]
    assert {r["grid"]["code"] for r in data["overdueByGrid"]} == {g["code"] for g in town.grids if g["level"] == 3}


def test_conflict_hotspots(api: Api, town: Town) -> None:
    data = run(api, "{ conflictHotspots { disputes person { key } household { code } cases { code } } }")
    disputes = [c for c in town.cases if c.kind == "dispute"]
    persons = Counter(p for c in disputes for p in c.parties)
    households = Counter(h for c in disputes for h in c.households)
    expected = {("p", k): n for k, n in persons.items() if n >= 2} | {("h", k): n for k, n in households.items()
                                                                      if n >= 2}
    got = {(("p", s["person"]["key"]) if s["person"] else ("h", s["household"]["code"])): s["disputes"]
           for s in data["conflictHotspots"]}
    assert got == expected and expected


@pytest.mark.parametrize(("grid", "minimum"), [("A1-V1-M1", 2), ("A1-V1-M2", 1), ("A2", 1), ("A1", 3)])
def test_conflict_hotspots_of_a_grid_count_its_disputes(api: Api, town: Town, grid: str, minimum: int) -> None:
    data = run(api, "query($g: String, $m: Int!) { conflictHotspots(gridCode: $g, minDisputes: $m) { disputes "
                    "person { key } household { code } cases { code } } }", {"g": grid, "m": minimum})
    subtree = town.subtree(grid)
    disputes = [c for c in town.cases if c.kind == "dispute" and c.grid in subtree]
    involved: dict[tuple[str, str], set[str]] = {}
    for case in disputes:
        for key in case.parties:
            involved.setdefault(("p", key), set()).add(case.code)
        for code in case.households:
            involved.setdefault(("h", code), set()).add(case.code)
    expected = {spot: codes for spot, codes in involved.items() if len(codes) >= minimum}
    got = {(("p", s["person"]["key"]) if s["person"] else ("h", s["household"]["code"])):
           {c["code"] for c in s["cases"]} for s in data["conflictHotspots"]}
    assert got == expected and expected
    assert all(s["disputes"] == len(s["cases"]) for s in data["conflictHotspots"])


def test_member_limits_below_the_vocabulary_are_refused_and_no_codes_ask_nothing(api: Api) -> None:
    for query in ("{ overloadedMembers(limit: 5) { totalCount } }", "{ exemptMembers(age: 60) { totalCount } }"):
        body = api.post(query)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert run(api, "{ overloadedMembers(limit: 1000) { totalCount } }")["overloadedMembers"]["totalCount"] == 0
    assert run(api, "{ householdContacts(householdCodes: []) { code } }", roots=0) == {"householdContacts": []}


def test_open_wishes_and_claimers(api: Api, town: Town) -> None:
    data = run(api, "{ openWishes(first: 50) { totalCount nodes { code status claimedBy { key } } } }")
    expected = {c.code: c.claimed_by for c in town.cases if c.kind == "wish" and c.status in OPEN_STATUSES}
    assert {n["code"]: (n["claimedBy"] or {}).get("key") for n in data["openWishes"]["nodes"]} == expected
    assert any(expected.values()) and not all(expected.values())


def test_nested_navigation_both_ways_is_still_one_query(api: Api, town: Town) -> None:
    query = """{
      grid(code: "A1-V1-M1") { code parent { code children { code } } units { code households { code
        members { key household { code unit { grid { code } } } partyMember { households(first: 2) { totalCount } } }
        contactingMembers { key partyOrg { code grid { code } members(first: 1) { totalCount } } } } }
        cases(first: 5, orderBy: [{field: REPORTED_AT, direction: DESC}]) { nodes { code events { seq case { code } }
          mediations { outcome mediator { key mediations { case { code } } } } } } }
      a: household(code: "A1-V1-001") { code }
      b: household(code: "A1-V1-002") { code }
    }"""
    data = run(api, query, roots=3)
    grid = data["grid"]
    assert grid["parent"]["code"] == "A1-V1"
    assert [u["code"] for u in grid["units"]] == sorted(u["code"] for u in town.units if u["grid"] == "A1-V1-M1")
    reported = [n["code"] for n in grid["cases"]["nodes"]]
    in_grid = sorted((c for c in town.cases if c.grid == "A1-V1-M1"), key=lambda c: c.reported_at, reverse=True)
    assert reported == [c.code for c in in_grid[:5]]
    assert (data["a"]["code"], data["b"]["code"]) == ("A1-V1-001", "A1-V1-002")


def test_filters_sorting_and_page_cap(api: Api, town: Town, town_once: Database) -> None:
    data = run(api, '{ households(first: 1000, filter: {gridCode: "A1", contacted: false}, '
                    "orderBy: [{field: CODE, direction: DESC}]) { totalCount nodes { code } } }")
    area = town.subtree("A1")
    expected = sorted((h["code"] for h in town.households if h["grid"] in area and h["code"] not in contacted(town)),
                      reverse=True)
    assert data["households"]["totalCount"] == len(expected)
    assert [n["code"] for n in data["households"]["nodes"]] == expected[: api.settings.max_page_size]
    cases = run(api, "{ cases(filter: {kind: HOTLINE, overdue: true}, first: 50) { nodes { code overdue } } }")
    now = datetime.now(UTC)
    assert {n["code"] for n in cases["cases"]["nodes"]} == {
        c.code for c in town.cases if c.kind == "hotline" and c.status in OPEN_STATUSES and c.deadline < now}
    capped = run(api, "{ persons(first: 1000) { nodes { key } } }")
    assert len(capped["persons"]["nodes"]) == api.settings.max_page_size


@pytest.mark.parametrize(("scope", "grid", "answered"), [
    (None, "A1-V1", "A1-V1"),  # the whole town's caller asking for one grid
    ("A1-V1", "A1-V1-M1", "A1-V1-M1"),  # a grid inside the caller's scope
    ("A1-V1", "A1", "A1-V1"),  # a grid above it: only the scope
    ("A1-V1", "A2", None),  # a grid outside it
    (None, "NO-SUCH-GRID", None),
])
def test_grid_code_narrows_inside_the_named_query(api: Api, town: Town, monkeypatch: pytest.MonkeyPatch,
                                                  scope: str | None, grid: str, answered: str | None) -> None:
    """The gridCode goes to the named query as its own parameter (the query narrows before it reads), and the
    answer is the grid's subtree within the caller's scope; an unknown grid answers with nothing."""
    statements: list[dict[str, Any]] = []
    read = ApiContext.read

    def recording(self: ApiContext, query: str, parameters: Any) -> list[dict[str, Any]]:
        statements.append(dict(parameters))
        return read(self, query, parameters)

    monkeypatch.setattr(ApiContext, "read", recording)
    token = api.token(Role.GRID_STAFF, scope, town.grid(scope)["path"]) if scope else None
    body = api.post("query($g: String) { uncontactedHouseholds(gridCode: $g, first: 50) { totalCount nodes { code } } "
                    "openWishes(gridCode: $g, first: 50) { nodes { code } } }", {"g": grid}, token=token)
    assert "errors" not in body, body["errors"]
    assert [s["gridCode"] for s in statements] == [grid, grid]
    subtree = town.subtree(answered) if answered else set()
    households = sorted(h["code"] for h in town.households if h["grid"] in subtree and h["code"] not in contacted(town))
    assert body["data"]["uncontactedHouseholds"]["totalCount"] == len(households)
    assert [n["code"] for n in body["data"]["uncontactedHouseholds"]["nodes"]] == households
    wishes = {c.code for c in town.cases if c.kind == "wish" and c.status in OPEN_STATUSES and c.grid in subtree
              and any(set(town.persons[p].tags) & set(VULNERABLE_TAGS) for p in c.parties)}
    assert {n["code"] for n in body["data"]["openWishes"]["nodes"]} == wishes


def test_member_and_case_questions_of_a_grid(api: Api, town: Town) -> None:
    grid = "A2"
    subtree = town.subtree(grid)
    homes = {p.key: town.household(p.household)["grid"] for p in town.persons.values() if p.household}
    load = Counter(m for m, _ in town.contacts)
    data = run(api, '{ overloadedMembers(gridCode: "A2") { nodes { key } } exemptMembers(gridCode: "A2") { nodes '
                    "{ key } } vulnerablePersons(gridCode: \"A2\", first: 50) { nodes { key } } "
                    'overdueByGrid(gridCode: "A2", level: 2) { grid { code } } '
                    'loaded: overloadedMembers(gridCode: "A1-V1-M1") { nodes { key } } }', roots=5)
    assert data["overloadedMembers"]["nodes"] == [], "the one overloaded member lives in A1"
    assert [n["key"] for n in data["loaded"]["nodes"]] == \
        [k for k, n in load.most_common() if n > 20 and homes.get(k) in town.subtree("A1-V1-M1")] != []
    today = date.today()
    assert {n["key"] for n in data["exemptMembers"]["nodes"]} == {
        p.key for p in town.persons.values() if p.party_member and p.age(today) >= 70 and homes.get(p.key) in subtree}
    nobody = contacted(town)
    assert [n["key"] for n in data["vulnerablePersons"]["nodes"]] == sorted(
        p.key for p in town.persons.values() if p.household and p.household not in nobody
        and town.household(p.household)["grid"] in subtree and set(p.tags) & set(VULNERABLE_TAGS))
    assert {r["grid"]["code"] for r in data["overdueByGrid"]} == {g["code"] for g in town.grids
                                                                  if g["level"] == 2 and g["code"] in subtree}
