"""``gridgraph query`` and ``gridgraph cypher`` as a user runs them: output formats, Chinese spreadsheet headers,
errors that name the parameter, and the audit trail."""

from __future__ import annotations

import csv
import getpass
import io
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from graph.audit import recent
from graph.database import Database
from queries.library import Library
from tests.fixtures.town import NOW, Town
from tests.queries import expected


@pytest.fixture
def runner(test_env: dict[str, str]) -> CliRunner:
    return CliRunner(env=test_env)


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_list_describes_every_query(runner: CliRunner, queries: Library) -> None:
    result = invoke(runner, "query", "--list")
    assert result.exit_code == 0
    for spec in queries:
        assert f"{spec.name} — {spec.title}" in result.output
    one = invoke(runner, "query", "--list", "conflict-hotspots")
    assert "minCases (int; default 2, e.g. 3): at least this many disputes" in one.output
    assert "contacts-of-households" not in one.output


def test_csv_output(runner: CliRunner, town_graph: Database, town: Town) -> None:
    result = invoke(runner, "query", "uncontacted-households", "--format", "csv", "-p", "gridCode=A2",
                    "--param", "vulnerableOnly=true")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    wanted = expected.uncontacted_households(town, "/A2/", vulnerable_only=True)
    assert [r["householdCode"] for r in rows] == [w["householdCode"] for w in wanted]
    assert rows[0]["vulnerableNames"] == "、".join(wanted[0]["vulnerableNames"])


def test_json_output_and_id_number_lookup(runner: CliRunner, town_graph: Database, town: Town) -> None:
    resident = next(p for p in town.persons.values() if p.household == "A2-V3-016" and p.id_number)
    assert resident.id_number is not None
    result = invoke(runner, "query", "contacts-of-households", "--format", "json", "-p",
                    f"idNumber={resident.id_number}")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [(r["householdCode"], r["memberKey"]) for r in records] == \
        expected.contacts_of_households(town, ["A2-V3-016"])
    assert records[0]["since"] == "2024-03-01"
    entry = recent(town_graph, action="query.named", actor=getpass.getuser())[0]
    assert entry["target"] == "contacts-of-households"
    assert resident.id_number not in entry["detail"] and resident.id_number[-4:] in entry["detail"]


def test_xlsx_has_chinese_headers(runner: CliRunner, town_graph: Database, town: Town, queries: Library,
                                  tmp_path: Path) -> None:
    path = tmp_path / "超期案件.xlsx"
    result = invoke(runner, "query", "overdue-cases", "--format", "xlsx", "--output", str(path),
                    "-p", f"now={NOW.isoformat()}")
    assert result.exit_code == 0, result.output
    wanted = expected.overdue_cases(town, NOW)
    assert f"wrote {len(wanted)} rows to {path}" in result.output
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None and sheet.title == "超期未办结案件"
    rows = list(sheet.iter_rows(values_only=True))
    spec = queries.get("overdue-cases")
    assert list(rows[0]) == [c.label for c in spec.columns]
    assert rows[0][:3] == ("案件编号", "类型", "类别")
    codes = spec.column_names.index("caseCode")
    assert [row[codes] for row in rows[1:]] == [w["caseCode"] for w in wanted]
    deadline = rows[1][spec.column_names.index("deadline")]
    assert isinstance(deadline, datetime), "times are real spreadsheet dates"
    holders = rows[-1][spec.column_names.index("holders")]
    assert holders == "、".join(wanted[-1]["holders"])


def test_table_output(runner: CliRunner, town_graph: Database) -> None:
    result = invoke(runner, "query", "grid-coverage", "-p", "maxLevel=1", "-p", f"now={NOW.isoformat()}")
    assert result.exit_code == 0, result.output
    assert "网格覆盖统计" in result.output and "A1" in result.output and "A2" in result.output


@pytest.mark.parametrize(("args", "code", "message"), [
    (("query", "overloaded-members", "-p", "today=tomorrow"), 1,
     "Error: parameter 'today' must be a date YYYY-MM-DD (date), e.g. \"2026-11-25\"; got 'tomorrow'"),
    (("query", "overloaded-members", "-p", "age=70"), 1,
     "Error: query 'overloaded-members' has no parameter 'age'; it takes: scopePath, gridCode, today, limit"),
    (("query", "responsibility-chain"), 1,
     "Error: query 'responsibility-chain' needs one of the parameters householdCodes, idNumber, village"),
    (("query", "responsibility-chain", "-p", "idNumber=12345"), 1,
     "Error: parameter 'idNumber' is not a usable ID number: an ID number has 18 characters"),
    (("query", "overloaded-members", "-p", "today"), 2, "'today' is not KEY=VALUE"),
    (("query", "overloaded-members", "-p", "limit=1", "-p", "limit=2"), 2, "limit is given twice"),
    (("query", "who-knows"), 1, "Error: there is no named query 'who-knows'"),
    (("query",), 2, "give a query NAME, or --list"),
    (("query", "open-wishes", "--format", "xlsx"), 2, "xlsx is a binary file: give --output FILE.xlsx"),
    (("cypher", "MATCH (n) DETACH DELETE n"), 1, "Error: DETACH writes to the graph; ad-hoc Cypher is read-only"),
    (("cypher", "RETURN 1", "--timeout", "3600"), 1, "Error: timeoutMs=3600000 is above the maximum"),
])
def test_errors(runner: CliRunner, town_graph: Database, args: tuple[str, ...], code: int, message: str) -> None:
    result = invoke(runner, *args)
    assert result.exit_code == code
    assert message in result.output


def test_cypher_command(runner: CliRunner, town_graph: Database, town: Town) -> None:
    result = invoke(runner, "cypher", "MATCH (g:Grid) WHERE g.level = $level RETURN g.code AS code ORDER BY code",
                    "-p", "level=2", "--max-rows", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    villages = sorted(g["code"] for g in town.grids if g["level"] == 2)
    assert json.loads(result.stdout) == [{"code": code} for code in villages[:2]]
    assert "only the first 2 rows are shown; more exist" in result.stderr
    entry = recent(town_graph, action="cypher.adhoc", actor=getpass.getuser())[0]
    assert entry["role"] == "cli" and entry["target"].startswith("MATCH (g:Grid) WHERE g.level = $level")
    statement = io.StringIO("MATCH (p:Person) RETURN p LIMIT 1")
    piped = runner.invoke(cli, ["cypher", "-", "--format", "json"], input=statement.read())
    assert piped.exit_code == 0, piped.output
    person = json.loads(piped.stdout)[0]["p"]
    assert "idHash" not in person["properties"] and "tags" not in person["properties"]
