"""One driver per process, and the ways to run Cypher: ``read`` for one read query, ``execute_read`` and
``execute_write`` for transaction functions.

All retry transient errors such as deadlocks and leader changes (for up to RETRY_SECONDS), name the database
from settings (so a cluster routes reads to secondaries), and carry a server-side timeout.
Driver errors that a person will see are turned into :mod:`graph.errors` with a hint what to do.

An outage fails fast: when Neo4j cannot be reached, a call gives up with :class:`DatabaseUnavailable` within
``unavailable_after`` seconds (``GRIDGRAPH_UNAVAILABLE_AFTER``) instead of retrying through the outage, and while
the outage lasts each call tries once (a refused connection fails at once) — so the first call after Neo4j is
back succeeds. The outage is logged once at WARNING when it starts and once when it ends. A write whose commit
may or may not have happened (the connection broke while committing) is never retried.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, LiteralString, ParamSpec, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction, Result, unit_of_work
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graph.errors import DatabaseAuthError, DatabaseUnavailable, QueryTimeout
from graph.settings import Settings

T = TypeVar("T")
P = ParamSpec("P")

RETRY_SECONDS = 15.0  # how long transient errors are retried (the driver's managed transactions and read())
RETRY_FIRST_DELAY, RETRY_JITTER = 1.0, 0.2  # the driver's defaults
RECONNECT_DELAY = 0.1  # between attempts to reach Neo4j within the unavailable_after bound
LOG = logging.getLogger("gridgraph.database")

TIMEOUT_CODES = frozenset({
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    "Neo.TransientError.Transaction.LockClientStopped",
})


@dataclass
class QueryStats:
    """How many Cypher queries ran and how long the database took (for debug extensions and metrics)."""

    queries: int = 0
    db_seconds: float = 0.0
    per_query: list[float] = field(default_factory=list)


def connection_target(settings: Settings) -> tuple[str, str, str]:
    """URI, user and password to connect with: NEO4J_URI, or the local server's."""
    if settings.neo4j_uri is not None:
        password = settings.neo4j_password.reveal() if settings.neo4j_password else ""
        return settings.neo4j_uri, settings.neo4j_username, password
    from graph.local_neo4j import LocalNeo4j

    local = LocalNeo4j.from_settings(settings)
    return local.uri, "neo4j", local.password


# What a server says while it starts or stops: as good as unreachable.
UNAVAILABLE_CODES = frozenset({"Neo.TransientError.General.DatabaseUnavailable"})


def _unreachable(error: BaseException) -> bool:
    """Whether ``error`` says Neo4j could not be reached (rather than that it refused or failed the work)."""
    if isinstance(error, Neo4jError):
        return error.code in UNAVAILABLE_CODES
    return isinstance(error, ServiceUnavailable | SessionExpired | OSError) and not isinstance(error, IncompleteCommit)


class Outage:
    """Whether Neo4j is unreachable, since when, and logging of its start and end (once each)."""

    def __init__(self, uri: str) -> None:
        self.uri = uri
        self.since: float | None = None
        self._lock = threading.Lock()

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    def began(self, error: BaseException) -> None:
        with self._lock:
            if self.since is not None:
                return
            self.since = time.monotonic()
        LOG.warning("database unreachable: requests fail with 503 until it is back",
                    extra={"fields": {"uri": self.uri, "error": type(error).__name__}})

    def ended(self) -> None:
        with self._lock:
            if self.since is None:
                return
            lasted, self.since = time.monotonic() - self.since, None
        LOG.warning("database reachable again", extra={"fields": {"uri": self.uri, "outageSeconds": round(lasted, 1)}})


def _retried(work: Callable[[], T], outage: Outage | None = None, unavailable_after: float = RETRY_SECONDS) -> T:
    """``work()``, again after transient errors (deadlocks, leader changes) with the backoff of the driver's
    managed transactions for up to RETRY_SECONDS, and after a failure to reach Neo4j only within
    ``unavailable_after`` seconds — not at all while a known outage lasts."""
    began = time.monotonic()
    delay = RETRY_FIRST_DELAY
    while True:
        try:
            result = work()
        except (DriverError, Neo4jError, OSError) as error:
            now = time.monotonic()
            if _unreachable(error):
                if outage is not None and (outage.ongoing or now + RECONNECT_DELAY - began > unavailable_after):
                    outage.began(error)
                    raise
                if now + RECONNECT_DELAY - began > unavailable_after:
                    raise
                time.sleep(RECONNECT_DELAY)  # a pooled connection broken by a restart: a fresh one may work
                continue
            if isinstance(error, OSError) or not error.is_retryable() or now + delay - began > RETRY_SECONDS:
                raise
            time.sleep(delay * random.uniform(1 - RETRY_JITTER, 1 + RETRY_JITTER))  # not a secret
            delay *= 2
            continue
        if outage is not None:
            outage.ended()
        return result


def _stored(result: Result) -> list[dict[str, Any]]:
    return [dict(zip(record.keys(), record.values(), strict=True)) for record in result]


