"""The library's files follow the header format and the conventions the CLI and API rely on, and parameters are
checked with errors that name the parameter and its type."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from graph.database import Database
from queries.errors import InvalidParameter, MissingParameter, QueryFileError, UnknownParameter, UnknownQuery
from queries.header import parse
from queries.library import CONSTANTS, NARROWING, Library
from schema.sensitive import SensitiveData
from tests.fixtures.town import NOW, TODAY, Town

NAMES = ["conflict-hotspots", "contacts-of-households", "due-soon", "grid-coverage", "grid-scorecard",
         "households-of-member", "open-wishes", "orphaned-responsibilities", "overdue-cases", "overloaded-members",
         "responsibility-chain", "similar-disputes", "successor-candidates", "uncontacted-households",
         "unvisited-households"]
KEY_COLUMNS = {"householdCode": "Household", "memberKey": "Person", "personKey": "Person", "caseCode": "Case",
               "gridCode": "Grid", "unitCode": "Unit"}
# Arguments for which every query answers with at least one row on the fixture town.
ARGUMENTS: dict[str, dict[str, object]] = {
    "contacts-of-households": {"householdCodes": "A1-V1-001,A2-V3-016"},
    "households-of-member": {"memberKey": "id:00001"},
    "uncontacted-households": {},
    "overloaded-members": {"today": TODAY.isoformat()},
    "similar-disputes": {"caseCode": "D001"},
    "responsibility-chain": {"householdCodes": ["A1-V1-001"]},
    "overdue-cases": {"now": NOW.isoformat()},
    "conflict-hotspots": {},
    "open-wishes": {},
    "grid-coverage": {"now": NOW},
    "due-soon": {"now": NOW.isoformat(), "withinHours": 24 * 30},
    "unvisited-households": {},
    "successor-candidates": {"personKey": "id:00001"},
    "orphaned-responsibilities": {"today": TODAY.isoformat()},
    "grid-scorecard": {"periodStart": "2026-01-01T00:00:00+08:00", "periodEnd": "2027-01-01T00:00:00+08:00"},
}


def test_the_library_has_the_questions(queries: Library) -> None:
    assert queries.names() == NAMES
    with pytest.raises(UnknownQuery, match=r"no named query 'contacts'.*contacts-of-households"):
        queries.get("contacts")


@pytest.mark.parametrize("name", NAMES)
def test_conventions(queries: Library, name: str) -> None:
    spec = queries.get(name)
    scope = spec.param("scopePath")
    assert scope is not None and scope.type == "string" and scope.default == "/"
    grid = spec.param("gridCode")
    if grid is None:
        assert re.search(r"\b\w+\.(gridPath|path) STARTS WITH \$scopePath", spec.cypher)
    else:
        assert grid.type == "string" and grid.default is None
        assert spec.cypher.startswith(NARROWING + "\n"), "a query taking gridCode begins with the narrowing"
        assert re.search(r"\b\w+\.(gridPath|path) STARTS WITH under\b", spec.cypher)
    limit = spec.param("limit")
    assert limit is not None and limit.type == "int" and limit.default >= 10
    keys = [c for c in spec.columns if c.name in KEY_COLUMNS]
    assert keys, "every row carries the keys of its entities"
    assert all(c.entity == KEY_COLUMNS[c.name] for c in keys)
    assert all(re.search(r"[\u4e00-\u9fff]", c.label) for c in spec.columns), "Chinese headers for the clerks"
    assert all(p.description and p.example for p in spec.params)
    assert re.search(r"[\u4e00-\u9fff]", spec.title)


@pytest.mark.parametrize("name", NAMES)
def test_returns_its_declared_columns(queries: Library, town_graph: Database, name: str) -> None:
    parameters = queries.bind(name, ARGUMENTS[name])
    rows = town_graph.read(queries.get(name).cypher, parameters)
    assert rows, "the fixture town has an answer to every question"
    assert list(rows[0]) == queries.get(name).column_names


@pytest.mark.parametrize("name", NAMES)
def test_runs_as_a_subquery(queries: Library, town_graph: Database, name: str) -> None:
    """The API embeds each file's text as ``CALL () { … }``: the same rows come out, under the same names."""
    text, used = queries.subquery(name)
    spec = queries.get(name)
    assert text == f"CALL () {{\n{spec.cypher}\n}}"
    parameters = queries.bind(name, ARGUMENTS[name])
    assert set(used) <= set(parameters) and "scopePath" in used
    columns = ", ".join(spec.column_names)
    wrapped = town_graph.read(f"WITH 1 AS outer {text} RETURN {columns}", parameters)
    assert wrapped == town_graph.read(spec.cypher, parameters)


