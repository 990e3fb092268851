"""The connection layer against the real test server: version, errors people will meet, timeouts."""

from __future__ import annotations

import pytest

from graph.database import Database
from graph.errors import DatabaseAuthError, DatabaseUnavailable, QueryTimeout
from tests.neo4j_fixture import free_port


def test_server_is_neo4j_5_26(db: Database) -> None:
    rows = db.read("CALL dbms.components() YIELD name, versions RETURN name, versions[0] AS version")
    assert rows[0]["name"] == "Neo4j Kernel"
    assert rows[0]["version"].startswith("5.26.")


def test_write_then_read_round_trip(db: Database) -> None:
    db.write("CREATE (:Region {code: $code, name: $name})", {"code": "370781000000", "name": "青州市"})
    assert db.read("MATCH (r:Region {code: $code}) RETURN r.name AS name", {"code": "370781000000"}) == [
        {"name": "青州市"}
    ]


def test_wrong_password_is_a_clear_error(neo4j_env: dict[str, str]) -> None:
    with Database(neo4j_env["NEO4J_URI"], neo4j_env["NEO4J_USERNAME"], "not-the-password") as wrong:
        with pytest.raises(DatabaseAuthError, match=r"password is wrong.*NEO4J_PASSWORD"):
            wrong.verify()


def test_unreachable_server_is_a_clear_error() -> None:
    with Database(f"bolt://127.0.0.1:{free_port()}", "neo4j", "whatever-123") as nowhere:
        with pytest.raises(DatabaseUnavailable, match=r"cannot reach Neo4j.*gridgraph db start"):
            nowhere.verify()


def test_server_side_timeout_stops_a_slow_query(db: Database) -> None:
    with pytest.raises(QueryTimeout, match="time limit"):
        db.read("UNWIND range(1, 100000000) AS x WITH x WHERE x % 7 = 99 RETURN count(x) AS n", timeout=1.0)


def test_password_never_in_repr(db: Database) -> None:
    assert "test-password" not in repr(db.__dict__)
