"""The closed loop: every legal and illegal move of the state machine, through the library and the API."""

from __future__ import annotations

import pytest

from api.auth import Role
from graph.database import Database
from schema.case_flow import (
    EXTENSION_MOVES,
    EXTENSIONS_ALLOWED,
    TRANSITIONS,
    CaseAction,
    IllegalMove,
    allowed_moves,
    move,
)
from schema.vocabulary import CaseStatus, EscalationLevel
from tests.api.conftest import Api

ALL_MOVES = [(action, status) for action in CaseAction for status in CaseStatus]
# Whether an extension request waits, and how many were granted: they decide the extension moves.
EXTENSION_STATES = [(False, 0), (True, 0), (False, EXTENSIONS_ALLOWED), (True, EXTENSIONS_ALLOWED)]


@pytest.mark.parametrize(("action", "status"), ALL_MOVES)
@pytest.mark.parametrize(("requested", "granted"), EXTENSION_STATES)
def test_every_move_is_legal_or_names_the_allowed_ones(action: CaseAction, status: CaseStatus, requested: bool,
                                                       granted: int) -> None:
    allowed = allowed_moves(status, EscalationLevel.GRID, requested, granted)
    legal = status in TRANSITIONS[action] and (
        (action in EXTENSION_MOVES) == requested if action in EXTENSION_MOVES else
        not requested and granted < EXTENSIONS_ALLOWED if action == CaseAction.REQUEST_EXTENSION else True)
    assert (action in allowed) == legal
    if legal:
        assert move(action, status, EscalationLevel.GRID, requested, granted)[0] == TRANSITIONS[action][status]
    else:
        with pytest.raises(IllegalMove) as raised:
            move(action, status, EscalationLevel.GRID, requested, granted)
        assert status.value in str(raised.value)
        assert raised.value.allowed == allowed


def test_escalation_climbs_to_the_county_and_stops() -> None:
    level = EscalationLevel.GRID
    for expected in (EscalationLevel.VILLAGE, EscalationLevel.TOWN, EscalationLevel.COUNTY):
        _, level = move(CaseAction.ESCALATE, CaseStatus.ACCEPTED, level)
        assert level == expected
    with pytest.raises(IllegalMove, match="county"):
        move(CaseAction.ESCALATE, CaseStatus.ESCALATED, level)


CASE_FIELDS = ("code status level allowedMoves satisfaction assignee { key } "
               "events { seq action fromStatus toStatus actor }")


def test_full_loop_through_the_api_appends_events(town_db: Database, api: Api) -> None:
    token = api.token(Role.GRID_STAFF, "A1-V1", "/A1/A1-V1/", name="grid-chief")
    reported = api.data(
        "mutation($i: ReportCaseInput!) { reportCase(input: $i) { " + CASE_FIELDS + " deadline } }",
        {"i": {"kind": "HOTLINE", "gridCode": "A1-V1-M1", "title": "路灯不亮", "urgency": "PRIORITY",
               "reportedAt": "2026-11-27T10:00:00+08:00", "personKeys": ["id:00001"]}}, token=token)["reportCase"]
    code = reported["code"]
    assert reported["status"] == "REPORTED" and reported["deadline"].startswith("2026-12-02")
    steps = [("acceptCase", "", "ACCEPTED"), ("dispatchCase", ', assigneeKey: "id:00001"', "DISPATCHED"),
             ("startCase", "", "IN_PROGRESS"), ("resolveCase", "", "RESOLVED"),
             ("rateCase", ", satisfaction: SATISFIED", "RESOLVED"), ("verifyCase", "", "VERIFIED"),
             ("closeCase", ', note: "办结"', "CLOSED")]
    for mutation, extra, status in steps:
        case = api.data(f'mutation {{ {mutation}(code: "{code}"{extra}) {{ {CASE_FIELDS} }} }}', token=token)[mutation]
        assert case["status"] == status
    assert case["satisfaction"] == "SATISFIED" and case["assignee"] == {"key": "id:00001"}
    assert [e["action"] for e in case["events"]] == ["report", "accept", "dispatch", "start", "resolve", "rate",
                                                     "verify", "close"]
    assert [e["seq"] for e in case["events"]] == list(range(1, 9))
    assert {e["actor"] for e in case["events"]} == {"grid-chief"}
    body = api.post(f'mutation {{ startCase(code: "{code}") {{ code }} }}', token=token)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "ILLEGAL_CASE_MOVE"
    assert error["extensions"]["currentStatus"] == "closed" and error["extensions"]["allowedMoves"] == ["rate"]
    assert "closed" in error["message"] and "allowed moves: rate" in error["message"]


