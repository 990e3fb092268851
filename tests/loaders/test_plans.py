"""Every loader statement looks nodes up by key or expands from bound nodes: a label or index scan would run
once per row of a batch, and an import would slow down with the size of the graph (quadratically).

The planner picks scans from statistics, which change during an import (an empty label at the first batch),
so the statements are written so that no scan is possible, and this test checks every plan."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import pytest

import loaders.kinds
from graph.database import Database
from tests.neo4j_fixture import empty_graph

STATEMENT_START = re.compile(r"^\s*(UNWIND|CALL|MATCH|OPTIONAL MATCH)\b")
PARAMETER = re.compile(r"\$(\w+)")


def _statements() -> Iterator[tuple[str, str]]:
    for module_info in pkgutil.iter_modules(loaders.kinds.__path__):
        module = importlib.import_module(f"loaders.kinds.{module_info.name}")
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str) and STATEMENT_START.match(value):
                yield f"{module_info.name}.{name}", value


def _operators(plan: dict[str, Any]) -> Iterator[str]:
    yield plan["operatorType"]
    for child in plan.get("children", []):
        yield from _operators(child)


STATEMENTS = dict(_statements())


def test_the_statements_are_found() -> None:
    assert {"census.CREATE_PERSONS", "party_orgs.WRITE", "cases.WRITE", "contacts.WRITE"} <= STATEMENTS.keys()


@pytest.fixture(scope="module")
def grown_graph(session_db: Database) -> Iterator[Database]:
    """Thousands of grids and nothing else: the statistics of a first import just after the roster, under which
    the planner once chose to scan every grid for each party organisation of a batch."""
    empty_graph(session_db)
    session_db.execute_write(lambda tx: tx.run(
        "UNWIND range(1, 3000) AS i CREATE (:Grid {code: 'G' + i, name: 'grid ' + i, level: 2, path: '/G' + i + '/'})"
    ).consume())
    session_db.execute_write(lambda tx: tx.run("CALL db.clearQueryCaches()").consume())
    yield session_db
    empty_graph(session_db)


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_no_statement_scans_a_label(grown_graph: Database, name: str) -> None:
    query = STATEMENTS[name]
    parameters: dict[str, list[object]] = {p: [] for p in PARAMETER.findall(query)}
    with grown_graph.driver.session(database=grown_graph.database) as session:
        plan = session.run("EXPLAIN " + query, parameters).consume().plan
    assert plan is not None
    scans = [op for op in _operators(plan) if "Scan" in op]
    assert scans == [], f"{name} plans {scans}"
