"""Finding what a user holds: a person by the ID or phone number on hand (hashed on the server, audited, never
echoed), within the caller's scope."""

from __future__ import annotations

import json
from typing import Any

import pytest

from api.auth import Role
from graph.database import Database
from tests.api.conftest import Api
from tests.fixtures.town import Person, Town

pytestmark = pytest.mark.usefixtures("town_once")

PERSON_BY_ID = "query($n: String!) { person(idNumber: $n) { key name idMasked phoneMasked household { code } } }"
PERSONS_BY = "query($f: PersonFilter) { persons(filter: $f) { totalCount nodes { key name } } }"


def resident(town: Town, village: str = "A1-V1", index: int = 0) -> Person:
    found = [p for p in town.persons.values() if p.id_number and (p.household or "").startswith(village + "-")]
    return found[index]


def audit_of(db: Database, actor: str) -> list[dict[str, Any]]:
    return db.read("MATCH (a:AuditEntry {actor: $actor}) RETURN a {.*} AS entry ORDER BY a.at", {"actor": actor})


def test_person_by_id_number_as_written_on_the_card(api: Api, town: Town) -> None:
    person = resident(town)
    assert person.id_number is not None
    written = " ".join(person.id_number[i:i + 6] for i in range(0, 18, 6)).lower()  # spaces, lowercase x
    found = api.data(PERSON_BY_ID, {"n": written})["person"]
    assert found["key"] == person.key and found["name"] == person.name
    assert found["household"]["code"] == person.household
    assert found["idMasked"] == person.id_number[:4] + "*" * 10 + person.id_number[-4:]
    assert person.id_number not in json.dumps(found)


def test_persons_by_id_number_and_by_phone(api: Api, town: Town) -> None:
    person = resident(town, "A2-V3", 2)
    assert person.id_number and person.phone
    by_id = api.data(PERSONS_BY, {"f": {"idNumber": person.id_number}})["persons"]
    assert by_id == {"totalCount": 1, "nodes": [{"key": person.key, "name": person.name}]}
    spoken = f"+86 {person.phone[:3]}-{person.phone[3:7]}-{person.phone[7:]}"
    assert api.data(PERSONS_BY, {"f": {"phone": spoken}})["persons"] == by_id
    both = api.data(PERSONS_BY, {"f": {"phone": person.phone, "idNumber": resident(town).id_number}})["persons"]
    assert both == {"totalCount": 0, "nodes": []}


def test_nobody_with_that_number_is_nothing(api: Api) -> None:
    unknown = "11010519491231002X"  # a valid number nobody in the town has
    assert api.data(PERSON_BY_ID, {"n": unknown})["person"] is None
    assert api.data(PERSONS_BY, {"f": {"phone": "13900000000"}})["persons"]["totalCount"] == 0


@pytest.mark.parametrize(("given", "expected"), [
    ("3707811950", "has 10 characters"),
    ("37078119500101001", "has 17 characters"),
    ("370781195013400013", "not a possible birth date"),
])
def test_malformed_id_number_says_what_is_wrong_without_echoing_it(api: Api, given: str, expected: str) -> None:
    body = api.post(PERSON_BY_ID, {"n": given})
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert expected in error["message"] and "idNumber" in error["message"]
    assert given[6:] not in json.dumps(body)


def test_mistyped_check_character(api: Api, town: Town) -> None:
    number = resident(town).id_number
    assert number is not None
    mistyped = number[:17] + ("0" if number[17] != "0" else "1")
    body = api.post(PERSONS_BY, {"f": {"idNumber": mistyped}})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "check character" in body["errors"][0]["message"]
    assert mistyped[6:] not in json.dumps(body)


@pytest.mark.parametrize(("given", "expected"), [("1381234", "has 7 digits"), ("138-abc-5678", "only digits")])
def test_malformed_phone(api: Api, given: str, expected: str) -> None:
    body = api.post(PERSONS_BY, {"f": {"phone": given}})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert expected in body["errors"][0]["message"] and "phone" in body["errors"][0]["message"]
    assert "5678" not in json.dumps(body) and "1381234" not in json.dumps(body)


