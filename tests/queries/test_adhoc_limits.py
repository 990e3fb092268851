"""An analyst's runaway statement stops with ``cypher.limit`` and takes nothing else down: Neo4j's transaction
memory limit (or, for one value larger than the heap, Neo4j's own out-of-memory error) ends it, the database stays
up, and another user's query is answered meanwhile. Over-long statements and loops inside one expression are
refused before they reach Neo4j."""

from __future__ import annotations

import threading
import time

import pytest

from graph.database import Database
from graph.settings import Settings
from queries.adhoc import run_adhoc
from queries.errors import CypherLimitError

# Each doubles a 1 KiB string: 24 doublings ask for 16 GiB, far over any heap the tests give Neo4j.
STRING_DOUBLING = "WITH '" + "x" * 1024 + "' AS s " + "WITH s + s AS s " * 24 + "RETURN size(s) AS n"
LIST_BLOW_UP = "UNWIND range(1, 1000000) AS x UNWIND range(1, 100) AS y RETURN size(collect([x, y])) AS n"
CARTESIAN = ("MATCH (a:Person), (b:Person), (c:Person), (d:Person) "
             "RETURN size(collect(DISTINCT [a.name, b.name, c.name, d.name])) AS n")
RUNAWAY = {"string doubling": STRING_DOUBLING, "list blow-up": LIST_BLOW_UP, "cartesian product": CARTESIAN}


@pytest.mark.parametrize("statement", list(RUNAWAY.values()), ids=list(RUNAWAY))
def test_runaway_statement_stops_with_the_memory_limit(town_graph: Database, settings: Settings,
                                                        statement: str) -> None:
    with pytest.raises(CypherLimitError, match=r"more memory than a transaction may take .*"
                                               r"db\.memory\.transaction\.max") as caught:
        run_adhoc(town_graph, settings, statement, actor="mallory", role="analyst")
    assert caught.value.code == "cypher.limit"
    assert town_graph.read("MATCH (g:Grid) RETURN count(g) AS n")[0]["n"] > 0, "the database is still up"


def test_other_users_are_answered_while_a_runaway_statement_runs(town_graph: Database, settings: Settings) -> None:
    outcome: list[BaseException] = []

    def runaway() -> None:
        try:
            run_adhoc(town_graph, settings, LIST_BLOW_UP, actor="mallory", role="analyst")
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=runaway)
    worker.start()
    latencies: list[float] = []
    # Lookups from the start, while the runaway statement runs (on an idle machine it may hit the limit within a
    # fraction of a second: then the lookups after it show that the database is still up).
    while (worker.is_alive() or not latencies) and len(latencies) < 200:
        began = time.perf_counter()
        rows = town_graph.read("MATCH (h:Household) WHERE h.code = $code RETURN h.address AS address",
                               {"code": "A1-V1-001"})
        latencies.append(time.perf_counter() - began)
        assert rows, "a normal lookup is answered"
        time.sleep(0.05)
    worker.join(timeout=60)
    # Two shared cores: the runaway statement takes one; a lookup waits at most for a collection pause.
    assert max(latencies) < 5.0, f"slowest lookup meanwhile took {max(latencies):.2f} s"
    assert len(outcome) == 1 and isinstance(outcome[0], CypherLimitError)


def test_statement_over_the_length_limit_is_refused(town_graph: Database, test_env: dict[str, str]) -> None:
    short = Settings.from_env({**test_env, "GRIDGRAPH_CYPHER_MAX_LENGTH": "40"})
    assert run_adhoc(town_graph, short, "RETURN 1 AS one", actor="alice", role="analyst").rows == [[1]]
    with pytest.raises(CypherLimitError, match=r"has 41 characters, more than the 40 allowed.*"
                                               r"GRIDGRAPH_CYPHER_MAX_LENGTH") as caught:
        run_adhoc(town_graph, short, "RETURN 1 AS one" + " " * 26, actor="alice", role="analyst")
    assert caught.value.parameter == "query"


@pytest.mark.parametrize("statement", [
    "RETURN reduce(s = 'x', i IN range(1, 30) | s + s) AS s",
    "RETURN REDUCE (acc = [], x IN [1, 2] | acc + acc) AS l",
    "RETURN size([x IN range(1, 100000000) | x]) AS n",
    "RETURN size([x IN range(0, $n) | x]) AS n",
    "UNWIND range(1, toInteger(1e9)) AS x RETURN count(x) AS n",
    "RETURN [x IN range(-1000000, 1000000) | x] AS xs",
])
def test_loops_inside_one_expression_are_refused(settings: Settings, session_db: Database, statement: str) -> None:
    with pytest.raises(CypherLimitError):
        run_adhoc(session_db, settings, statement, {"n": 10}, actor="mallory", role="analyst")


def test_small_literal_ranges_run(session_db: Database, settings: Settings) -> None:
    result = run_adhoc(session_db, settings, "RETURN [x IN range(1, 10, 3) | x] AS xs, size(range(-5, 5)) AS n",
                       actor="alice", role="analyst")
    assert result.rows == [[[1, 4, 7, 10], 11]]
