"""Each named query answers its question on the fixture town exactly as computed from the town's objects,
and its scopePath limits the answer to a grid subtree."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from graph.database import Database
from queries.library import Library
from schema.sensitive import SensitiveData
from tests.fixtures.town import NOW, TODAY, Town
from tests.queries import expected


def run(queries: Library, db: Database, name: str, **params: Any) -> list[dict[str, Any]]:
    return queries.run(db, name, params).rows


def test_contacts_of_households(queries: Library, town_graph: Database, town: Town) -> None:
    codes = ["A1-V1-001", "A1-V2-008", "A2-V3-001", "A2-V3-016"]
    rows = run(queries, town_graph, "contacts-of-households", householdCodes=codes)
    assert [(r["householdCode"], r["memberKey"]) for r in rows] == expected.contacts_of_households(town, codes)
    assert any(r["memberKey"] is None for r in rows), "a household nobody contacts shows as such"
    member = next(r for r in rows if r["memberKey"])
    assert member["phoneMasked"] == expected.phone_of(town, member["memberKey"])
    assert member["memberName"] == town.persons[member["memberKey"]].name

    scoped = run(queries, town_graph, "contacts-of-households", householdCodes=codes, scopePath="/A2/")
    assert [(r["householdCode"], r["memberKey"]) for r in scoped] == \
        expected.contacts_of_households(town, codes, "/A2/")


def test_contacts_of_the_household_of_an_id_number(queries: Library, town_graph: Database, town: Town,
                                                    town_sensitive: SensitiveData) -> None:
    resident = next(p for p in town.persons.values() if p.household == "A2-V3-016" and p.id_number)
    assert resident.id_number is not None
    lowercase = resident.id_number.lower()  # normalised before hashing, as the import does
    result = queries.run(town_graph, "contacts-of-households", {"idNumber": lowercase}, sensitive=town_sensitive)
    assert [(r["householdCode"], r["memberKey"]) for r in result.rows] == \
        expected.contacts_of_households(town, ["A2-V3-016"])


def test_households_of_member(queries: Library, town_graph: Database, town: Town) -> None:
    load = {m: sum(1 for x, _ in town.contacts if x == m) for m, _ in town.contacts}
    member = max(load, key=lambda m: load[m])
    rows = run(queries, town_graph, "households-of-member", memberKey=member)
    wanted = expected.households_of_member(town, member)
    assert [{k: r[k] for k in ("householdCode", "gridCode", "headName", "persons")} for r in rows] == wanted
    assert {r["memberKey"] for r in rows} == {member}

    scoped = run(queries, town_graph, "households-of-member", memberKey=member, scopePath="/A1/A1-V2")
    assert [r["householdCode"] for r in scoped] == \
        [r["householdCode"] for r in expected.households_of_member(town, member, "/A1/A1-V2/")]
    assert 0 < len(scoped) < len(rows)


def test_households_of_member_by_id_number(queries: Library, town_graph: Database, town: Town,
                                           town_sensitive: SensitiveData) -> None:
    member = next(p for p in town.persons.values() if p.party_member and p.id_number and p.age(TODAY) >= 70)
    result = queries.run(town_graph, "households-of-member", {"idNumber": member.id_number},
                         sensitive=town_sensitive)
    assert [r["householdCode"] for r in result.rows] == \
        [r["householdCode"] for r in expected.households_of_member(town, member.key)]


def test_uncontacted_households(queries: Library, town_graph: Database, town: Town) -> None:
    columns = ("householdCode", "gridCode", "persons", "vulnerableCount", "vulnerableKeys", "vulnerableNames",
               "vulnerableTags")
    rows = run(queries, town_graph, "uncontacted-households")
    assert [{k: r[k] for k in columns} for r in rows] == expected.uncontacted_households(town)
    vulnerable = run(queries, town_graph, "uncontacted-households", vulnerableOnly=True)
    assert [r["householdCode"] for r in vulnerable] == \
        [r["householdCode"] for r in expected.uncontacted_households(town, vulnerable_only=True)]
    assert 0 < len(vulnerable) < len(rows)
    scoped = run(queries, town_graph, "uncontacted-households", scopePath="/A2/A2-V3/A2-V3-M2/")
    assert [r["householdCode"] for r in scoped] == \
        [r["householdCode"] for r in expected.uncontacted_households(town, "/A2/A2-V3/A2-V3-M2/")]
    assert 0 < len(scoped) < len(rows)
    assert len(run(queries, town_graph, "uncontacted-households", limit=2)) == 2


def test_overloaded_members(queries: Library, town_graph: Database, town: Town) -> None:
    columns = ("memberKey", "age", "households", "overloaded", "exempt", "householdCode")
    rows = run(queries, town_graph, "overloaded-members", today=TODAY)
    wanted = expected.overloaded_members(town, TODAY)
    assert [{k: r[k] for k in columns} for r in rows] == wanted
    assert any(r["overloaded"] for r in rows) and any(r["exempt"] for r in rows)
    # Twenty years on, more members are 70 or older.
    later = TODAY.replace(year=TODAY.year + 20)
    assert [r["memberKey"] for r in run(queries, town_graph, "overloaded-members", today=later)] == \
        [r["memberKey"] for r in expected.overloaded_members(town, later)]
    scoped = run(queries, town_graph, "overloaded-members", today=TODAY, scopePath="/A2/")
    assert [r["memberKey"] for r in scoped] == [r["memberKey"] for r in expected.overloaded_members(town, TODAY,
                                                                                                    "/A2/")]
    assert 0 < len(scoped) < len(rows)


def test_similar_disputes_of_a_case(queries: Library, town_graph: Database, town: Town) -> None:
    source = next(c for c in town.cases if c.code == "D001")
    rows = run(queries, town_graph, "similar-disputes", caseCode="D001")
    found = {r["caseCode"] for r in rows}
    assert found == expected.similar_disputes(town, f"{source.title} {source.description}", source.category,
                                              exclude="D001")
    cases = {c.code: c for c in town.cases}
    for row in rows:
        case = cases[row["caseCode"]]
        assert row["category"] == source.category
        assert row["closeness"] == expected.closeness(town, source, case)
        assert (row["personKey"], row["outcome"]) in case.mediators
        assert (row["mediated"], row["succeeded"]) == expected.mediator_record(town, row["personKey"])
    # The ranking: scores never rise, and of cases with the same text the nearer ones come first.
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    first: dict[str, int] = {}
    for index, row in enumerate(rows):
        first.setdefault(row["caseCode"], index)
    by_text: dict[str, list[str]] = {}
    for code in found:
        by_text.setdefault(cases[code].description, []).append(code)
    ranks = ["none", "village", "grid", "unit", "party"]
    compared = 0
    for codes in by_text.values():
        in_order = sorted(codes, key=lambda code: first[code])
        nearness = [ranks.index(expected.closeness(town, source, cases[code])) for code in in_order]
        assert nearness == sorted(nearness, reverse=True)
        compared += len(set(nearness)) > 1
    assert compared, "the town has cases of the same text at different distances"


def test_similar_disputes_of_a_text(queries: Library, town_graph: Database, town: Town) -> None:
    text = "邻居家的排水流进院子 AND (纠纷) OR \"噪音\" -x* ~ ^2 \\ : / [a TO z]"  # Lucene syntax is only text
    rows = run(queries, town_graph, "similar-disputes", text=text, category="邻里纠纷")
    assert {r["caseCode"] for r in rows} == expected.similar_disputes(town, text, "邻里纠纷")
    assert {r["closeness"] for r in rows} == {"none"}, "a text has no place in the graph"
    scoped = run(queries, town_graph, "similar-disputes", text=text, category="邻里纠纷", scopePath="/A1/A1-V2/")
    assert {r["caseCode"] for r in scoped} == expected.similar_disputes(town, text, "邻里纠纷", scope="/A1/A1-V2/")
    assert 0 < len({r["caseCode"] for r in scoped}) < len({r["caseCode"] for r in rows})
    assert run(queries, town_graph, "similar-disputes", text="!!! ***", category="邻里纠纷") == []


def test_responsibility_chain(queries: Library, town_graph: Database, town: Town) -> None:
    rows = run(queries, town_graph, "responsibility-chain", householdCodes=["A1-V1-003"])
    assert [(r["step"], r["role"], r["personKey"], r["regionCode"]) for r in rows] == \
        expected.responsibility_chain(town, "A1-V1-003")
    for row in rows:
        if row["personKey"]:
            assert row["phoneMasked"] == expected.phone_of(town, row["personKey"])
    roles = [r["role"] for r in rows]
    assert roles[0] == "unitChief" and roles[-1] == "region"
    assert [r["gridCode"] for r in rows if r["role"] == "gridChief"] == ["A1-V1-M1", "A1-V1", "A1"]
    professional = next(r for r in rows if r["department"])
    assert professional["gridCode"] == "A1-V1"
    assert run(queries, town_graph, "responsibility-chain", householdCodes=["A1-V1-003"], scopePath="/A2/") == []


def test_overdue_cases(queries: Library, town_graph: Database, town: Town) -> None:
    columns = ("caseCode", "gridCode", "overdueDays", "holders", "holderOrganizationCodes")
    rows = run(queries, town_graph, "overdue-cases", now=NOW)
    assert [{k: r[k] for k in columns} for r in rows] == expected.overdue_cases(town, NOW)
    assert {r["kind"] for r in rows} == {"dispute", "hotline"}
    assert all(r["deadline"] < NOW for r in rows)
    hotline = run(queries, town_graph, "overdue-cases", now=NOW, kind="hotline")
    assert [r["caseCode"] for r in hotline] == [r["caseCode"] for r in rows if r["kind"] == "hotline"]
    scoped = run(queries, town_graph, "overdue-cases", now=NOW, scopePath="/A2/")
    assert [r["caseCode"] for r in scoped] == [r["caseCode"] for r in expected.overdue_cases(town, NOW, "/A2/")]
    assert 0 < len(scoped) < len(rows)


def test_conflict_hotspots(queries: Library, town_graph: Database, town: Town) -> None:
    rows = run(queries, town_graph, "conflict-hotspots")
    found = {(r["kind"], r["personKey"] or r["householdCode"], r["cases"], tuple(sorted(r["caseCodes"])))
             for r in rows}
    assert found == expected.conflict_hotspots(town)
    assert [r["cases"] for r in rows] == sorted((r["cases"] for r in rows), reverse=True)
    for row in rows:
        if row["kind"] == "person":
            assert row["householdCode"] == town.persons[row["personKey"]].household
    three = run(queries, town_graph, "conflict-hotspots", minCases=6)
    assert {(r["kind"], r["personKey"] or r["householdCode"]) for r in three} == \
        {(kind, key) for kind, key, _, _ in expected.conflict_hotspots(town, 6)}
    scoped = run(queries, town_graph, "conflict-hotspots", scopePath="/A1/A1-V1/A1-V1-M2/", minCases=1)
    assert {(r["kind"], r["personKey"] or r["householdCode"]) for r in scoped} == \
        {(kind, key) for kind, key, _, _ in expected.conflict_hotspots(town, 1, "/A1/A1-V1/A1-V1-M2/")}


def test_open_wishes(queries: Library, town_graph: Database, town: Town) -> None:
    rows = run(queries, town_graph, "open-wishes")
    assert {(r["caseCode"], r["personKey"], r["claimerKey"], tuple(r["tags"])) for r in rows} == \
        expected.open_wishes(town)
    assert any(r["claimerKey"] for r in rows) and any(r["claimerKey"] is None for r in rows)
    unclaimed = run(queries, town_graph, "open-wishes", claimed=False)
    assert {r["caseCode"] for r in unclaimed} == {w for w, _, c, _ in expected.open_wishes(town) if c is None}
    scope = expected.grid_path(town, rows[-1]["gridCode"])
    scoped = run(queries, town_graph, "open-wishes", scopePath=scope)
    assert {r["caseCode"] for r in scoped} == {w for w, _, _, _ in expected.open_wishes(town, scope)}
    assert run(queries, town_graph, "open-wishes", scopePath="/A2/") == []


def test_due_soon(queries: Library, town_graph: Database, town: Town) -> None:
    for hours in (24, 24 * 5, 24 * 30):
        rows = run(queries, town_graph, "due-soon", now=NOW, withinHours=hours)
        assert [r["caseCode"] for r in rows] == expected.due_soon(town, NOW, hours)
    rows = run(queries, town_graph, "due-soon", now=NOW, withinHours=24 * 30)
    assert rows and all(0 <= r["hoursLeft"] < 24 * 30 for r in rows)
    assert [r["caseCode"] for r in run(queries, town_graph, "due-soon", now=NOW, withinHours=24 * 30,
                                       scopePath="/A2/")] == expected.due_soon(town, NOW, 24 * 30, "/A2/")


def test_grid_coverage(queries: Library, town_graph: Database, town: Town) -> None:
    rows = run(queries, town_graph, "grid-coverage", now=NOW)
    wanted = expected.grid_coverage(town, NOW)
    assert [{k: r[k] for k in wanted[0]} for r in rows] == [
        {k: pytest.approx(v) if isinstance(v, float) else v for k, v in w.items()} for w in wanted]
    top = [r for r in rows if r["level"] == 1]
    assert sum(r["households"] for r in top) == len(town.households)
    assert [r["gridCode"] for r in run(queries, town_graph, "grid-coverage", now=NOW, maxLevel=1)] == ["A1", "A2"]
    scoped = run(queries, town_graph, "grid-coverage", now=NOW, scopePath="/A2/")
    assert [r["gridCode"] for r in scoped] == [r["gridCode"] for r in expected.grid_coverage(town, NOW, "/A2/")]


# The grid-scoped queries, each with its fixed arguments and, for a scope, the keys of its answer as computed
# from the town's objects (in the query's order where it has one).
NARROWED: dict[str, tuple[dict[str, Any], Any, Any]] = {
    "uncontacted-households": (
        {}, lambda town, scope: [r["householdCode"] for r in expected.uncontacted_households(town, scope)],
        lambda rows: [r["householdCode"] for r in rows]),
    "overloaded-members": (
        {"today": TODAY}, lambda town, scope: [r["memberKey"] for r in expected.overloaded_members(town, TODAY, scope)],
        lambda rows: [r["memberKey"] for r in rows]),
    "overdue-cases": (
        {"now": NOW}, lambda town, scope: [r["caseCode"] for r in expected.overdue_cases(town, NOW, scope)],
        lambda rows: [r["caseCode"] for r in rows]),
    "conflict-hotspots": (
        {"minCases": 1},
        lambda town, scope: {(kind, key, n) for kind, key, n, _ in expected.conflict_hotspots(town, 1, scope)},
        lambda rows: {(r["kind"], r["personKey"] or r["householdCode"], r["cases"]) for r in rows}),
    "open-wishes": (
        {}, lambda town, scope: {w for w, _, _, _ in expected.open_wishes(town, scope)},
        lambda rows: {r["caseCode"] for r in rows}),
    "due-soon": (
        {"now": NOW, "withinHours": 24 * 30},
        lambda town, scope: expected.due_soon(town, NOW, 24 * 30, scope), lambda rows: [r["caseCode"] for r in rows]),
    "unvisited-households": (
        {}, lambda town, scope: sorted(h["code"] for h in town.households
                                       if expected.household_path(town, h["code"]).startswith(scope)),
        lambda rows: sorted(r["householdCode"] for r in rows)),
    "orphaned-responsibilities": (
        {"today": TODAY},
        lambda town, scope: sorted(h for m, h in town.contacts if town.persons[m].age(TODAY) >= 70
                                   and expected.household_path(town, h).startswith(scope)),
        lambda rows: sorted(r["code"] for r in rows if r["kind"] == "household")),
    "grid-scorecard": (
        {"periodStart": datetime(2026, 1, 1, tzinfo=UTC), "periodEnd": datetime(2027, 1, 1, tzinfo=UTC), "level": 3},
        lambda town, scope: sorted(g["code"] for g in town.grids if g["level"] == 3 and g["path"].startswith(scope)),
        lambda rows: sorted(r["gridCode"] for r in rows)),
    "grid-coverage": (
        {"now": NOW}, lambda town, scope: [(r["gridCode"], r["households"], r["cases"])
                                           for r in expected.grid_coverage(town, NOW, scope)],
        lambda rows: [(r["gridCode"], r["households"], r["cases"]) for r in rows]),
}


def test_the_grid_scoped_queries_take_a_grid_code(queries: Library) -> None:
    assert sorted(NARROWED) == sorted(spec.name for spec in queries if spec.param("gridCode"))


@pytest.mark.parametrize("name", sorted(NARROWED))
def test_grid_code_narrows_within_the_scope(queries: Library, town_graph: Database, town: Town, name: str) -> None:
    """gridCode narrows to the grid's subtree inside the caller's scope: a grid in the scope gives its subtree, a
    grid above the scope the scope, a grid outside the scope (or no such grid) nothing — never anything outside."""
    arguments, wanted, got = NARROWED[name]

    def path(code: str) -> str:
        return expected.grid_path(town, code)

    asked = [  # (scopePath, gridCode, the subtree answered; None: no rows)
        ("/", "A1-V1", path("A1-V1")),
        ("/", "A2-V3-M2", path("A2-V3-M2")),
        ("/A1/", "A1-V1-M2", path("A1-V1-M2")),
        ("/A1/A1-V1/", "A1-V1", path("A1-V1")),
        ("/A1/A1-V1/", "A1", "/A1/A1-V1/"),  # above the scope: only the scope
        ("/A1/A1-V1/", "A1-V2", None),  # beside the scope
        ("/A1/", "A2", None),
        ("/", "NO-SUCH-GRID", None),
        ("/A1/", None, "/A1/"),
    ]
    answered = []
    for scope, grid, subtree in asked:
        rows = run(queries, town_graph, name, scopePath=scope, gridCode=grid, **arguments)
        if subtree is None:
            assert rows == [], (scope, grid)
        else:
            assert got(rows) == wanted(town, subtree), (scope, grid)
            answered.append(got(rows))
    whole = got(run(queries, town_graph, name, **arguments))
    assert any(answered) and any(answer != whole for answer in answered), "the narrowing is not vacuous"
    assert run(queries, town_graph, name, gridCode=" ", **arguments) == \
        run(queries, town_graph, name, **arguments), "an empty grid code asks for the whole scope"
