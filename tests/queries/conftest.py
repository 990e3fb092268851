"""Fixtures of the query tests: the fixture town written once per module for the tests that only read."""

from __future__ import annotations

import pytest

from graph.database import Database
from queries.library import Library, library
from schema.sensitive import SensitiveData
from tests.fixtures.town import Town, write_town
from tests.neo4j_fixture import empty_graph


@pytest.fixture(scope="module")
def town_graph(session_db: Database, town: Town, town_sensitive: SensitiveData) -> Database:
    """The test database holding exactly the fixture town (like ``town_db``), written once per module."""
    empty_graph(session_db)
    write_town(session_db, town, town_sensitive)
    return session_db


@pytest.fixture(scope="session")
def queries() -> Library:
    return library()
