"""HTTP behaviour: authentication, error shape and masking, limits, GraphiQL offline, health and metrics."""

from __future__ import annotations

import re
from dataclasses import replace

from starlette.testclient import TestClient

from api.app import create_app
from api.auth import Role
from graph.database import Database
from graph.settings import Settings
from tests.api.conftest import Api, token_for


def down(settings: Settings) -> Settings:
    """Settings pointing at a port where no database listens."""
    return replace(settings, neo4j_uri="bolt://127.0.0.1:9", query_timeout=2.0)


def test_unauthenticated_requests_get_401_without_touching_the_database(api_settings: Settings) -> None:
    # The database is unreachable: a 401 proves the token is checked before any query.
    with TestClient(create_app(down(api_settings))) as client:
        for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}):
            response = client.post("/graphql", json={"query": "{ households { totalCount } }"}, headers=headers)
            assert response.status_code == 401
            assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert client.post("/cypher", json={"query": "RETURN 1"}).status_code == 401


def test_database_down_is_a_503_and_readyz_says_so(api_settings: Settings) -> None:
    with TestClient(create_app(down(api_settings))) as client:
        token = token_for(api_settings, Role.TOWN_ADMIN)
        response = client.post("/graphql", json={"query": "{ households { totalCount } }"},
                               headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 503
        assert response.json()["errors"][0]["extensions"]["code"] == "DATABASE_UNAVAILABLE"
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").json() == {"status": "ok"}


def test_health_ready_and_metrics(town_once: Database, api: Api) -> None:
    assert api.client.get("/readyz").json() == {"status": "ready"}
    api.data("{ households { totalCount } }")
    metrics = api.client.get("/metrics").text
    assert 'gridgraph_requests_total{path="/graphql",status="200"}' in metrics
    assert "gridgraph_cypher_seconds_count" in metrics and "gridgraph_request_seconds_bucket" in metrics


def test_errors_are_masked_and_coded(town_once: Database, api: Api) -> None:
    body = api.post('{ households(after: "not-a-cursor") { totalCount } }')
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = api.post("{ nosuchfield }")
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    body = api.post('{ similarDisputes(caseCode: "D001", first: -1) { disputes { score } } }')
    text = str(body)
    assert "MATCH" not in text and "Traceback" not in text


def test_depth_alias_and_token_limits(town_once: Database, api: Api) -> None:
    deep = "{ grid(code: \"A1\") " + "{ parent " * 12 + "{ code }" + " }" * 12 + " }"
    assert "errors" in api.post(deep)
    aliases = "{ " + " ".join(f"a{i}: me {{ name }}" for i in range(40)) + " }"
    assert "errors" in api.post(aliases)
    tokens = "{ me { " + " ".join(["name"] * 2100) + " } }"
    assert "errors" in api.post(tokens)


def test_get_serves_queries_but_not_mutations(town_once: Database, api: Api) -> None:
    headers = {"Authorization": f"Bearer {api.token(Role.TOWN_ADMIN)}"}
    response = api.client.get("/graphql", params={"query": "{ me { role } }"}, headers=headers)
    assert response.json()["data"] == {"me": {"role": "townAdmin"}}
    response = api.client.get("/graphql", params={"query": 'mutation { acceptCase(code: "W002") { code } }'},
                              headers=headers)
    assert response.status_code == 405


def test_graphiql_is_served_with_local_assets_only(api: Api) -> None:
    page = api.client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "GraphiQL" in page.text
    assert not re.search(r"(src|href)=\"https?://", page.text)
    for asset in re.findall(r"(?:src|href)=\"(/assets/[^\"]+)\"", page.text):
        response = api.client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 1000
    assert api.client.get("/assets/../../pyproject.toml").status_code == 404


def test_reveal_is_audited_before_the_number_is_returned(town_once: Database, api: Api) -> None:
    query = ('mutation($r: String!) { revealPerson(key: "id:00001", field: PHONE, reason: $r) '
             "{ value auditId } }")
    body = api.post(query, {"r": ""})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    revealed = api.data(query, {"r": "入户走访核实联系方式"})["revealPerson"]
    assert revealed["value"] == "13800000001"
    trail = api.data("{ auditTrail(first: 5) { nodes { id action target reason actor } } }")["auditTrail"]["nodes"]
    assert trail[0] == {"id": revealed["auditId"], "action": "reveal.phone", "target": "id:00001",
                        "reason": "入户走访核实联系方式", "actor": "tester"}
    assert api.post("{ auditTrail { totalCount } }", role=Role.GRID_STAFF,
                    token=api.token(Role.GRID_STAFF, "A1", "/A1/"))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    analyst = api.post(query, {"r": "统计"}, role=Role.ANALYST)
    assert analyst["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_analyst_runs_read_only_cypher(town_once: Database, api: Api) -> None:
    headers = {"Authorization": f"Bearer {api.token(Role.ANALYST, name='analyst-1')}"}
    response = api.client.post("/cypher", json={"query": "MATCH (h:Household) RETURN count(h) AS n", "maxRows": 5},
                               headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == [[40]]
    refused = api.client.post("/cypher", json={"query": "MATCH (n) DETACH DELETE n"}, headers=headers)
    assert refused.status_code == 403
    staff = {"Authorization": f"Bearer {api.token(Role.GRID_STAFF, 'A1', '/A1/')}"}
    assert api.client.post("/cypher", json={"query": "RETURN 1"}, headers=staff).status_code == 403