def test_escalation_and_rejection_through_the_api(town_db: Database, api: Api) -> None:
    for expected in ("VILLAGE", "TOWN", "COUNTY"):
        case = api.data('mutation { escalateCase(code: "H002") { status level } }')["escalateCase"]
        assert case == {"status": "ESCALATED", "level": expected}
    body = api.post('mutation { escalateCase(code: "H002") { status } }')
    assert body["errors"][0]["extensions"]["code"] == "ILLEGAL_CASE_MOVE"
    assert api.data('mutation { rejectCase(code: "H002", reason: "不属于受理范围") { status } }') == \
        {"rejectCase": {"status": "REJECTED"}}
    events = town_db.read("MATCH (:Case {code: 'H002'})-[:HAS_EVENT]->(e) RETURN e.action AS a ORDER BY e.seq")
    assert [e["a"] for e in events] == ["imported", "escalate", "escalate", "escalate", "reject"]


def test_moves_are_refused_to_analysts_and_outside_scope(town_db: Database, api: Api) -> None:
    body = api.post('mutation { acceptCase(code: "W002") { status } }', role=Role.ANALYST)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    token = api.token(Role.GRID_STAFF, "A2-V3", "/A2/A2-V3/")
    body = api.post('mutation { startCase(code: "H002") { status } }', token=token)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_contact_assignment_rules(town_db: Database, api: Api) -> None:
    exempt = town_db.read("MATCH (m:PartyMember) WHERE m.birthDate <= date() - duration({years: 70}) "
                          "RETURN m.key AS key LIMIT 1")[0]["key"]
    query = ("mutation($m: String!, $h: String!, $f: Boolean!) { assignContact(memberKey: $m, householdCode: $h, "
             "force: $f) { warnings contactCount member { key } household { code contacted } } }")
    body = api.post(query, {"m": exempt, "h": "A1-V1-001", "f": False}, role=Role.PARTY_OFFICER)
    assert body["errors"][0]["extensions"]["code"] == "CONTACT_REFUSED"
    forced = api.data(query, {"m": exempt, "h": "A1-V1-001", "f": True}, role=Role.PARTY_OFFICER)["assignContact"]
    assert forced["warnings"] and forced["household"]["contacted"]
    loaded = town_db.read("MATCH (m:PartyMember) WHERE COUNT { (m)-[:CONTACTS]->() } = 21 RETURN m.key AS key")[0]
    free = town_db.read("MATCH (h:Household) WHERE NOT EXISTS { (:PartyMember)-[:CONTACTS]->(h) } "
                        "RETURN h.code AS code LIMIT 1")[0]["code"]
    added = api.data(query, {"m": loaded["key"], "h": free, "f": False})["assignContact"]
    assert added["contactCount"] == 22 and "22" in added["warnings"][0]
    removed = api.data('mutation($m: String!, $h: String!) { unassignContact(memberKey: $m, householdCode: $h) '
                       "{ contactCount household { contacted } } }", {"m": loaded["key"], "h": free})
    assert removed["unassignContact"] == {"contactCount": 21, "household": {"contacted": False}}


def test_claiming_a_micro_wish(town_db: Database, api: Api) -> None:
    claimed = api.data('mutation { claimWish(code: "W002", personKey: "id:00001") { status claimedBy { key } '
                       "events { action } } }")["claimWish"]
    assert claimed["status"] == "ACCEPTED" and claimed["claimedBy"] == {"key": "id:00001"}
    assert claimed["events"][-1]["action"] == "accept"
    again = api.post('mutation { claimWish(code: "W002", personKey: "id:00002") { status } }')
    assert again["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