def test_lookups_are_audited_without_the_number(api: Api, town: Town, town_once: Database) -> None:
    person = resident(town, "A1-V2")
    assert person.id_number and person.phone
    token = api.token(Role.TOWN_ADMIN, name="audit-lookup")
    api.data(PERSON_BY_ID, {"n": person.id_number}, token=token)
    api.data(PERSONS_BY, {"f": {"phone": person.phone}}, token=token)
    api.data(PERSON_BY_ID, {"n": "11010519491231002X"}, token=token)
    entries = [row["entry"] for row in audit_of(town_once, "audit-lookup")]
    assert [(e["action"], e["target"]) for e in entries] == [
        ("lookup.idNumber", person.key), ("lookup.phone", person.key), ("lookup.idNumber", "")]
    stored = json.dumps(entries, default=str)
    assert person.id_number not in stored and person.phone not in stored and "1949" not in stored


def test_a_scoped_caller_cannot_find_a_person_outside_its_scope(api: Api, town: Town, town_once: Database) -> None:
    inside, outside = resident(town, "A2-V3"), resident(town, "A1-V1")
    token = api.token(Role.GRID_STAFF, "A2", town.grid("A2")["path"], name="scoped-lookup")
    assert api.data(PERSON_BY_ID, {"n": inside.id_number}, token=token)["person"]["key"] == inside.key
    assert api.data(PERSON_BY_ID, {"n": outside.id_number}, token=token)["person"] is None
    assert api.data(PERSONS_BY, {"f": {"phone": outside.phone}}, token=token)["persons"]["totalCount"] == 0
    assert api.data(PERSONS_BY, {"f": {"idNumber": outside.id_number}}, token=token)["persons"]["nodes"] == []
    assert [row["entry"]["target"] for row in audit_of(town_once, "scoped-lookup")] == [inside.key, "", "", ""]