def test_missing_unknown_and_mistyped_parameters(queries: Library) -> None:
    with pytest.raises(MissingParameter, match="needs one of the parameters householdCodes, idNumber") as missing:
        queries.bind("contacts-of-households", {})
    assert missing.value.parameter == "householdCodes"
    with pytest.raises(UnknownParameter, match=r"no parameter 'scope'; it takes: .*scopePath") as unknown:
        queries.bind("uncontacted-households", {"scope": "/A1/"})
    assert unknown.value.to_dict() == {"code": "query.parameter.unknown", "message": str(unknown.value),
                                       "parameter": "scope"}
    with pytest.raises(InvalidParameter, match=r"'minCases' must be a whole number \(int\), e.g. 3; got 'many'"):
        queries.bind("conflict-hotspots", {"minCases": "many"})
    with pytest.raises(InvalidParameter, match=r"'today' must be a date YYYY-MM-DD \(date\)"):
        queries.bind("overloaded-members", {"today": "25.11.2026"})
    with pytest.raises(InvalidParameter, match=r"'vulnerableOnly' must be true or false \(bool\)"):
        queries.bind("uncontacted-households", {"vulnerableOnly": "perhaps"})
    with pytest.raises(InvalidParameter, match=r"'householdCodes' must be a list of text values"):
        queries.bind("contacts-of-households", {"householdCodes": [1, 2]})
    with pytest.raises(InvalidParameter, match="'limit' must be between 1 and 10000"):
        queries.bind("open-wishes", {"limit": 0})
    with pytest.raises(UnknownParameter, match=r"'vulnerableTags'.*fixed by the vocabulary"):
        queries.bind("open-wishes", {"vulnerableTags": ["veteran"]})


def test_values_are_cast_from_text_and_json(queries: Library) -> None:
    bound = queries.bind("contacts-of-households", {"householdCodes": " A1-V1-001，A1-V1-002 ", "limit": "5"})
    assert bound["householdCodes"] == ["A1-V1-001", "A1-V1-002"] and bound["limit"] == 5
    assert queries.bind("contacts-of-households", {"householdCodes": '["A1-V1-003"]'})["householdCodes"] == \
        ["A1-V1-003"]
    assert queries.bind("uncontacted-households", {"vulnerableOnly": "yes"})["vulnerableOnly"] is True
    assert queries.bind("overloaded-members", {"today": "2026-11-25"})["today"] == date(2026, 11, 25)
    moment = queries.bind("overdue-cases", {"now": "2026-11-25T17:00"})["now"]
    assert isinstance(moment, datetime) and moment.tzinfo is not None, "a time without offset is local time"
    # Defaults, constants from the vocabulary, and a scope that is always a whole path.
    bound = queries.bind("open-wishes", {"scopePath": "/A1"})
    assert bound["scopePath"] == "/A1/" and bound["claimed"] is None and bound["limit"] == 100
    assert bound["openStatuses"] == CONSTANTS["openStatuses"] and "closed" not in bound["openStatuses"]
    assert queries.bind("open-wishes", {"scopePath": ""})["scopePath"] == "/"


