"""The processes one benchmark run needs, all on 127.0.0.1 and each on a free port of its own.

- its own Neo4j (:class:`graph.local_neo4j.LocalNeo4j`) with its home under ``bench/out/api-bench/var/neo4j``,
  migrated and loaded with a generated town the first time (the data is reused by later runs);
- gridgraph's API (``gridgraph serve``) in a subprocess, pointed at that Neo4j;
- the Neo4j GraphQL Library's minimal server (``bench/neo4j-graphql/server.mjs``) over the same database.

Processes this module starts are stopped by their own id (their process group, which each gets by being
started in a new session); a Neo4j that was already running when the run began is left running.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
import psutil

from graph.database import Database
from graph.local_neo4j import LocalNeo4j
from graph.migrations import migrate
from graph.pii_key import sensitive_data
from graph.secrets import read_or_create
from graph.settings import Settings, parse_size

BENCH_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BENCH_DIR / "out" / "api-bench"
VAR_DIR = OUT_DIR / "var"
LOG_DIR = OUT_DIR / "logs"
SAMPLE_DIR = OUT_DIR / "sample"
LOADED_MARK = OUT_DIR / "loaded.json"
NODE_DIR = BENCH_DIR / "neo4j-graphql"
LOOPBACK = "127.0.0.1"
GRIDGRAPH = Path(sys.executable).with_name("gridgraph")


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def say(message: str) -> None:
    """Progress on stderr, so that stdout holds only the report."""
    print(message, file=sys.stderr, flush=True)


@dataclass
class BenchDatabase:
    """The benchmark's own Neo4j and how to reach it."""

    server: LocalNeo4j
    port: int
    started_here: bool

    @property
    def uri(self) -> str:
        return f"bolt://{LOOPBACK}:{self.port}"

    def env(self) -> dict[str, str]:
        """The environment for gridgraph commands: this server, this run's var folder, no local start."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "GRIDGRAPH_"))}
        env |= {"NEO4J_URI": self.uri, "NEO4J_USERNAME": "neo4j", "NEO4J_PASSWORD": self.server.password,
                "NEO4J_DATABASE": "neo4j", "GRIDGRAPH_VAR_DIR": str(VAR_DIR)}
        return env

    def connect(self) -> Database:
        return Database(self.uri, "neo4j", self.server.password)

    def stop(self) -> None:
        if self.started_here:
            say("stopping the benchmark's Neo4j …")
            self.server.stop()


def start_database(heap: str, pagecache: str) -> BenchDatabase:
    """Start (or find running) the benchmark's Neo4j, and apply the schema migrations."""
    home = VAR_DIR / "neo4j"
    server = LocalNeo4j(home=home, port=free_port(), password=read_or_create(home / "password"), heap=heap,
                        pagecache_bytes=parse_size(pagecache), tx_timeout=60)
    say(f"starting the benchmark's Neo4j in {home} …")
    started = server.start()
    bench = BenchDatabase(server=server, port=started.port, started_here=not started.reused)
    with bench.connect() as db:
        db.verify()
        # The loaders' PII key (var/pii.key of the bench), for migrations that re-key stored data.
        migrate(db, keys=lambda: sensitive_data(Settings.from_env(bench.env())))
    return bench


def _run(argv: Sequence[str], env: Mapping[str, str], what: str) -> str:
    result = subprocess.run(list(argv), env=dict(env), capture_output=True, text=True, check=False,
                            cwd=BENCH_DIR.parent)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result.stdout


def ensure_data(bench: BenchDatabase, scale: str, seed: int, as_of: str) -> dict[str, int]:
    """Load a generated town unless this database already holds the one asked for; return node counts."""
    wanted = {"scale": scale, "seed": seed, "asOf": as_of}
    try:
        loaded = json.loads(LOADED_MARK.read_text())
    except (OSError, ValueError):
        loaded = None
    counts = node_counts(bench)
    if loaded == wanted and counts.get("Person", 0) > 0:
        say(f"reusing the loaded {scale} ({counts.get('Person', 0):,} persons)")
        return counts
    if counts.get("Person", 0) > 0:
        raise RuntimeError(f"the benchmark's database holds other data than {wanted}: delete {OUT_DIR} "
                           "(with its Neo4j stopped) to start afresh")
    LOADED_MARK.unlink(missing_ok=True)
    if SAMPLE_DIR.exists():
        shutil.rmtree(SAMPLE_DIR)
    env = bench.env()
    say(f"generating a {scale} (seed {seed}, as of {as_of}) into {SAMPLE_DIR} …")
    _run([str(GRIDGRAPH), "sample", str(SAMPLE_DIR), "--scale", scale, "--seed", str(seed), "--as-of", as_of],
         env, "gridgraph sample")
    say("loading it (gridgraph load) …")
    began = time.monotonic()
    _run([str(GRIDGRAPH), "load", str(SAMPLE_DIR), "--report", str(OUT_DIR / "load-report.json")], env,
         "gridgraph load")
    say(f"loaded in {time.monotonic() - began:.0f} s")
    LOADED_MARK.write_text(json.dumps(wanted))
    return node_counts(bench)