def test_person_needs_a_key_or_an_id_number(api: Api) -> None:
    body = api.post("{ person { key } }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


HOUSEHOLD_BY = ("query($c: String, $n: String, $v: String) "
                "{ household(villageCode: $c, villageName: $v, number: $n) { code number villageCode } }")
HOUSEHOLDS_BY = "query($f: HouseholdFilter) { households(filter: $f, first: 50) { totalCount nodes { code } } }"


@pytest.mark.parametrize(("village", "number"), [
    ({"c": "A1-V2"}, "003"), ({"c": "A1-V2"}, "3"), ({"c": "A1-V2"}, "０３"),
    ({"v": "A1-V2村"}, "003"), ({"v": "A1-V2村网格"}, "3"), ({"c": "370781101102"}, "003"),
])
def test_household_by_village_and_number(api: Api, village: dict[str, str], number: str) -> None:
    found = api.data(HOUSEHOLD_BY, {**village, "n": number})["household"]
    assert found == {"code": "A1-V2-003", "number": "003", "villageCode": "A1-V2"}


def test_households_by_village_and_number(api: Api, town: Town) -> None:
    in_village = sorted(h["code"] for h in town.households if h["village"] == "A2-V3")
    listed = api.data(HOUSEHOLDS_BY, {"f": {"village": "A2-V3村"}})["households"]
    assert listed["totalCount"] == len(in_village) and [n["code"] for n in listed["nodes"]] == in_village
    assert api.data(HOUSEHOLDS_BY, {"f": {"village": "A2-V3", "number": "12"}})["households"] == {
        "totalCount": 1, "nodes": [{"code": "A2-V3-012"}]}
    everywhere = api.data(HOUSEHOLDS_BY, {"f": {"number": "001"}})["households"]
    assert [n["code"] for n in everywhere["nodes"]] == ["A1-V1-001", "A1-V2-001", "A2-V3-001"]
    assert api.data(HOUSEHOLDS_BY, {"f": {"village": "没有这个村"}})["households"]["totalCount"] == 0


def test_household_outside_the_scope_is_nothing(api: Api, town: Town) -> None:
    token = api.token(Role.GRID_STAFF, "A2", town.grid("A2")["path"])
    assert api.data(HOUSEHOLD_BY, {"c": "A1-V1", "n": "001"}, token=token)["household"] is None
    assert api.data(HOUSEHOLD_BY, {"v": "A2-V3村", "n": "001"}, token=token)["household"]["code"] == "A2-V3-001"
    assert api.data(HOUSEHOLDS_BY, {"f": {"village": "A1-V1村"}}, token=token)["households"]["totalCount"] == 0


@pytest.mark.parametrize("variables", [{"n": "001"}, {"c": "A1-V1"}, {"c": "A1-V1", "v": "A1-V1村", "n": "1"}])
def test_household_needs_a_village_and_a_number(api: Api, variables: dict[str, str]) -> None:
    body = api.post(HOUSEHOLD_BY, variables)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_case_parties_beneficiaries_and_caller(api: Api, town: Town, town_once: Database) -> None:
    dispute = next(c for c in town.cases if c.kind == "dispute" and len(c.parties) == 2)
    wish = next(c for c in town.cases if c.kind == "wish")
    caller = resident(town, "A1-V2", 1)
    town_once.write("MATCH (c:Case {code: 'H002'}), (p:Person {key: $key}) MERGE (c)-[:INVOLVES {role: 'caller'}]->(p)",
                    {"key": caller.key})
    data = api.data(
        "query($d: String!, $w: String!) { dispute: case(code: $d) { parties { key } caller { key } } "
        "wish: case(code: $w) { beneficiaries { key } parties { key } } "
        "ticket: case(code: \"H002\") { caller { key household { code village { code } } } } }",
        {"d": dispute.code, "w": wish.code})
    assert data["dispute"] == {"parties": [{"key": k} for k in sorted(dispute.parties)], "caller": None}
    assert data["wish"] == {"beneficiaries": [{"key": k} for k in wish.parties], "parties": []}
    assert data["ticket"]["caller"]["key"] == caller.key
    assert data["ticket"]["caller"]["household"]["code"] == caller.household
    assert data["ticket"]["caller"]["household"]["village"]["code"] == town.grid("A1-V2")["region"]


def test_questions_take_what_the_user_holds(api: Api, town: Town) -> None:
    member = next(p for p in town.persons.values() if p.party_member and p.id_number
                  and any(m == p.key for m, _ in town.contacts))
    person = resident(town, "A1-V1", 5)
    assert person.id_number and member.id_number and person.household
    household = town.household(person.household)
    by_code = api.data("query($c: [String!]) { householdContacts(householdCodes: $c) { code contactingMembers "
                       "{ key } } }", {"c": [person.household]})["householdContacts"]
    by_id = api.data("query($n: String) { householdContacts(idNumber: $n) { code contactingMembers { key } } }",
                     {"n": person.id_number})["householdContacts"]
    by_village = api.data("query($v: String, $no: String) { householdContacts(village: $v, number: $no) { code "
                          "contactingMembers { key } } }",
                          {"v": town.grid(household["village"])["name"], "no": household["number"].lstrip("0")}
                          )["householdContacts"]
    assert by_code == by_id == by_village and len(by_code) == 1

    chain = "{ household { code } links { role person { key } } town { code } }"
    asked = [f'responsibilityChain(householdCode: "{person.household}") {chain}',
             f'responsibilityChain(idNumber: "{person.id_number}") {chain}',
             f'responsibilityChain(village: "{household["village"]}", number: "{household["number"]}") {chain}']
    answers = [api.data("{ " + q + " }")["responsibilityChain"] for q in asked]
    assert answers[0] == answers[1] == answers[2] and answers[0]["household"]["code"] == person.household

    by_key = api.data(f'{{ memberHouseholds(memberKey: "{member.key}") {{ totalCount nodes {{ code }} }} }}')
    by_member_id = api.data(f'{{ memberHouseholds(idNumber: "{member.id_number}") {{ totalCount nodes {{ code }} }} }}')
    assert by_key == by_member_id and by_key["memberHouseholds"]["totalCount"] > 0


def test_cli_and_graphql_agree_on_village_and_number(api: Api, town: Town, town_once: Database) -> None:
    from queries.library import run_named

    household = town.households[22]
    cli = run_named(town_once, "contacts-of-households", {"village": household["village"] + "村",
                                                          "householdNumber": str(int(household["number"]))})
    api_answer = api.data('query($v: String, $no: String) { householdContacts(village: $v, number: $no) '
                          '{ code contactingMembers { key } } }',
                          {"v": household["village"] + "村", "no": household["number"]})["householdContacts"]
    assert {row["householdCode"] for row in cli.rows} == {h["code"] for h in api_answer} == {household["code"]}
    assert sorted(row["memberKey"] for row in cli.rows if row["memberKey"]) == sorted(
        m["key"] for h in api_answer for m in h["contactingMembers"])


@pytest.mark.parametrize("query", [
    "{ responsibilityChain { links { role } } }",
    '{ responsibilityChain(householdCode: "A1-V1-001", idNumber: "11010519491231002X") { links { role } } }',
    '{ responsibilityChain(village: "A1-V1") { links { role } } }',
    '{ householdContacts(idNumber: "12345") { code } }',
    "{ memberHouseholds { totalCount } }",
])
def test_questions_refuse_unclear_identifiers(api: Api, query: str) -> None:
    body = api.post(query)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "12345" not in body["errors"][0]["message"]
