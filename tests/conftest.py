"""Fixtures shared by every test: the real test Neo4j, settings that point at it, an emptied graph."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.database import Database
from graph.pii_key import sensitive_data
from graph.settings import Settings
from schema.sensitive import SensitiveData
from tests.fixtures.town import TEST_PII_KEY, Town, build_town, write_town
from tests.neo4j_fixture import empty_graph, open_test_database, test_server


@pytest.fixture(scope="session")
def neo4j_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Environment variables that point gridgraph at the test server."""
    with test_server(tmp_path_factory.mktemp("neo4j")) as env:
        yield env


@pytest.fixture(scope="session")
def test_env(neo4j_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The full environment of a gridgraph process under test (own var/ folder and keys)."""
    var_dir = tmp_path_factory.mktemp("var")
    return {**neo4j_env, "GRIDGRAPH_VAR_DIR": str(var_dir), "GRIDGRAPH_PII_KEY": TEST_PII_KEY}


@pytest.fixture(scope="session")
def settings(test_env: dict[str, str]) -> Settings:
    return Settings.from_env(test_env)


@pytest.fixture(scope="session")
def session_db(neo4j_env: dict[str, str]) -> Iterator[Database]:
    database = open_test_database(neo4j_env)
    yield database
    database.close()


@pytest.fixture
def db(session_db: Database) -> Database:
    """The test database, emptied of data (the schema stays) before the test."""
    empty_graph(session_db)
    return session_db


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"



@pytest.fixture(scope="session")
def town() -> Town:
    """The deterministic fixture town's objects (see tests/fixtures/town.py)."""
    return build_town()


@pytest.fixture(scope="session")
def town_sensitive(settings: Settings) -> SensitiveData:
    """Hashing and encryption with the tests' fixed PII key (the same key ``settings`` carries)."""
    return sensitive_data(settings)


@pytest.fixture
def town_db(db: Database, town: Town, town_sensitive: SensitiveData) -> Database:
    """The test database holding exactly the fixture town."""
    write_town(db, town, town_sensitive)
    return db
