"""ID and phone numbers typed into free text never come back in clear: a scripted session types them into a case,
a note, reveal reasons, a reveal key, an ad-hoc statement and a malformed variable, and then every response, every
log line and every stored property is scanned for them. Where the office needs the original text, it is kept
encrypted."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from api.auth import Role
from api.observe import JsonFormatter
from graph.database import Database
from schema.freetext import mask_numbers
from schema.sensitive import SensitiveData
from tests.api.conftest import Api

ID_NUMBER = "110101199003074514"
MOBILE = "13912345678"
LANDLINE = "0531-88886666"
IN_CLEAR = [ID_NUMBER, MOBILE, "139 1234 5678", "88886666", "１３９１２３４５６７８"]


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def test_mask_numbers_finds_the_usual_forms() -> None:
    assert mask_numbers(f"身份证{ID_NUMBER}，电话{MOBILE}") == "身份证1101**********4514，电话139****5678"
    assert mask_numbers("37078119880102123X号") == "3707**********123X号"
    assert mask_numbers("+86 139-1234-5678 或 0531 88886666") == "+86 139****5678 或 0531-****6666"
    assert mask_numbers("电话１３９１２３４５６７８") == "电话139****5678"
    kept = ["id:3707811988010212340abc", "A1-V1-001", "370781001001", "2026-11-25T10:00:00+08:00", "户号 0012"]
    assert [mask_numbers(text) for text in kept] == kept


def test_a_scripted_session_leaves_no_number_in_clear(town_db: Database, api: Api, town_sensitive: SensitiveData,
                                                      log_lines: io.StringIO) -> None:
    admin = {"Authorization": f"Bearer {api.token(Role.TOWN_ADMIN, name='centre')}"}
    responses: list[str] = []

    def graphql(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = api.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=admin)
        responses.append(response.text)
        body: dict[str, Any] = response.json()
        return body

    description = f"当事人身份证{ID_NUMBER}，电话{MOBILE}，座机{LANDLINE}"
    reported = graphql("mutation($i: ReportCaseInput!) { reportCase(input: $i) { code title } }",
                       {"i": {"kind": "HOTLINE", "gridCode": "A1-V1-M1", "title": f"来电 {MOBILE}",
                              "description": description, "reportedAt": "2026-11-27T10:00:00+08:00"}})
    code = reported["data"]["reportCase"]["code"]
    graphql(f'mutation {{ acceptCase(code: "{code}", note: "已联系 139 1234 5678") {{ code }} }}')
    missing = graphql(f'mutation {{ revealPerson(key: "{ID_NUMBER}", field: PHONE, reason: "核实") {{ value }} }}')
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    graphql('mutation { revealPerson(key: "id:00001", field: PHONE, reason: "回拨 １３９１２３４５６７８") { value } }')
    graphql("query($n: Int) { grid(code: \"A1\") { code } }", {"n": MOBILE})
    cypher = api.client.post("/cypher", headers=admin, json={
        "query": f"MATCH (p:Person) WHERE p.name = '{ID_NUMBER}' RETURN count(p) AS n", "reason": f"查 {MOBILE}"})
    responses.append(cypher.text)
    graphql("{ auditTrail(first: 20) { nodes { action target reason detail } } }")
    graphql(f'{{ case(code: "{code}") {{ title description events {{ note }} }} }}')

    stored = town_db.read("MATCH (n) RETURN properties(n) AS p UNION ALL MATCH ()-[r]->() RETURN properties(r) AS p")
    visible = [json.dumps({k: v for k, v in row["p"].items() if not k.endswith(("Cipher", "Hash"))},
                          ensure_ascii=False, default=str) for row in stored]
    for where, texts in (("responses", responses), ("log lines", log_lines.getvalue().splitlines()),
                         ("stored properties", visible)):
        assert texts
        leaks = [text for text in texts if any(number in text for number in IN_CLEAR)]
        assert leaks == [], f"a number in clear in the {where}: {leaks[:3]}"
    assert "139****5678" in log_lines.getvalue() or any("139****5678" in r for r in responses)

    [case] = town_db.read("MATCH (c:Case {code: $code}) RETURN c.description AS d, c.descriptionCipher AS cipher",
                          {"code": code})
    assert case["d"] == "当事人身份证1101**********4514，电话139****5678，座机0531-****6666"
    assert town_sensitive.decrypt(case["cipher"]) == description, "the original is kept, encrypted"
    [note] = town_db.read("MATCH (:Case {code: $code})-[:HAS_EVENT]->(e:CaseEvent {action: 'accept'}) "
                          "RETURN e.note AS note, e.noteCipher AS cipher", {"code": code})
    assert note["note"] == "已联系 139****5678" and town_sensitive.decrypt(note["cipher"]) == "已联系 139 1234 5678"
