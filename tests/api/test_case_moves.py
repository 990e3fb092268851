"""Moves besides the main loop: extensions decided by the level above, returns, follow-up visits; time left."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from api.auth import Role
from api.compile.catalog import ALLOWED_MOVES
from graph.database import Database
from graph.settings import Settings
from loaders.importer import Importer
from schema.case_flow import allowed_moves
from schema.vocabulary import CaseStatus, EscalationLevel
from tests.api.conftest import Api
from tests.fixtures.town import Town

FIELDS = ("code status deadline allowedMoves extensionRequested extensionUntil extensionReason extensions "
          "hoursLeft timeLeft assignee { key } events { action actor note }")
VILLAGE = ("A1-V1", "/A1/A1-V1/")  # the grid chief of a village holds its micro-grids' cases
AREA = ("A1", "/A1/")              # the management area is the level above the village


def report(api: Api, token: str, reported_at: str = "2026-11-27T10:00:00+08:00") -> dict[str, Any]:
    case: dict[str, Any] = api.data(
        "mutation($i: ReportCaseInput!) { reportCase(input: $i) { code } }",
        {"i": {"kind": "HOTLINE", "gridCode": "A1-V1-M1", "title": "路灯不亮", "urgency": "PRIORITY",
               "reportedAt": reported_at}}, token=token)["reportCase"]
    return case


def run(api: Api, token: str, mutation: str, code: str, args: str = "") -> dict[str, Any]:
    data: dict[str, Any] = api.data(f'mutation {{ {mutation}(code: "{code}"{args}) {{ {FIELDS} }} }}',
                                    token=token)[mutation]
    return data


def error_of(api: Api, token: str, mutation: str, code: str, args: str = "") -> dict[str, Any]:
    body = api.post(f'mutation {{ {mutation}(code: "{code}"{args}) {{ code }} }}', token=token)
    assert body["data"] is None or body["data"][mutation] is None
    error: dict[str, Any] = body["errors"][0]
    return error


def test_an_extension_is_asked_once_and_decided_by_the_level_above(town_db: Database, api: Api) -> None:
    chief = api.token(Role.GRID_STAFF, *VILLAGE, name="village-chief")
    other_chief = api.token(Role.GRID_STAFF, *VILLAGE, name="deputy-chief")
    area = api.token(Role.GRID_STAFF, *AREA, name="area-chief")
    code = report(api, chief)["code"]
    run(api, chief, "acceptCase", code)
    # The priority ticket is due 2026-12-02 (3 working days); one more hotline time limit is the most.
    too_late = error_of(api, chief, "requestExtension", code, ', until: "2026-12-31T18:00:00+08:00", reason: "x"')
    assert too_late["extensions"]["code"] == "BAD_USER_INPUT" and "2026-12-21" in too_late["message"]
    earlier = error_of(api, chief, "requestExtension", code, ', until: "2026-12-01T18:00:00+08:00", reason: "x"')
    assert earlier["extensions"]["code"] == "BAD_USER_INPUT" and "after the current deadline" in earlier["message"]
    blank = error_of(api, chief, "requestExtension", code, ', until: "2026-12-10T18:00:00+08:00", reason: " "')
    assert blank["extensions"]["code"] == "BAD_USER_INPUT" and "reason" in blank["message"]
    asked = run(api, chief, "requestExtension", code, ', until: "2026-12-10T09:00:00+08:00", reason: "需协调供电所"')
    assert asked["status"] == "ACCEPTED" and asked["extensionRequested"] is True
    assert asked["extensionUntil"].startswith("2026-12-10T23:59:59") and asked["deadline"].startswith("2026-12-02")
    assert "APPROVE_EXTENSION" in asked["allowedMoves"] and "REQUEST_EXTENSION" not in asked["allowedMoves"]
    twice = error_of(api, chief, "requestExtension", code, ', until: "2026-12-09T18:00:00+08:00", reason: "x"')
    assert twice["extensions"]["code"] == "ILLEGAL_CASE_MOVE" and "waiting for a decision" in twice["message"]
    # Neither the asker nor anyone at the same level decides.
    for token in (chief, other_chief):
        refused = error_of(api, token, "approveExtension", code)
        assert refused["extensions"]["code"] == "FORBIDDEN"
    assert town_db.read("MATCH (c:Case {code: $c}) RETURN c.extensions AS n, c.extensionRequested AS r",
                        {"c": code}) == [{"n": None, "r": True}]  # nothing half-written
    granted = run(api, area, "approveExtension", code, ', note: "同意"')
    assert granted["deadline"].startswith("2026-12-10T23:59:59") and granted["extensions"] == 1
    assert granted["extensionRequested"] is False and "REQUEST_EXTENSION" not in granted["allowedMoves"]
    assert [(e["action"], e["actor"]) for e in granted["events"]][-2:] == [
        ("requestExtension", "village-chief"), ("approveExtension", "area-chief")]
    assert granted["events"][-2]["note"] == "需协调供电所"
    again = error_of(api, chief, "requestExtension", code, ', until: "2026-12-11T18:00:00+08:00", reason: "x"')
    assert "1 extension allowed" in again["message"]


def test_a_refused_extension_keeps_the_deadline(town_db: Database, api: Api) -> None:
    chief = api.token(Role.GRID_STAFF, *VILLAGE, name="village-chief")
    code = report(api, chief)["code"]
    run(api, chief, "acceptCase", code)
    run(api, chief, "requestExtension", code, ', until: "2026-12-04T18:00:00+08:00", reason: "材料未齐"')
    no_reason = error_of(api, api.token(Role.TOWN_ADMIN), "refuseExtension", code, ', reason: ""')
    assert no_reason["extensions"]["code"] == "BAD_USER_INPUT"
    refused = run(api, api.token(Role.TOWN_ADMIN, name="centre"), "refuseExtension", code, ', reason: "可按期办结"')
    assert refused["deadline"].startswith("2026-12-02") and refused["extensionRequested"] is False
    assert refused["extensionUntil"] is None and refused["extensions"] == 0
    assert "REQUEST_EXTENSION" in refused["allowedMoves"]  # refused requests do not use up the one allowed


def test_a_returned_case_goes_back_to_the_dispatcher_and_keeps_who_held_it(town_db: Database, api: Api) -> None:
    chief = api.token(Role.GRID_STAFF, *VILLAGE, name="village-chief")
    code = report(api, chief)["code"]
    run(api, chief, "acceptCase", code)
    centre = api.token(Role.TOWN_ADMIN, name="centre")  # a town department is linked by the town-wide centre
    run(api, centre, "dispatchCase", code, ', organizationCode: "ORG-CG"')
    assert error_of(api, chief, "returnCase", code, ', reason: ""')["extensions"]["code"] == "BAD_USER_INPUT"
    returned = run(api, chief, "returnCase", code, ', reason: "不属于城管职责"')
    assert returned["status"] == "ACCEPTED" and "DISPATCH" in returned["allowedMoves"]
    history = town_db.read("MATCH (:Case {code: $c})-[a:ASSIGNED_TO]->(o:Organization) "
                           "RETURN o.code AS org, a.since IS NOT NULL AS since, a.until IS NOT NULL AS closed",
                           {"c": code})
    assert history == [{"org": "ORG-CG", "since": True, "closed": True}]
    held = api.data('{ organization(code: "ORG-CG") { cases(first: 50) { nodes { code } } } }')["organization"]
    assert code not in [n["code"] for n in held["cases"]["nodes"]]  # closed assignments are history
    again = run(api, centre, "dispatchCase", code, ', organizationCode: "ORG-CG"')
    assert again["status"] == "DISPATCHED"
    assert town_db.read("MATCH (:Case {code: $c})-[a:ASSIGNED_TO]->() RETURN count(a) AS n, "
                        "count(a.until) AS closed", {"c": code}) == [{"n": 2, "closed": 1}]


def test_a_follow_up_visit_comes_between_resolution_and_verification(town_db: Database, api: Api) -> None:
    chief = api.token(Role.GRID_STAFF, *VILLAGE, name="village-chief")
    code = report(api, chief)["code"]
    for step in ("acceptCase", "startCase"):
        if step == "startCase":
            run(api, api.token(Role.TOWN_ADMIN), "dispatchCase", code, ', organizationCode: "ORG-CG"')
        run(api, chief, step, code)
    open_case = run(api, chief, "resolveCase", code)
    assert open_case["hoursLeft"] is None and open_case["timeLeft"] is None  # not open any more
    visited = run(api, chief, "followUpCase", code, ', note: "电话回访，路灯已修复"')
    assert visited["status"] == "FOLLOWED_UP" and "VERIFY" in visited["allowedMoves"]
    assert run(api, chief, "verifyCase", code)["status"] == "VERIFIED"


def test_time_left_is_counted_to_the_deadline(town_db: Database, api: Api) -> None:
    chief = api.token(Role.GRID_STAFF, *VILLAGE)
    now = datetime.now().astimezone()
    code = report(api, chief, now.isoformat())["code"]
    case = run(api, chief, "acceptCase", code)
    deadline = datetime.fromisoformat(case["deadline"])
    expected = (deadline - datetime.now().astimezone()).total_seconds() / 3600
    assert abs(case["hoursLeft"] - expected) < 0.1
    assert case["timeLeft"].startswith("P")


def test_allowed_moves_in_cypher_match_the_rule(db: Database) -> None:
    states = [{"status": s.value, "level": level.value, "requested": requested, "granted": granted}
              for s in CaseStatus for level in EscalationLevel for requested in (None, False, True)
              for granted in (None, 0, 1)]
    rows = db.read("UNWIND $states AS s WITH s, {status: s.status, level: s.level, extensionRequested: s.requested, "
                   "extensions: s.granted} AS c RETURN s, " + ALLOWED_MOVES.replace("{v}", "c") + " AS moves",
                   {"states": states})
    for row in rows:
        s = row["s"]
        expected = allowed_moves(CaseStatus(s["status"]), EscalationLevel(s["level"]), bool(s["requested"]),
                                 s["granted"] or 0)
        assert row["moves"] == [m.value for m in expected], s


def test_a_ticket_gets_the_same_deadline_from_a_sheet_as_from_report_case(town_db: Database, api: Api,
                                                                         settings: Settings, tmp_path: Path) -> None:
    sheet = tmp_path / "12345工单.csv"
    sheet.write_text("工单编号,来电时间,所属网格,诉求内容,紧急程度\n"
                     "H-SHEET-1,2026-09-29 10:00,A1-V1-M1,路灯不亮,紧急\n"
                     "H-SHEET-2,2026-09-29 10:00,A1-V1-M1,路灯不亮,一般\n", encoding="utf-8")
    report_ = Importer(town_db, settings).run([sheet])
    assert not [i for i in report_.issues if i.severity == "rejected"]
    chief = api.token(Role.GRID_STAFF, *VILLAGE)
    sheet_deadlines = {r["code"]: r["d"].to_native() for r in town_db.read(
        "MATCH (c:Case) WHERE c.code STARTS WITH 'H-SHEET' RETURN c.code AS code, c.deadline AS d")}
    for code, urgency in (("H-SHEET-1", "PRIORITY"), ("H-SHEET-2", "NORMAL")):
        made = api.data("mutation($i: ReportCaseInput!) { reportCase(input: $i) { deadline } }",
                        {"i": {"kind": "HOTLINE", "gridCode": "A1-V1-M1", "title": "路灯不亮", "urgency": urgency,
                               "reportedAt": "2026-09-29T10:00:00+08:00"}}, token=chief)["reportCase"]
        assert datetime.fromisoformat(made["deadline"]) == sheet_deadlines[code]
    # Across the National Day break: 3 working days → 10-09, 13 → 10-22.
    assert sheet_deadlines["H-SHEET-1"].date().isoformat() == "2026-10-09"
    assert sheet_deadlines["H-SHEET-2"].date().isoformat() == "2026-10-22"


def test_due_soon_lists_open_cases_in_scope_soonest_first(town_db: Database, api: Api) -> None:
    chief = api.token(Role.GRID_STAFF, *VILLAGE)
    made = {}
    for urgency in ("URGENT", "NORMAL"):
        made[urgency] = api.data(
            "mutation($i: ReportCaseInput!) { reportCase(input: $i) { code deadline } }",
            {"i": {"kind": "HOTLINE", "gridCode": "A1-V1-M1", "title": "水管爆裂", "urgency": urgency}},
            token=chief)["reportCase"]
    query = "query($h: Int!) { dueSoon(withinHours: $h, first: 50) { nodes { code deadline hoursLeft } } }"
    today = [n["code"] for n in api.data(query, {"h": 24}, token=chief)["dueSoon"]["nodes"]]
    assert made["URGENT"]["code"] in today and made["NORMAL"]["code"] not in today
    later = api.data(query, {"h": 24 * 40}, token=chief)["dueSoon"]["nodes"]
    assert [n["deadline"] for n in later] == sorted(n["deadline"] for n in later)
    assert {made["URGENT"]["code"], made["NORMAL"]["code"]} <= {n["code"] for n in later}
    assert all(0 <= n["hoursLeft"] < 24 * 40 for n in later)
    beside = api.token(Role.GRID_STAFF, "A2", "/A2/")
    assert not {made["URGENT"]["code"], made["NORMAL"]["code"]} & {
        n["code"] for n in api.data(query, {"h": 24 * 40}, token=beside)["dueSoon"]["nodes"]}
    assert api.post(query, {"h": 0})["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_case_is_dispatched_to_a_lead_and_co_handlers_of_its_village(town_db: Database, api: Api,
                                                                      town: Town) -> None:
    chief = api.token(Role.GRID_STAFF, *VILLAGE, name="village-chief")
    code = report(api, chief)["code"]
    run(api, chief, "acceptCase", code)
    residents = sorted(p.key for p in town.persons.values() if (p.household or "").startswith("A1-V1-"))
    lead, helpers = residents[0], residents[1:3]
    elsewhere = next(p.key for p in town.persons.values() if (p.household or "").startswith("A1-V2-"))
    fields = ("status assignee { key } coHandlers { key } assignments { person { key } organization { code } role "
              "until } events { action assignee coHandlers }")
    query = ("mutation($c: String!, $a: String, $o: String, $co: [String!]) { dispatchCase(code: $c, assigneeKey: $a, "
             f"organizationCode: $o, coHandlerKeys: $co) {{ {fields} }} }}")
    # A co-handler from another village of the caller's scope is refused, and nothing is written.
    wide = api.token(Role.GRID_STAFF, "A1", "/A1/", name="area-chief")
    refused = api.post(query, {"c": code, "a": lead, "co": [helpers[0], elsewhere]}, token=wide)["errors"][0]
    assert refused["extensions"]["code"] == "BAD_USER_INPUT" and "item 2" in refused["message"]
    assert elsewhere not in refused["message"]
    assert town_db.read("MATCH (c:Case {code: $c}) RETURN c.status AS s, COUNT { (c)-[:ASSIGNED_TO]->() } AS n",
                        {"c": code}) == [{"s": "accepted", "n": 0}]
    case = api.data(query, {"c": code, "a": lead, "co": helpers}, token=chief)["dispatchCase"]
    assert case["status"] == "DISPATCHED" and case["assignee"] == {"key": lead}
    assert [p["key"] for p in case["coHandlers"]] == sorted(helpers)
    assert case["events"][-1] == {"action": "dispatch", "assignee": lead, "coHandlers": helpers}
    # Returned and dispatched again to an organisation: the lead and co-handlers are closed, kept as history.
    run(api, chief, "returnCase", code, ', reason: "需城管处理"')
    again = api.data(query, {"c": code, "o": "ORG-CG"}, token=api.token(Role.TOWN_ADMIN))["dispatchCase"]
    assert again["assignee"] is None and again["coHandlers"] == []
    history = [(a["person"]["key"] if a["person"] else a["organization"]["code"], a["role"], a["until"] is None)
               for a in again["assignments"]]
    assert sorted(history) == sorted([(lead, "lead", False), *((h, "co", False) for h in helpers),
                                      ("ORG-CG", "lead", True)])
