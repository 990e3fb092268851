"""The test suite's own Neo4j: a local server on a free port with a throw-away data folder.

Started once per test session; every test that uses ``db`` starts from an empty graph (the schema stays).
When NEO4J_URI is set, that server is used instead, and emptied between tests: point it at a throw-away
database.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.database import Database
from graph.local_neo4j import LocalNeo4j
from graph.migrations import migrate

TEST_PASSWORD = "test-password-123"
# Memory limits of the test server (1 GB heap): a runaway statement fails well before the heap is full.
TEST_TX_MEMORY = 200 * 1024**2
TEST_TX_MEMORY_TOTAL = 500 * 1024**2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def test_server(home: Path) -> Iterator[dict[str, str]]:
    """Yield the environment (NEO4J_URI, password, …) that points at the test server."""
    if os.environ.get("NEO4J_URI"):
        yield {
            "NEO4J_URI": os.environ["NEO4J_URI"],
            "NEO4J_USERNAME": os.environ.get("NEO4J_USERNAME", "neo4j"),
            "NEO4J_PASSWORD": os.environ.get("NEO4J_PASSWORD", ""),
            "NEO4J_DATABASE": os.environ.get("NEO4J_DATABASE", "neo4j"),
        }
        return
    server = LocalNeo4j(home=home, port=free_port(), password=TEST_PASSWORD, heap="1g",
                        pagecache_bytes=512 * 1024**2, start_timeout=240,
                        tx_memory_bytes=TEST_TX_MEMORY, tx_memory_total_bytes=TEST_TX_MEMORY_TOTAL)
    server.start()
    try:
        yield {
            "NEO4J_URI": server.uri,
            "NEO4J_USERNAME": "neo4j",
            "NEO4J_PASSWORD": TEST_PASSWORD,
            "NEO4J_DATABASE": "neo4j",
        }
    finally:
        server.stop()


def empty_graph(db: Database) -> None:
    """Delete every node but the schema-migration records, in batches so big fixtures do not blow the heap."""
    while True:
        rows = db.write(
            "MATCH (n) WHERE NOT n:SchemaMigration WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS deleted"
        )
        if not rows or rows[0]["deleted"] == 0:
            return


def open_test_database(env: dict[str, str]) -> Database:
    db = Database(env["NEO4J_URI"], env["NEO4J_USERNAME"], env["NEO4J_PASSWORD"], env["NEO4J_DATABASE"])
    migrate(db)
    return db