def node_counts(bench: BenchDatabase) -> dict[str, int]:
    """Nodes per label of the benchmark's database."""
    with bench.connect() as db:
        rows = db.read("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n")
    return {str(r["label"]): int(r["n"]) for r in rows}


def create_token(bench: BenchDatabase) -> str:
    """A townAdmin bearer token for this database, made by ``gridgraph token create``."""
    out = _run([str(GRIDGRAPH), "token", "create", "--role", "townAdmin", "--name", "benchmark", "--days", "1"],
               bench.env(), "gridgraph token create")
    return out.strip().splitlines()[-1]


@dataclass
class Service:
    """A server process this run started, with its log file."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    _log: IO[bytes] | None = field(default=None, repr=False)

    @classmethod
    def spawn(cls, name: str, argv: Sequence[str], env: Mapping[str, str], url: str, cwd: Path) -> Service:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log_path = LOG_DIR / f"{name}.log"
        log = log_path.open("wb")
        process = subprocess.Popen(list(argv), env=dict(env), cwd=cwd, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        return cls(name=name, url=url, process=process, log_path=log_path, _log=log)

    def wait_ready(self, probe: str, headers: Mapping[str, str], timeout: float = 120.0) -> None:
        """Wait until ``probe`` (a POST of ``{"query": "{__typename}"}``) answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.process.returncode}); see {self.log_path}")
            try:
                answer = httpx.post(probe, json={"query": "{ __typename }"}, headers=dict(headers), timeout=2.0)
                if answer.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        """SIGTERM to the process group this service started, then SIGKILL if it lingers."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        if self._log is not None:
            self._log.close()


def start_gridgraph(bench: BenchDatabase, workers: int) -> Service:
    """``gridgraph serve`` on a free port (``--workers`` uvicorn processes)."""
    port = free_port()
    env = bench.env() | {"GRIDGRAPH_HOST": LOOPBACK, "GRIDGRAPH_PORT": str(port)}
    argv = [str(GRIDGRAPH), "serve", "--host", LOOPBACK, "--port", str(port), "--workers", str(workers)]
    return Service.spawn("gridgraph", argv, env, f"http://{LOOPBACK}:{port}/graphql", BENCH_DIR.parent)


def ensure_node_modules() -> None:
    """``npm ci`` in bench/neo4j-graphql when its node_modules is missing or older than the lock file."""
    marker = NODE_DIR / "node_modules" / ".package-lock.json"
    lock = NODE_DIR / "package-lock.json"
    if marker.is_file() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm was not found: the Neo4j GraphQL Library's server needs Node.js 20+ and npm")
    say("npm ci in bench/neo4j-graphql …")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_DIR, check=True)


def start_neo4j_graphql(bench: BenchDatabase, jwt_key: str) -> Service:
    """The Neo4j GraphQL Library's server on a free port, checking the same bearer tokens."""
    ensure_node_modules()
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node was not found: the Neo4j GraphQL Library's server needs Node.js 20+")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env |= {"NEO4J_URI": bench.uri, "NEO4J_USERNAME": "neo4j", "NEO4J_PASSWORD": bench.server.password,
            "HOST": LOOPBACK, "PORT": str(port), "JWT_KEY": jwt_key, "NODE_ENV": "production"}
    return Service.spawn("neo4j-graphql", [node, "server.mjs"], env, f"http://{LOOPBACK}:{port}/graphql", NODE_DIR)


def tree_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and its children."""
    if pid is None:
        return 0.0
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total
