"""The local Neo4j: Neo4j Community 5.26 from Maven Central, run by a small Java launcher.

Used whenever ``NEO4J_URI`` is not set. The jars are fetched once by Maven into ``graph/server/target``
(and Maven's own cache), the server listens on 127.0.0.1 only, with authentication on, and keeps its data
under ``var/neo4j``. One server per data folder: a second start finds the running one and reuses it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

from graph.errors import LocalServerError
from graph.secrets import read_or_create
from graph.settings import Settings

LAUNCHER_PROJECT = Path(__file__).resolve().parent / "server"
LAUNCHER_CLASS = "gridgraph.Launcher"
SUPPORTED_JAVA = (17, 21)
READY_MARK = "GRIDGRAPH-READY"


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    home: Path
    port: int
    pid: int | None = None


@dataclass(frozen=True)
class StartResult:
    reused: bool
    seconds: float
    pid: int
    port: int


def _java_executable() -> str:
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home) / "bin" / "java" if java_home else None
    java = str(candidate) if candidate and candidate.is_file() else shutil.which("java")
    if java is None:
        raise LocalServerError(
            "Java was not found. The local Neo4j 5.26 needs Java 17 or 21: install it "
            "(Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or set JAVA_HOME, "
            "or set NEO4J_URI to use an existing Neo4j server instead."
        )
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)', out.stderr + out.stdout)
    major = int(match.group(1)) if match else 0
    if major not in SUPPORTED_JAVA:
        raise LocalServerError(
            f"{java} is Java {major or 'of unknown version'}, but Neo4j 5.26 runs on Java 17 or 21: "
            "install Java 17 and point JAVA_HOME at it."
        )
    return java


def _sources_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted([LAUNCHER_PROJECT / "pom.xml", *LAUNCHER_PROJECT.glob("src/**/*.java")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_built() -> list[str]:
    """Fetch the Neo4j jars and compile the launcher once; return the java classpath entries.

    A stamp of the launcher's sources decides whether Maven must run again, so a second start downloads
    and compiles nothing.
    """
    target = LAUNCHER_PROJECT / "target"
    stamp = target / "gridgraph.stamp"
    with _file_lock(target.parent / ".build.lock"):
        digest = _sources_digest()
        if not (stamp.is_file() and stamp.read_text() == digest):
            mvn = shutil.which("mvn")
            if mvn is None:
                raise LocalServerError(
                    "Maven (mvn) was not found; it fetches the Neo4j jars from Maven Central on first start. "
                    "Install it (Debian/Ubuntu: apt-get install maven) or set NEO4J_URI to use an existing server."
                )
            result = subprocess.run(
                [mvn, "-q", "-B", "-f", str(LAUNCHER_PROJECT / "pom.xml"), "package", "-DskipTests"],
                capture_output=True, text=True, check=False,
            )
            if result.returncode != 0:
                tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
                raise LocalServerError(
                    "Maven could not fetch the Neo4j jars or compile the launcher. Check that Maven Central "
                    f"(or your Maven mirror in ~/.m2/settings.xml) is reachable. Maven said:\n{tail}"
                )
            stamp.write_text(digest)
    return [str(target / "classes"), str(target / "dependency" / "*")]


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class LocalNeo4j:
    """One local Neo4j server, identified by its home folder."""

    def __init__(
        self,
        home: Path,
        port: int,
        password: str,
        heap: str = "4g",
        pagecache_bytes: int = 4 * 1024**3,
        start_timeout: float = 180.0,
        tx_timeout: float = 30.0,
        tx_memory_bytes: int = 512 * 1024**2,
        tx_memory_total_bytes: int = 2 * 1024**3,
    ) -> None:
        self.home = home
        self.port = port
        self.password = password
        self.heap = heap
        self.pagecache_bytes = pagecache_bytes
        self.start_timeout = start_timeout
        self.tx_timeout = tx_timeout
        # Neo4j's own memory limits (db.memory.transaction.max, dbms.memory.transaction.total.max): a query
        # that would need more fails with a memory-limit error instead of taking the heap and the JVM with it.
        self.tx_memory_bytes = tx_memory_bytes
        self.tx_memory_total_bytes = tx_memory_total_bytes

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalNeo4j:
        """The local server the settings describe (its password generated on first use)."""
        home = settings.var_dir / "neo4j"
        password = (
            settings.neo4j_password.reveal() if settings.neo4j_password else read_or_create(home / "password")
        )
        return cls(
            home=home,
            port=settings.bolt_port,
            password=password,
            heap=settings.neo4j_heap,
            pagecache_bytes=settings.neo4j_pagecache_bytes,
            start_timeout=settings.neo4j_start_timeout,
            tx_timeout=settings.query_timeout,
            tx_memory_bytes=settings.neo4j_tx_memory_bytes,
            tx_memory_total_bytes=settings.neo4j_tx_memory_total_bytes,
        )

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def _pid_file(self) -> Path:
        return self.home / "server.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / "launcher.log"

    def _recorded(self) -> tuple[int, int] | None:
        try:
            data = json.loads(self._pid_file.read_text())
            return int(data["pid"]), int(data["port"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _owned_process(self) -> psutil.Process | None:
        """The running launcher of this home folder, if there is one."""
        recorded = self._recorded()
        if recorded is None:
            return None
        try:
            process = psutil.Process(recorded[0])
            cmdline = process.cmdline()
            if process.status() == psutil.STATUS_ZOMBIE:
                return None
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return None
        if LAUNCHER_CLASS in cmdline and str(self.home / "db") in cmdline:
            return process
        return None

    def status(self) -> ServerStatus:
        """Whether this server is running, and where."""
        process = self._owned_process()
        recorded = self._recorded()
        port = recorded[1] if process and recorded else self.port
        return ServerStatus(running=process is not None, home=self.home, port=port,
                            pid=process.pid if process else None)

    def start(self) -> StartResult:
        """Start the server and wait until Bolt answers; reuse it when it already runs."""
        began = time.monotonic()
        with _file_lock(self.home / ".start.lock"):
            process = self._owned_process()
            if process is not None:
                recorded = self._recorded()
                port = recorded[1] if recorded else self.port
                self._wait_for_bolt(process, began, port)
                return StartResult(reused=True, seconds=time.monotonic() - began, pid=process.pid, port=port)
            # No live server: a pid file left behind means the last one crashed. Neo4j recovers its
            # transaction log on start, so the data folder is kept as it is.
            self._pid_file.unlink(missing_ok=True)
            if _port_in_use(self.port):
                raise LocalServerError(
                    f"port {self.port} on 127.0.0.1 is taken by another program, so the local Neo4j cannot "
                    "listen there. Stop that program, or set GRIDGRAPH_BOLT_PORT to a free port "
                    "(or NEO4J_URI if that program is the Neo4j you want to use)."
                )
            java = _java_executable()
            classpath = ensure_built()
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            env = {**os.environ, "GRIDGRAPH_NEO4J_PASSWORD": self.password}
            with self.log_file.open("ab") as log:
                log.write(f"--- start {time.strftime('%Y-%m-%d %H:%M:%S')} ---\n".encode())
            # No -XX:+ExitOnOutOfMemoryError: a statement that asks for one value larger than the free heap (a
            # string doubled in a loop) then fails alone with Neo4j's OutOfMemoryError, where the flag would
            # take the whole database down; what Neo4j tracks stops earlier, at the transaction memory limits.
            argv = [java, f"-Xmx{self.heap}", "-XX:+UseG1GC",
                    "-cp", os.pathsep.join(classpath), LAUNCHER_CLASS,
                    str(self.home / "db"), str(self.port), str(self.pagecache_bytes),
                    str(max(1, int(self.tx_timeout))), str(self.tx_memory_bytes),
                    str(self.tx_memory_total_bytes)]
            # posix_spawn rather than Popen: the server outlives this process (its own session), and no
            # Popen object is left to be reaped or to warn about a child still running.
            pid = os.posix_spawn(
                java, argv, env,
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 1, str(self.log_file), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644),
                    (os.POSIX_SPAWN_DUP2, 1, 2),
                ],
                setsid=True,
            )
            child = psutil.Process(pid)
            self._pid_file.write_text(json.dumps({"pid": child.pid, "port": self.port}))
            self._wait_for_bolt(child, began, self.port, log_offset=True)
            return StartResult(reused=False, seconds=time.monotonic() - began, pid=child.pid, port=self.port)

    def _wait_for_bolt(self, process: psutil.Process, began: float, port: int, log_offset: bool = False) -> None:
        deadline = began + self.start_timeout
        while time.monotonic() < deadline:
            if not process.is_running() or process.status() == psutil.STATUS_ZOMBIE:
                self._pid_file.unlink(missing_ok=True)
                raise LocalServerError(
                    f"the local Neo4j stopped while starting; see {self.log_file}. Last lines:\n{self._log_tail()}"
                )
            if (not log_offset or READY_MARK in self._last_session_log()) and _port_in_use(port):
                return
            time.sleep(0.2)
        raise LocalServerError(
            f"the local Neo4j did not accept Bolt on port {port} within {self.start_timeout:.0f} s "
            f"(GRIDGRAPH_NEO4J_START_TIMEOUT); see {self.log_file}"
        )

    def _last_session_log(self) -> str:
        try:
            text = self.log_file.read_text(errors="replace")
        except OSError:
            return ""
        return text.rsplit("--- start ", 1)[-1]

    def _log_tail(self, lines: int = 20) -> str:
        return "\n".join(self._last_session_log().splitlines()[-lines:])

    def stop(self, timeout: float = 120.0) -> bool:
        """Shut the server down cleanly (SIGTERM, then wait). Returns False when it was not running."""
        process = self._owned_process()
        if process is None:
            self._pid_file.unlink(missing_ok=True)
            return False
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except psutil.TimeoutExpired:
            raise LocalServerError(
                f"the local Neo4j (pid {process.pid}) did not stop within {timeout:.0f} s; it may still be "
                f"flushing to disk. Wait and run `gridgraph db stop` again; see {self.log_file}"
            ) from None
        self._pid_file.unlink(missing_ok=True)
        return True

    def kill(self) -> None:
        """Kill the server at once, as a crash would (tests use this to check recovery)."""
        process = self._owned_process()
        if process is not None:
            process.kill()
            process.wait(timeout=30)
