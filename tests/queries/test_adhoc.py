"""What an analyst relies on from ad-hoc Cypher: JSON-safe results without protected data, a time limit that
stops slow statements, a row cap with an exact ``truncated`` flag, limits that can only be lowered, clear
errors, and an audit entry written before the statement runs."""

from __future__ import annotations

import json
import time

import pytest

from graph.audit import recent
from graph.database import Database
from graph.settings import Settings
from queries.adhoc import run_adhoc
from queries.errors import CypherInvalid, CypherLimitError, CypherTimeout
from queries.statement import PROTECTED_PROPERTIES
from tests.fixtures.town import Town

SLOW = "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN count(*) AS n"


def test_nodes_relationships_paths_and_maps_come_back_without_protected_data(town_graph: Database, town: Town,
                                                                             settings: Settings) -> None:
    tagged = next(p for p in town.persons.values() if p.tags and p.id_number and p.phone and p.household)
    result = run_adhoc(
        town_graph, settings,
        "MATCH path = (p:Person {key: $key})-[m:MEMBER_OF]->(h:Household) "
        "RETURN p AS person, m AS membership, path, [p] AS list, {who: p} AS map, "
        "p {.name, .idMasked} AS projection",
        {"key": tagged.key}, actor="alice", role="townAdmin", allow_keys=True)
    assert result.columns == ["person", "membership", "path", "list", "map", "projection"]
    person, membership, path, listed, mapped, projection = result.rows[0]
    assert "Person" in person["labels"] and person["properties"]["key"] == tagged.key
    assert person["properties"]["idMasked"].count("*") >= 8 and person["properties"]["name"]
    assert membership["type"] == "MEMBER_OF" and membership["start"] == person["elementId"]
    assert membership["properties"] == {"relation": membership["properties"]["relation"]}
    assert [n["labels"] for n in path["nodes"]][1] == ["Household"] and len(path["relationships"]) == 1
    text = json.dumps(result.rows, ensure_ascii=False)
    for hidden in (*PROTECTED_PROPERTIES, "tags"):
        assert f'"{hidden}"' not in text
    assert person["properties"] == listed[0]["properties"] == mapped["who"]["properties"]
    assert projection == {"name": person["properties"]["name"], "idMasked": person["properties"]["idMasked"]}
    assert person["properties"]["birthDate"].count("-") == 2, "dates as ISO 8601 text"


def test_analysts_get_persons_without_keys(town_graph: Database, town: Town, settings: Settings) -> None:
    result = run_adhoc(town_graph, settings, "MATCH (p:Person) RETURN p AS person, {p: p} AS map LIMIT 3",
                       actor="alice", role="analyst")
    assert len(result.rows) == 3
    for person, mapped in result.rows:
        assert person["properties"]["name"] and "key" not in person["properties"]
        assert "key" not in mapped["p"]["properties"]


def test_temporal_and_other_values_are_json_safe(town_graph: Database, settings: Settings) -> None:
    result = run_adhoc(
        town_graph, settings,
        "MATCH (c:Case {code: 'D001'}) RETURN c.reportedAt AS at, date(c.reportedAt) AS day, duration('P1DT2H') AS d, "
        "point({x: 1.5, y: 2}) AS p, 0.0 / 0.0 AS nan, [1, 'a', null, true] AS mixed",
        actor="alice", role="analyst")
    record = result.records()[0]
    assert record["at"].startswith("2026-") and "T09:00:00" in record["at"]
    assert record["day"] == record["at"][:10] and record["d"] == "P1DT2H"
    assert record["p"] == {"srid": 7203, "coordinates": [1.5, 2.0]}
    assert record["nan"] == "nan" and record["mixed"] == [1, "a", None, True]
    json.dumps(result.rows, allow_nan=False)


def test_row_cap_sets_truncated(town_graph: Database, settings: Settings, test_env: dict[str, str]) -> None:
    ten = "UNWIND range(1, 10) AS x RETURN x"
    capped = run_adhoc(town_graph, settings, ten, actor="alice", role="analyst", max_rows=4)
    assert capped.rows == [[1], [2], [3], [4]] and capped.truncated and capped.max_rows == 4
    exact = run_adhoc(town_graph, settings, ten, actor="alice", role="analyst", max_rows=10)
    assert len(exact.rows) == 10 and not exact.truncated
    small = Settings.from_env({**test_env, "GRIDGRAPH_CYPHER_MAX_ROWS": "3"})
    default = run_adhoc(town_graph, small, ten, actor="alice", role="analyst")
    assert len(default.rows) == 3 and default.truncated, "the setting is the default cap"