class Database:
    """The process's connection to Neo4j. Create one, share it, ``close()`` it at shutdown."""

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j",
                 timeout: float = 30.0, max_pool_size: int = 100, unavailable_after: float = 2.0) -> None:
        self.uri = uri
        self.user = user
        self.database = database
        self.timeout = timeout
        self.unavailable_after = unavailable_after
        self.outage = Outage(uri)
        self._driver = GraphDatabase.driver(
            uri, auth=(user, password), max_connection_pool_size=max_pool_size,
            # A connection that cannot be made or had within the bound means the database is unavailable.
            connection_acquisition_timeout=max(unavailable_after, 0.5), connection_timeout=max(unavailable_after, 0.5),
            # Retries are ours (_retried): the driver's would retry lost connections for the whole retry time.
            max_transaction_retry_time=0.0,
            notifications_min_severity="OFF",
            telemetry_disabled=True,  # no usage report to the server with each transaction
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        uri, user, password = connection_target(settings)
        return cls(uri, user, password, settings.neo4j_database, settings.query_timeout,
                   unavailable_after=settings.unavailable_after)

    @property
    def driver(self) -> neo4j.Driver:
        return self._driver

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def verify(self) -> None:
        """Connect once and check the credentials; raise a clear error when that fails."""
        with self._translated():
            self._driver.verify_connectivity()
            self._driver.verify_authentication()

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except AuthError:
            raise DatabaseAuthError(
                f"Neo4j at {self.uri} refused user {self.user!r}: the password is wrong. Set NEO4J_PASSWORD to "
                "the server's password (for the local server, the one in var/neo4j/password)."
            ) from None
        except (ServiceUnavailable, SessionExpired, OSError) as exc:
            raise DatabaseUnavailable(
                f"cannot reach Neo4j at {self.uri} ({type(exc).__name__}). Is it running? Start the local "
                "server with `gridgraph db start`, or check NEO4J_URI."
            ) from None
        except Neo4jError as exc:
            if exc.code in UNAVAILABLE_CODES:
                raise DatabaseUnavailable(f"Neo4j at {self.uri} is starting or stopping; try again shortly") from None
            if not isinstance(exc, ClientError):
                raise
            if exc.code in TIMEOUT_CODES:
                raise QueryTimeout(
                    "the query ran past its time limit and was stopped; narrow it, or raise the limit "
                    "(GRIDGRAPH_QUERY_TIMEOUT)."
                ) from None
            raise

    def ping(self, timeout: float) -> None:
        """One trivial query, tried once (no retry): raises when Neo4j does not answer (for ``/readyz``)."""
        with self._translated(), self._driver.session(database=self.database,
                                                      default_access_mode=neo4j.READ_ACCESS) as session:
            try:
                session.run(neo4j.Query("RETURN 1", timeout=timeout)).consume()
            except (DriverError, Neo4jError, OSError) as error:
                if _unreachable(error):
                    self.outage.began(error)
                raise
        self.outage.ended()

    def _run(self, mode: str, work: Callable[[ManagedTransaction], T], timeout: float | None) -> T:
        limited = unit_of_work(timeout=timeout if timeout is not None else self.timeout)(work)

        def once() -> T:
            with self._driver.session(database=self.database) as session:
                if mode == "r":
                    return session.execute_read(limited)
                return session.execute_write(limited)

        with self._translated():
            return _retried(once, self.outage, self.unavailable_after)

    def execute_read(self, work: Callable[[ManagedTransaction], T], timeout: float | None = None) -> T:
        """Run ``work`` in a managed read transaction (routed to a reader in a cluster)."""
        return self._run("r", work, timeout)

    def execute_write(self, work: Callable[[ManagedTransaction], T], timeout: float | None = None) -> T:
        """Run ``work`` in a managed write transaction."""
        return self._run("w", work, timeout)

    def read(self, query: LiteralString, parameters: Mapping[str, Any] | None = None,
             timeout: float | None = None, raw: bool = False) -> list[dict[str, Any]]:
        """Run one read query and return its rows as dicts.

        The query runs as an auto-commit transaction: RUN and PULL go in one round trip, where a transaction
        function adds BEGIN and COMMIT (a second round trip, and ~40% more of the driver's CPU per query). The
        driver does not retry auto-commit transactions, so :meth:`_retried` does, as it retries managed ones —
        safe for a read. ``raw`` keeps the values as the driver decoded them, for queries that return only
        maps, lists and scalars: ``Record.data()`` would walk every nested value again only to turn nodes and
        relationships into dicts.
        """
        limited = neo4j.Query(query, timeout=timeout if timeout is not None else self.timeout)
        params = dict(parameters or {})
        rows = _stored if raw else Result.data

        def once() -> list[dict[str, Any]]:
            with self._driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
                return rows(session.run(limited, params))

        with self._translated():
            return _retried(once, self.outage, self.unavailable_after)

    def write(self, query: LiteralString, parameters: Mapping[str, Any] | None = None,
              timeout: float | None = None) -> list[dict[str, Any]]:
        """Run one write query and return its rows as dicts."""
        params = dict(parameters or {})
        return self.execute_write(lambda tx: [r.data() for r in tx.run(query, params)], timeout)

    def run_schema(self, statement: LiteralString) -> None:
        """Run one schema statement (constraint or index DDL) in its own auto-commit transaction."""
        with self._translated(), self._driver.session(database=self.database) as session:
            session.run(statement).consume()
