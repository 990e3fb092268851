"""What a compiled query will cost, estimated while it is compiled, so that a heavy request is refused before
it reaches Neo4j (whose planning time no transaction timeout bounds).

The unit is one row: each subquery costs one per row of its enclosing query it runs for, and each row it
returns counts again for the subqueries below it. A connection returns at most ``first + 1`` rows per parent
row; a list (``members``, ``children`` …) is taken as :data:`LIST_ITEMS` rows, a question's unpaged answer as
:data:`ANSWER_ROWS`, a ``totalCount`` as :data:`COUNTED_ROWS` rows read, a named query as :data:`NAMED_QUERY`.
The caps themselves are settings (GRIDGRAPH_MAX_QUERY_COST, GRIDGRAPH_MAX_CYPHER_SIZE,
GRIDGRAPH_MAX_SUBQUERIES), checked by :meth:`api.context.ApiContext.charge`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

LIST_ITEMS = 5       # rows a list field is expected to hold per parent
ANSWER_ROWS = 50     # rows of a question answered as a plain list (hotspots, grid summaries)
COUNTED_ROWS = 10    # rows a totalCount reads, per parent row
NAMED_QUERY = 200    # the work of one named query of the library


@dataclass
class Cost:
    """A running estimate: ``rows`` is how many times the part being compiled now runs."""

    total: int = 0
    subqueries: int = 0
    rows: int = 1

    @contextmanager
    def per(self, rows: int) -> Iterator[None]:
        """Compile what runs once per each of ``rows`` rows of the current part."""
        outer = self.rows
        self.rows = outer * max(int(rows), 1)
        self.total += self.rows if rows > 1 else 0
        try:
            yield
        finally:
            self.rows = outer

    def subquery(self, weight: int = 1) -> None:
        """A subquery of the current part (run once per its row)."""
        self.subqueries += 1
        self.total += self.rows * weight

    def named(self) -> None:
        self.subqueries += 1
        self.total += self.rows * NAMED_QUERY