def test_id_number_becomes_its_keyed_hash(queries: Library, town: Town, town_sensitive: SensitiveData) -> None:
    person = next(p for p in town.persons.values() if p.id_number)
    assert person.id_number is not None
    spaced = " ".join(person.id_number[i:i + 6] for i in range(0, 18, 6))
    bound = queries.bind("responsibility-chain", {"idNumber": spaced}, town_sensitive)
    assert bound["idHash"] == town_sensitive.hash("id", person.id_number)
    assert person.id_number not in repr(bound)
    mistyped = person.id_number[:17] + ("0" if person.id_number[17] != "0" else "1")
    with pytest.raises(InvalidParameter, match="'idNumber' is not a usable ID number: the check character"):
        queries.bind("responsibility-chain", {"idNumber": mistyped}, town_sensitive)
    with pytest.raises(UnknownParameter, match="does not look people up by ID number"):
        queries.bind("open-wishes", {"idNumber": person.id_number}, town_sensitive)
    with pytest.raises(MissingParameter, match="GRIDGRAPH_PII_KEY"):
        queries.bind("responsibility-chain", {"idNumber": person.id_number})


HEADER = """// @query sample
// @title 示例
// @description A sample
// query over two lines.
// @param scopePath string = "/" e.g. "/A1/" — the subtree
// @param minCases int e.g. 3 — required
// @column gridCode 网格 Grid — a grid
// @column tags 标签 sensitive — tags
MATCH (g:Grid) WHERE g.path STARTS WITH $scopePath AND $minCases > 0 RETURN g.code AS gridCode, [] AS tags
"""


def test_header_format(tmp_path: Path) -> None:
    spec = parse(HEADER, "sample.cypher")
    assert spec.description == "A sample query over two lines."
    assert [(p.name, p.type, p.required, p.default) for p in spec.params] == [
        ("scopePath", "string", False, "/"), ("minCases", "int", True, None)]
    assert [(c.name, c.label, c.entity, c.sensitive) for c in spec.columns] == [
        ("gridCode", "网格", "Grid", False), ("tags", "标签", None, True)]
    assert spec.cypher.startswith("MATCH (g:Grid)")
    (tmp_path / "sample.cypher").write_text(HEADER, encoding="utf-8")
    with pytest.raises(MissingParameter, match=r"needs parameter 'minCases' \(int\), e.g. 3"):
        Library.load(tmp_path).bind("sample", {})


@pytest.mark.parametrize(("change", "message"), [
    (("// @param minCases int e.g. 3 — required", "// @param minCases integer — required"), "unknown type"),
    (("// @param minCases int e.g. 3 — required", "// @param minCases int = x — required"), "not a JSON literal"),
    (("$minCases > 0", "$maxCases > 0"), "undeclared parameters \\['maxCases'\\]"),
    (("// @query sample", "// @query other"), "must equal the file name"),
    (("// @column tags 标签 sensitive — tags", "// @colum tags"), "unknown header tag @colum"),
    (("STARTS WITH $scopePath", "= $scopePath"), "STARTS WITH \\$scopePath"),
    (("// @column gridCode", '// @param gridCode string = null e.g. "A1" — a grid\n// @column gridCode'),
     "begins with the narrowing"),
    (("// @column gridCode", '// @param gridCode int = null e.g. 1 — a grid\n// @column gridCode'),
     "gridCode is a string parameter with default null"),
])
def test_header_defects_are_reported(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    (tmp_path / "sample.cypher").write_text(HEADER.replace(*change), encoding="utf-8")
    with pytest.raises(QueryFileError, match=message):
        Library.load(tmp_path)


def test_a_query_taking_a_grid_code_begins_with_the_narrowing(tmp_path: Path) -> None:
    narrowed = HEADER.replace(
        "// @column gridCode", '// @param gridCode string = null e.g. "A1" — a grid\n// @column gridCode'
    ).replace("MATCH (g:Grid) WHERE g.path STARTS WITH $scopePath AND",
              "\n".join("  " + line for line in NARROWING.splitlines())
              + "\nMATCH (g:Grid) WHERE g.path STARTS WITH under AND")
    (tmp_path / "sample.cypher").write_text(narrowed, encoding="utf-8")
    spec = Library.load(tmp_path).get("sample")  # indented differently, still the narrowing
    assert spec.param("gridCode") is not None
    (tmp_path / "sample.cypher").write_text(narrowed.replace("STARTS WITH under", "STARTS WITH $scopePath"),
                                            encoding="utf-8")
    with pytest.raises(QueryFileError, match="filters with `STARTS WITH under`"):
        Library.load(tmp_path)
