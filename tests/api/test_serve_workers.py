"""``gridgraph serve --workers N``: N uvicorn worker processes answer on one port, each with its own app, promptly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

from api.auth import Role
from graph.settings import Settings
from tests.api.conftest import token_for

GRIDGRAPH = str(Path(sys.executable).with_name("gridgraph"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_with_two_workers_answers_graphql(test_env: dict[str, str], settings: Settings,
                                                tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, **test_env}
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen([GRIDGRAPH, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        token = token_for(settings, Role.ANALYST, name="worker test")
        seconds = []
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
            for _ in range(20):  # one keep-alive connection
                began = time.perf_counter()
                answer = client.post(f"{url}/graphql", json={"query": "{ me { name role } }"})
                seconds.append(time.perf_counter() - began)
                assert answer.status_code == 200
                assert answer.json() == {"data": {"me": {"name": "worker test", "role": "analyst"}}}
        # With Nagle's algorithm on, every answer would wait ~40 ms for the client's delayed ACK.
        assert min(seconds) < 0.02, seconds
        children = psutil.Process(server.pid).children(recursive=True)
        assert len([p for p in children if "spawn_main" in " ".join(p.cmdline())]) == 2  # the worker processes
        assert b'"path": "/graphql"' in (tmp_path / "serve.log").read_bytes()  # the workers log JSON lines
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
