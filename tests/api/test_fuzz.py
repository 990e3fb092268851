"""A bounded fuzzing run against /graphql on the fixture town: nothing a client sends becomes a 5xx or an
INTERNAL_ERROR (GRIDGRAPH_FUZZ_COUNT requests, 400 by default; seed GRIDGRAPH_FUZZ_SEED)."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.auth import Role
from api.schema import build_schema
from graph.database import Database
from graph.settings import Settings
from tests.api.conftest import token_for
from tests.api.fuzz import Fuzzer


@pytest.mark.slow
def test_fuzzed_requests_never_answer_5xx_or_internal_error(town_once: Database, api_settings: Settings) -> None:
    settings = replace(api_settings, rate_limit=0, debug=False)
    count, seed = int(os.environ.get("GRIDGRAPH_FUZZ_COUNT", "400")), int(os.environ.get("GRIDGRAPH_FUZZ_SEED", "15"))
    failures: list[str] = []
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        fuzzer = Fuzzer(build_schema()._schema, seed)
        for role, scope, path in ((Role.TOWN_ADMIN, None, None), (Role.GRID_STAFF, "A1-V1", "/A1/A1-V1/"),
                                  (Role.ANALYST, None, None)):
            headers = {"Authorization": f"Bearer {token_for(settings, role, scope, path)}",
                       "Content-Type": "application/json"}
            for raw, what in fuzzer.requests(count // 3):
                response = client.post("/graphql", content=raw, headers=headers)
                codes = []
                if response.headers.get("content-type", "").startswith("application/json"):
                    codes = [e.get("extensions", {}).get("code") for e in response.json().get("errors") or []]
                if response.status_code >= 500 or "INTERNAL_ERROR" in codes:
                    failures.append(f"{role.value} {response.status_code} {codes} {what}")
    assert not failures, "\n".join(failures[:20])