def test_slow_statement_is_stopped_by_the_time_limit(town_graph: Database, settings: Settings) -> None:
    began = time.perf_counter()
    with pytest.raises(CypherTimeout, match=r"time limit of 800 ms .*GRIDGRAPH_CYPHER_TIMEOUT") as caught:
        run_adhoc(town_graph, settings, SLOW, actor="alice", role="analyst", timeout_ms=800)
    assert time.perf_counter() - began < 15
    assert caught.value.code == "cypher.timeout"
    # The database is usable right after.
    assert run_adhoc(town_graph, settings, "RETURN 1 AS one", actor="alice", role="analyst").rows == [[1]]


def test_limits_can_be_lowered_but_not_raised(town_graph: Database, settings: Settings) -> None:
    ceiling_ms = int(settings.cypher_timeout * 1000)
    with pytest.raises(CypherLimitError, match=f"timeoutMs={ceiling_ms + 1} is above the maximum of {ceiling_ms} ms"
                       ".*GRIDGRAPH_CYPHER_TIMEOUT") as timeout:
        run_adhoc(town_graph, settings, "RETURN 1", actor="alice", role="analyst", timeout_ms=ceiling_ms + 1)
    assert timeout.value.to_dict()["parameter"] == "timeoutMs"
    with pytest.raises(CypherLimitError, match=r"maxRows=10001 .*GRIDGRAPH_CYPHER_MAX_ROWS"):
        run_adhoc(town_graph, settings, "RETURN 1", actor="alice", role="analyst", max_rows=10001)
    with pytest.raises(CypherLimitError, match="maxRows must be greater than 0"):
        run_adhoc(town_graph, settings, "RETURN 1", actor="alice", role="analyst", max_rows=0)
    applied = run_adhoc(town_graph, settings, "RETURN 1", actor="alice", role="analyst", timeout_ms=1500)
    assert applied.timeout_ms == 1500 and applied.max_rows == settings.cypher_max_rows


def test_errors_from_neo4j_say_where(town_graph: Database, settings: Settings) -> None:
    with pytest.raises(CypherInvalid, match=r"SyntaxError.*\(line 1, column 10 \(offset: 9\)\)"):
        run_adhoc(town_graph, settings, "MATCH (n RETURN n", actor="alice", role="analyst")
    with pytest.raises(CypherInvalid, match=r"ArithmeticError.*/ by zero"):
        run_adhoc(town_graph, settings, "UNWIND [0] AS x RETURN 1 / x", actor="alice", role="analyst")
    with pytest.raises(CypherInvalid, match="empty"):
        run_adhoc(town_graph, settings, " // nothing\n", actor="alice", role="analyst")


def test_audited_with_author_before_it_runs(town_graph: Database, settings: Settings) -> None:
    statement = "MATCH (h:Household) WHERE h.code = $code RETURN h.address AS address"
    result = run_adhoc(town_graph, settings, statement, {"code": "A1-V1-001"}, actor="zhang.wei", role="analyst",
                       reason="排查")
    entry = next(e for e in recent(town_graph, actor="zhang.wei") if e["id"] == result.audit_id)
    assert (entry["action"], entry["role"], entry["target"], entry["reason"]) == \
        ("cypher.adhoc", "analyst", statement, "排查")
    assert json.loads(entry["detail"]) == {"parameters": ["code"], "timeoutMs": int(settings.cypher_timeout * 1000),
                                           "maxRows": settings.cypher_max_rows, "tags": False}
    assert "A1-V1-001" not in entry["detail"], "parameter values are not recorded"
    # A statement that fails while running was recorded all the same.
    with pytest.raises(CypherInvalid):
        run_adhoc(town_graph, settings, "RETURN 1 / $zero AS x", {"zero": 0}, actor="li.na", role="analyst")
    assert [e["action"] for e in recent(town_graph, actor="li.na")] == ["cypher.adhoc"]
