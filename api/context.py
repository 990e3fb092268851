"""What a request carries while it is answered: the caller, the shared resources, and a count of Cypher run.

Every Cypher statement of a request goes through :meth:`ApiContext.read` or :meth:`ApiContext.write`, which
count it and time it (reported in ``extensions`` with GRIDGRAPH_DEBUG, and in the metrics), and turn database
errors into errors the caller may see.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from neo4j import ManagedTransaction

from api.auth import Caller
from api.compile.cost import Cost
from api.errors import ServiceUnavailable, Timeout, TooExpensive
from graph.database import Database, QueryStats
from graph.errors import DatabaseUnavailable, QueryTimeout
from graph.settings import Settings
from schema.sensitive import SensitiveData

T = TypeVar("T")


class CountingTransaction:
    """A transaction that counts and times each statement it runs."""

    def __init__(self, tx: ManagedTransaction, stats: QueryStats) -> None:
        self._tx = tx
        self._stats = stats

    def run(self, query: str, parameters: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        started = time.perf_counter()
        try:
            return [record.data() for record in self._tx.run(query, dict(parameters or {}))]
        finally:
            elapsed = time.perf_counter() - started
            self._stats.queries += 1
            self._stats.db_seconds += elapsed
            self._stats.per_query.append(elapsed)


@dataclass
class ApiContext:
    db: Database
    settings: Settings
    sensitive: SensitiveData
    caller: Caller
    stats: QueryStats = field(default_factory=QueryStats)
    spent: int = 0  # estimated cost of the request's compiled queries so far

    def charge(self, cost: Cost, query: str) -> None:
        """Refuse a compiled query before it runs when it, or the request with it, is past the settings' caps:
        GRIDGRAPH_MAX_CYPHER_SIZE characters, GRIDGRAPH_MAX_SUBQUERIES subqueries, GRIDGRAPH_MAX_QUERY_COST."""
        hint = "ask for smaller pages (first), fewer nested lists, or split the request"
        limits = self.settings
        if len(query) > limits.max_cypher_size:
            raise TooExpensive(f"this request compiles to {len(query)} characters of Cypher, more than "
                               f"{limits.max_cypher_size} (GRIDGRAPH_MAX_CYPHER_SIZE): {hint}", cost=cost.total)
        if cost.subqueries > limits.max_subqueries:
            raise TooExpensive(f"this request needs {cost.subqueries} subqueries, more than {limits.max_subqueries} "
                               f"(GRIDGRAPH_MAX_SUBQUERIES): {hint}", cost=cost.total)
        self.spent += cost.total
        if self.spent > limits.max_query_cost:
            raise TooExpensive(f"this request would cost about {self.spent}, more than {limits.max_query_cost} "
                               f"(GRIDGRAPH_MAX_QUERY_COST): {hint}", cost=self.spent)

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except DatabaseUnavailable:
            raise ServiceUnavailable("the database is not reachable right now; try again shortly") from None
        except QueryTimeout:
            raise Timeout("the query ran past its time limit (GRIDGRAPH_QUERY_TIMEOUT) and was stopped") from None

    def read(self, query: str, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Run one read statement in its own read transaction (routed to a reader in a cluster). Its rows hold
        maps, lists and scalars (compiled projections), never nodes: the driver's values are kept as they are."""
        started = time.perf_counter()
        try:
            with self._translated():
                return self.db.read(query, parameters, raw=True)
        finally:
            elapsed = time.perf_counter() - started
            self.stats.queries += 1
            self.stats.db_seconds += elapsed
            self.stats.per_query.append(elapsed)

    def write(self, work: Callable[[CountingTransaction], T]) -> T:
        """Run ``work`` (one or more statements) in one managed write transaction."""
        with self._translated():
            return self.db.execute_write(lambda tx: work(CountingTransaction(tx, self.stats)))

    def run(self, fn: Callable[[], T]) -> T:
        """Run a library call that uses the database directly (e.g. the audit trail), with errors translated."""
        with self._translated():
            return fn()
