"""Fixtures of the API tests: an app over the test Neo4j, tokens for each role, and a GraphQL helper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.auth import Role, issue_token, signing_key
from graph.database import Database
from graph.pii_key import sensitive_data
from graph.settings import Settings
from tests.fixtures.town import Town, write_town
from tests.neo4j_fixture import empty_graph


@pytest.fixture(scope="session")
def api_settings(settings: Settings) -> Settings:
    """The tests' settings with debug on (query counts in extensions) and a small page cap."""
    return replace(settings, debug=True, max_page_size=50)


def token_for(settings: Settings, role: Role, scope: str | None = None, path: str | None = None,
              name: str = "tester") -> str:
    return issue_token(signing_key(settings), name, role, scope, path)


@dataclass
class Api:
    client: TestClient
    settings: Settings

    def token(self, role: Role, scope: str | None = None, path: str | None = None, name: str = "tester") -> str:
        return token_for(self.settings, role, scope, path, name)

    def post(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None,
             role: Role = Role.TOWN_ADMIN) -> dict[str, Any]:
        """POST a GraphQL request; returns the JSON body (asserts HTTP 200)."""
        bearer = token if token is not None else self.token(role)
        response = self.client.post("/graphql", json={"query": query, "variables": variables or {}},
                                    headers={"Authorization": f"Bearer {bearer}"})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None,
             role: Role = Role.TOWN_ADMIN) -> dict[str, Any]:
        """The ``data`` of a request that must succeed."""
        body = self.post(query, variables, token, role)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
def api(api_settings: Settings) -> Iterator[Api]:
    with TestClient(create_app(api_settings)) as client:
        yield Api(client, api_settings)


@pytest.fixture(scope="module")
def town_once(session_db: Database, town: Town, settings: Settings) -> Database:
    """The fixture town, written once per module, for tests that only read."""
    empty_graph(session_db)
    write_town(session_db, town, sensitive_data(settings))
    return session_db


Query = Callable[..., dict[str, Any]]
