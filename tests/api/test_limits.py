"""Limits a client cannot get past: cost, compiled size and subqueries, rate, body size, JSON shape, value
ranges. Each is checked before the database: the app here points at a port where no database listens, so a
request that reached Neo4j would answer 503."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.auth import Role, issue_token, signing_key
from graph.settings import Settings
from tests.fixtures.town import TEST_PII_KEY

HEAVY = ("{ households(first: 100) { nodes { members { household { members { household { members { key } } } } } "
         "contactingMembers { households(first: 100) { totalCount nodes { code members { key } } } } } } }")


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    var = tmp_path_factory.mktemp("var")
    return Settings.from_env({"NEO4J_URI": "bolt://127.0.0.1:9", "GRIDGRAPH_VAR_DIR": str(var),
                              "GRIDGRAPH_PII_KEY": TEST_PII_KEY, "GRIDGRAPH_QUERY_TIMEOUT": "2"})


def client_for(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    token = issue_token(signing_key(settings), "tester", Role.TOWN_ADMIN)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, {"Authorization": f"Bearer {token}"}


@pytest.fixture
def http(offline: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    yield from client_for(offline)


def graphql(http: tuple[TestClient, dict[str, str]], body: object, raw: bytes | None = None) -> tuple[int, dict]:
    client, headers = http
    response = client.post("/graphql", content=raw if raw is not None else json.dumps(body).encode(),
                           headers={**headers, "Content-Type": "application/json"})
    assert response.status_code < 500 or response.status_code == 503, response.text
    return response.status_code, response.json()


def code_of(body: dict) -> str:
    return str(body["errors"][0]["extensions"]["code"])


def test_a_heavy_selection_is_refused_by_cost_before_the_database_in_under_100_ms(http: tuple) -> None:
    graphql(http, {"query": "{ me { name } }"})  # the schema and caches warm
    started = time.perf_counter()
    status, body = graphql(http, {"query": HEAVY})
    elapsed = time.perf_counter() - started
    assert status == 200 and code_of(body) == "QUERY_TOO_EXPENSIVE", body
    assert "GRIDGRAPH_MAX_QUERY_COST" in body["errors"][0]["message"]
    assert elapsed < 0.1, f"refusal took {elapsed * 1000:.0f} ms"


@pytest.mark.parametrize(("setting", "value", "name"), [("max_subqueries", 3, "GRIDGRAPH_MAX_SUBQUERIES"),
                                                        ("max_cypher_size", 300, "GRIDGRAPH_MAX_CYPHER_SIZE")])
def test_compiled_size_and_subqueries_are_capped(offline: Settings, setting: str, value: int, name: str) -> None:
    query = ('{ household(code: "A1-V1-001") { members { key household { code } chiefOf { code } '
             "unitChiefOf { code } } } }")
    for http in client_for(replace(offline, **{setting: value})):
        _, body = graphql(http, {"query": query})
        assert code_of(body) == "QUERY_TOO_EXPENSIVE" and name in body["errors"][0]["message"]


def test_a_token_past_its_rate_gets_429_with_retry_after(offline: Settings) -> None:
    for client, headers in client_for(replace(offline, rate_limit=2)):
        answers = [client.post("/graphql", json={"query": "{ me { name } }"}, headers=headers) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert int(answers[2].headers["Retry-After"]) >= 1
        assert answers[2].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        other = issue_token(signing_key(offline), "other", Role.TOWN_ADMIN)
        fresh = client.post("/graphql", json={"query": "{ me { name } }"}, headers={"Authorization": f"Bearer {other}"})
        assert fresh.status_code == 200  # per token


def test_a_body_past_the_size_limit_is_a_413(http: tuple) -> None:
    client, headers = http
    big = json.dumps({"query": "{ me { name } }", "variables": {"x": "a" * (2 * 1024 * 1024)}})
    response = client.post("/graphql", content=big, headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


CURSOR = base64.b64encode(b"offset:9223372036854775808").decode()
FIRST = "query($f: Int) { households(first: $f) { totalCount } }"


@pytest.mark.parametrize(("raw", "status"), [
    (b'{"query": "{ me { name } }", "variables": {"a": ' + b"[" * 5000 + b"]" * 5000 + b"}}", 400),
    (b'{"query": "{ me { name } }", "variables": {"a": ' + b"[" * 40 + b"]" * 40 + b"}}", 400),
    (b'{"query": "' + FIRST.encode() + b'", "variables": {"f": NaN}}', 400),
    (b'{"query": "' + FIRST.encode() + b'", "variables": {"f": 1.5}}', 200),
    (b'{"query": "' + FIRST.encode() + b'", "variables": {"f": 99999999999999999999999}}', 200),
    (b'{"query": "' + FIRST.encode() + b'", "variables": {"f": 2147483648}}', 200),
    (json.dumps({"query": '{ households(after: "' + CURSOR + '") { totalCount } }'}).encode(), 200),
    (json.dumps({"query": "{ me { name } }", "operationName": "Nope"}).encode(), 400),
    (json.dumps({"query": "query A { me { name } }", "operationName": ["A"]}).encode(), 400),
    (json.dumps({"query": "{ me { name } }", "variables": {"a": list(range(5000))}}).encode(), 400),
    (json.dumps({"query": 'mutation { reportCase(input: {kind: DISPUTE, gridCode: "A1-V1-M1", title: "t", '
                          'reportedAt: "9999-12-31T00:00:00+08:00"}) { code } }'}).encode(), 200),
])
def test_bad_input_is_an_input_error_never_a_500(http: tuple, raw: bytes, status: int) -> None:
    got, body = graphql(http, None, raw)
    assert got == status, body
    assert code_of(body) == "BAD_USER_INPUT", body


def test_a_named_operation_runs(http: tuple) -> None:
    status, body = graphql(http, {"query": "query A { me { role } } query B { me { name } }", "operationName": "B"})
    assert status == 200 and body["data"] == {"me": {"name": "tester"}}



def test_the_cost_of_a_request_is_the_sum_of_its_root_fields(offline: Settings) -> None:
    one = 'grid(code: "A1") { households(first: 40) { nodes { code members { key } } } }'  # nullable: both run
    for http in client_for(replace(offline, max_query_cost=400)):
        _, alone = graphql(http, {"query": f"{{ {one} }}"})
        assert code_of(alone) == "DATABASE_UNAVAILABLE"  # under the budget: it went on to the database
        _, both = graphql(http, {"query": f"{{ a: {one} b: {one} }}"})
        assert "QUERY_TOO_EXPENSIVE" in {e["extensions"]["code"] for e in both["errors"]}
