"""One driver per process, and the ways to run Cypher: ``read`` for one read query, ``execute_read`` and
``execute_write`` for transaction functions.

All run managed transactions (the driver retries transient errors such as deadlocks and leader changes),
name the database from settings (so a cluster routes reads to secondaries), and carry a server-side timeout.
Driver errors that a person will see are turned into :mod:`graph.errors` with a hint what to do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, LiteralString, ParamSpec, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction, Result, RoutingControl, unit_of_work
from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable, SessionExpired

from graph.errors import DatabaseAuthError, DatabaseUnavailable, QueryTimeout
from graph.settings import Settings

T = TypeVar("T")
P = ParamSpec("P")

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
    from graph.server import LocalNeo4j

    local = LocalNeo4j.from_settings(settings)
    return local.uri, "neo4j", local.password


class Database:
    """The process's connection to Neo4j. Create one, share it, ``close()`` it at shutdown."""

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j",
                 timeout: float = 30.0, max_pool_size: int = 100) -> None:
        self.uri = uri
        self.user = user
        self.database = database
        self.timeout = timeout
        self._driver = GraphDatabase.driver(
            uri, auth=(user, password), max_connection_pool_size=max_pool_size,
            connection_acquisition_timeout=30.0, max_transaction_retry_time=15.0,
            connection_timeout=10.0, notifications_min_severity="OFF",
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        uri, user, password = connection_target(settings)
        return cls(uri, user, password, settings.neo4j_database, settings.query_timeout)

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
        except ClientError as exc:
            if exc.code in TIMEOUT_CODES:
                raise QueryTimeout(
                    "the query ran past its time limit and was stopped; narrow it, or raise the limit "
                    "(GRIDGRAPH_QUERY_TIMEOUT)."
                ) from None
            raise

    def _run(self, mode: str, work: Callable[[ManagedTransaction], T], timeout: float | None) -> T:
        limited = unit_of_work(timeout=timeout if timeout is not None else self.timeout)(work)
        with self._translated(), self._driver.session(database=self.database) as session:
            if mode == "r":
                return session.execute_read(limited)
            return session.execute_write(limited)

    def execute_read(self, work: Callable[[ManagedTransaction], T], timeout: float | None = None) -> T:
        """Run ``work`` in a managed read transaction (routed to a reader in a cluster)."""
        return self._run("r", work, timeout)

    def execute_write(self, work: Callable[[ManagedTransaction], T], timeout: float | None = None) -> T:
        """Run ``work`` in a managed write transaction."""
        return self._run("w", work, timeout)

    def read(self, query: LiteralString, parameters: Mapping[str, Any] | None = None,
             timeout: float | None = None) -> list[dict[str, Any]]:
        """Run one read query and return its rows as dicts.

        ``execute_query`` sends BEGIN together with the query (one round trip fewer than a transaction function)
        and retries transient errors as managed transactions do. No bookmark manager: like a fresh session, a
        read does not wait for the bookmarks of earlier queries.
        """
        limited = neo4j.Query(query, timeout=timeout if timeout is not None else self.timeout)
        with self._translated():
            return self._driver.execute_query(limited, dict(parameters or {}), routing_=RoutingControl.READ,
                                              database_=self.database, bookmark_manager_=None,
                                              result_transformer_=Result.data)

    def write(self, query: LiteralString, parameters: Mapping[str, Any] | None = None,
              timeout: float | None = None) -> list[dict[str, Any]]:
        """Run one write query and return its rows as dicts."""
        params = dict(parameters or {})
        return self.execute_write(lambda tx: [r.data() for r in tx.run(query, params)], timeout)

    def run_schema(self, statement: LiteralString) -> None:
        """Run one schema statement (constraint or index DDL) in its own auto-commit transaction."""
        with self._translated(), self._driver.session(database=self.database) as session:
            session.run(statement).consume()
