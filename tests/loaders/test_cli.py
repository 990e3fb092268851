"""``gridgraph load`` as a person runs it: exit codes, messages, the JSON report, and kill -9 mid-import."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli
from graph.database import Database
from tests.loaders.conftest import count
from tests.loaders.workbooks import census_row, census_workbook, id_number, roster_workbook, write_workbook
from tests.neo4j_fixture import empty_graph


def test_load_prints_summary_and_writes_report(db: Database, test_env: dict[str, str], tmp_path: Path) -> None:
    roster = roster_workbook(tmp_path / "roster.xlsx")
    bad = id_number()[:-1] + ("1" if id_number()[-1] != "1" else "2")
    census = census_workbook(tmp_path / "census.xlsx", [census_row("001", "张三", id_number(), "户主"),
                                                        census_row("002", "李四", bad, "户主")])
    report_path = tmp_path / "report.json"
    result = CliRunner().invoke(cli, ["load", str(tmp_path), "--report", str(report_path)], env=test_env)
    assert result.exit_code == 0, result.output
    assert "rows read: 5 created, 0 updated, 0 unchanged, 1 rejected" in result.output
    assert "id_check_failed" in result.output and "row 5" in result.output
    report = json.loads(report_path.read_text(encoding="utf-8"))
    issue = next(i for i in report["issues"] if i["code"] == "id_check_failed")
    assert issue == {"code": "id_check_failed", "severity": "rejected", "message": issue["message"],
                     "file": str(census), "sheet": "东村", "row": 5, "column": "身份证号",
                     "value": bad[:4] + "**********" + bad[-4:]}
    assert bad not in report_path.read_text(encoding="utf-8")
    sheets = {s["kind"]: s for f in report["files"] for s in f["sheets"]}
    assert sheets["census"]["rows"] == 2 and sheets["census"]["created"] == 1 and sheets["grids"]["created"] == 4
    assert str(roster) in {f["file"] for f in report["files"]}

    again = CliRunner().invoke(cli, ["load", str(tmp_path)], env=test_env)
    assert again.exit_code == 0
    assert "0 created, 0 updated, 5 unchanged, 1 rejected" in again.output


def test_unreadable_input_exits_non_zero_with_the_reason(db: Database, test_env: dict[str, str],
                                                         tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"this is not a workbook")
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    roster = roster_workbook(tmp_path / "roster.xlsx")
    result = CliRunner().invoke(cli, ["load", str(broken), str(notes), str(tmp_path / "missing.xlsx"), str(roster)],
                                env=test_env)
    assert result.exit_code == 2
    assert f"could not read {broken}: cannot be read as a workbook" in result.output
    assert f"could not read {notes}: not a spreadsheet" in result.output
    assert "no such file or folder" in result.output
    assert count(db, "MATCH (g:Grid) RETURN count(g) AS n") == 4  # the readable input was still imported


def test_unrecognised_sheet_is_reported_not_guessed(db: Database, test_env: dict[str, str], tmp_path: Path) -> None:
    other = write_workbook(tmp_path / "other.xlsx", {"库存": [("品名", "数量", "单价"), ("苹果", 3, 5)]})
    result = CliRunner().invoke(cli, ["load", str(other)], env=test_env)
    assert result.exit_code == 0
    assert "not recognised" in result.output
    assert "sheet_unrecognised" in result.output and "品名, 数量, 单价" in result.output


def test_dry_run_option_writes_nothing(db: Database, test_env: dict[str, str], tmp_path: Path) -> None:
    roster_workbook(tmp_path / "roster.xlsx")
    result = CliRunner().invoke(cli, ["load", "--dry-run", str(tmp_path)], env=test_env)
    assert result.exit_code == 0
    assert "Dry run: nothing was written" in result.output and "4 created" in result.output
    assert count(db, "MATCH (n) WHERE NOT n:SchemaMigration RETURN count(n) AS n") == 0


def big_census(folder: Path, persons: int) -> None:
    folder.mkdir()
    roster_workbook(folder / "roster.xlsx")
    rows = [census_row(f"{n // 3}", f"居民{n}", id_number(region=f"3707{n // 1000:02d}", sequence=f"{n % 1000:03d}"),
                       "户主" if n % 3 == 0 else "子女", 联系电话=f"138{n:08d}",
                       人员类别="低保户" if n % 7 == 0 else None)
            for n in range(persons)]
    census_workbook(folder / "census.xlsx", rows)


def graph_state(db: Database) -> tuple[int, int, list[str]]:
    """Node and relationship counts and every property, ciphertexts left out (they differ on every run)."""
    nodes = db.read("MATCH (n) WHERE NOT n:SchemaMigration RETURN labels(n) AS l, properties(n) AS p")
    rels = db.read("MATCH (a)-[r]->(b) RETURN type(r) AS t, properties(r) AS p, "
                   "coalesce(a.key, a.code, a.id) AS a, coalesce(b.key, b.code, b.id) AS b")

    def plain(props: dict[str, object]) -> list[tuple[str, str]]:
        return sorted((k, repr(v)) for k, v in props.items() if not k.endswith("Cipher"))

    lines = [repr((sorted(n["l"]), plain(n["p"]))) for n in nodes]
    lines += [repr((r["t"], r["a"], r["b"], plain(r["p"]))) for r in rels]
    return len(nodes), len(rels), sorted(lines)


def test_killed_import_resumes_to_the_same_graph(db: Database, test_env: dict[str, str], tmp_path: Path) -> None:
    persons = 6000
    folder = tmp_path / "in"
    big_census(folder, persons)
    command = [sys.executable, "-c", "from cli.main import main; main()", "load", "--batch-size", "50", str(folder)]
    env = {**os.environ, **test_env}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while count(db, "MATCH (p:Person)-[:MEMBER_OF]->() RETURN count(p) AS n") < 500:
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    at_kill = count(db, "MATCH (p:Person)-[:MEMBER_OF]->() RETURN count(p) AS n")
    assert at_kill < persons  # it really was interrupted mid-run
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    resumed = graph_state(db)
    assert count(db, "MATCH (p:Person)-[:MEMBER_OF]->() RETURN count(p) AS n") == persons

    empty_graph(db)
    clean = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert clean.returncode == 0, clean.stderr
    assert graph_state(db) == resumed
