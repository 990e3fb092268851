"""A database that goes away: requests fail fast with 503 DATABASE_UNAVAILABLE, ``/readyz`` says so within a
second, the outage is logged once (not once per request with a traceback), the service resumes as soon as the
database is back, and no acknowledged write is lost. The test stops and restarts a Neo4j of its own."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.auth import Role, issue_token, signing_key
from api.observe import configure_logging
from graph.database import Database
from graph.errors import GraphError
from graph.local_neo4j import LocalNeo4j
from graph.migrations import migrate
from graph.settings import Settings
from tests.neo4j_fixture import TEST_PASSWORD, free_port

BOUND = 2.0          # GRIDGRAPH_UNAVAILABLE_AFTER's default
SLACK = 0.75         # the test client, threads and two shared cores
RESUME_WITHIN = 2.0  # seconds after the restarted database is ready
QUERY = '{ grid(code: "A1") { code } }'


@dataclass
class Answer:
    began: float
    seconds: float
    status: int
    code: str | None


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[LocalNeo4j]:
    server = LocalNeo4j(home=tmp_path / "neo4j", port=free_port(), password=TEST_PASSWORD, heap="512m",
                        pagecache_bytes=64 * 1024**2, start_timeout=240,
                        tx_memory_bytes=100 * 1024**2, tx_memory_total_bytes=200 * 1024**2)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_outage_fails_fast_and_recovers(own_server: LocalNeo4j, test_env: dict[str, str],
                                        caplog: pytest.LogCaptureFixture) -> None:
    # The load comes from one token: no rate limit, so that every answer is the database's.
    env = {**test_env, "NEO4J_URI": own_server.uri, "NEO4J_PASSWORD": TEST_PASSWORD, "GRIDGRAPH_RATE_LIMIT": "0"}
    settings = Settings.from_env(env)
    with Database.from_settings(settings) as writer:
        migrate(writer)
        writer.write("MATCH (n:OutageProbe) DELETE n")
        token = issue_token(signing_key(settings), "probe", Role.TOWN_ADMIN)
        headers = {"Authorization": f"Bearer {token}"}
        answers: list[Answer] = []
        acknowledged: list[int] = []
        stop = threading.Event()
        caplog.set_level(logging.INFO)

        with TestClient(create_app(settings)) as client:
            def load() -> None:
                while not stop.is_set():
                    began = time.monotonic()
                    response = client.post("/graphql", json={"query": QUERY}, headers=headers)
                    body = response.json()
                    code = body["errors"][0]["extensions"]["code"] if body.get("errors") else None
                    answers.append(Answer(began, time.monotonic() - began, response.status_code, code))
                    time.sleep(0.02)

            def write() -> None:
                n = 0
                while not stop.is_set():
                    n += 1
                    try:
                        writer.write("CREATE (:OutageProbe {n: $n})", {"n": n})
                        acknowledged.append(n)
                    except GraphError:
                        pass
                    time.sleep(0.05)

            workers = [threading.Thread(target=load) for _ in range(3)] + [threading.Thread(target=write)]
            for worker in workers:
                worker.start()
            try:
                time.sleep(1.0)
                own_server.stop()
                stopped = time.monotonic()
                time.sleep(3.0)
                began = time.monotonic()
                ready = client.get("/readyz")
                ready_seconds = time.monotonic() - began
                restarting = time.monotonic()
                own_server.start()
                restarted = time.monotonic()
                deadline = restarted + 10
                while time.monotonic() < deadline and not any(
                        a.status == 200 and a.began >= restarting for a in answers):
                    time.sleep(0.05)
                time.sleep(0.5)
            finally:
                stop.set()
                for worker in workers:
                    worker.join(timeout=30)

            assert ready.status_code == 503 and ready_seconds < 1.0, (ready.status_code, ready_seconds)
            assert client.get("/readyz").status_code == 200

        during = [a for a in answers if stopped + 0.5 <= a.began < restarting]
        assert during, "requests were made while the database was down"
        assert {(a.status, a.code) for a in during} == {(503, "DATABASE_UNAVAILABLE")}
        slowest = max(a.seconds for a in during)
        assert slowest < BOUND + SLACK, f"a request took {slowest:.2f} s to fail"
        first_ok = min(a.began + a.seconds for a in answers if a.status == 200 and a.began >= restarting)
        assert first_ok - restarted < RESUME_WITHIN, f"service resumed {first_ok - restarted:.2f} s after the database"

        stored = {r["n"] for r in writer.read("MATCH (p:OutageProbe) RETURN p.n AS n")}
        assert acknowledged and set(acknowledged) <= stored, "every acknowledged write is in the graph"

    warnings = [r for r in caplog.records if r.name == "gridgraph.database" and "unreachable" in r.getMessage()]
    # Once per outage and connection pool (the app's and the writer's; a server shutting down may flap once),
    # not once per request.
    assert 1 <= len(warnings) <= 4, [r.getMessage() for r in warnings]
    assert len(during) >= 5 * len(warnings)
    assert all(r.levelno == logging.WARNING for r in warnings)
    # The driver's own log of each broken connection is silenced by the served app (configure_logging).
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and not r.name.startswith("neo4j")]
    assert errors == [], [r.getMessage() for r in errors]


def test_served_logs_leave_broken_connections_to_the_outage_warning() -> None:
    configure_logging()
    try:
        assert not logging.getLogger("neo4j").isEnabledFor(logging.ERROR)
        assert logging.getLogger("gridgraph.database").isEnabledFor(logging.WARNING)
    finally:
        logging.getLogger("neo4j").setLevel(logging.NOTSET)
        for name in ("gridgraph", "uvicorn", "uvicorn.error", "strawberry"):
            logging.getLogger(name).handlers = []
            logging.getLogger(name).propagate = True
        logging.getLogger("uvicorn.access").disabled = False
