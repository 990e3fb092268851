"""The local Neo4j launcher: start, reuse, stop, restart, crash recovery and clear errors.

These start servers of their own (own port and data folder), separate from the suite's test server.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.database import Database
from graph.errors import LocalServerError
from graph.local_neo4j import LocalNeo4j
from tests.neo4j_fixture import free_port

PASSWORD = "launcher-test-pw"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j]:
    local = LocalNeo4j(home=tmp_path_factory.mktemp("local") / "neo4j", port=free_port(), password=PASSWORD,
                       heap="512m", pagecache_bytes=128 * 1024**2, start_timeout=240)
    yield local
    local.stop()


def _count(server: LocalNeo4j) -> int:
    with Database(server.uri, "neo4j", PASSWORD) as db:
        return int(db.read("MATCH (n:Marker) RETURN count(n) AS n")[0]["n"])


def test_start_write_stop_start_keeps_data(server: LocalNeo4j) -> None:
    first = server.start()
    assert not first.reused
    with Database(server.uri, "neo4j", PASSWORD) as db:
        db.write("CREATE (:Marker {at: datetime()})")
    assert server.stop() is True
    assert not server.status().running
    again = server.start()
    assert not again.reused
    assert _count(server) == 1


def test_second_start_reuses_running_server(server: LocalNeo4j) -> None:
    server.start()
    pid = server.status().pid
    again = server.start()
    assert again.reused and again.pid == pid


def test_crash_then_start_recovers_committed_data(server: LocalNeo4j) -> None:
    server.start()
    before = _count(server)
    with Database(server.uri, "neo4j", PASSWORD) as db:
        db.write("CREATE (:Marker {at: datetime()})")
    server.kill()
    assert (server.home / "server.pid").exists()  # left behind, as after a real crash
    assert not server.status().running
    result = server.start()
    assert not result.reused
    assert _count(server) == before + 1


def test_port_taken_by_another_program(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        other = LocalNeo4j(home=tmp_path / "neo4j", port=port, password=PASSWORD)
        with pytest.raises(LocalServerError, match=rf"port {port} .* taken by another program.*GRIDGRAPH_BOLT_PORT"):
            other.start()


def test_stop_when_not_running_says_so(tmp_path: Path) -> None:
    assert LocalNeo4j(home=tmp_path / "neo4j", port=free_port(), password=PASSWORD).stop() is False


def test_password_file_is_private(tmp_path: Path) -> None:
    from graph.settings import Settings

    settings = Settings.from_env({"GRIDGRAPH_VAR_DIR": str(tmp_path)})
    local = LocalNeo4j.from_settings(settings)
    mode = (tmp_path / "neo4j" / "password").stat().st_mode & 0o777
    assert mode == 0o600
    assert len(local.password) >= 32
    assert LocalNeo4j.from_settings(settings).password == local.password
