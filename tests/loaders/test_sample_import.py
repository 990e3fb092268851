"""End to end: a generated village sample imported, and every defect the manifest expects to be reported is."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from graph.database import Database
from loaders.sample import generate
from tests.loaders.conftest import Load
from tests.loaders.test_cli import graph_state
from tests.neo4j_fixture import empty_graph

AS_OF = date(2025, 6, 30)

# The manifest's defect codes and the codes the loader reports for them.
FAMILIES: dict[str, frozenset[str]] = {
    "id_bad_check": frozenset({"id_check_failed"}),
    "id_excel_float": frozenset({"id_excel_number"}),
    "phone_wrong_length": frozenset({"phone_invalid"}),
    "sex_disagrees_with_id": frozenset({"sex_mismatch"}),
    "birth_date_disagrees_with_id": frozenset({"birth_date_mismatch"}),
    "grid_unknown": frozenset({"grid_unknown"}),
    "household_no_head": frozenset({"household_no_head"}),
    "household_two_heads": frozenset({"household_two_heads"}),
    "contact_unknown_household": frozenset({"household_not_found"}),
}


def test_every_expected_defect_is_reported_where_the_manifest_says(load: Load, tmp_path: Path) -> None:
    root = tmp_path / "sample"
    generate(root, "village", seed=7, fmt="xlsx", as_of=AS_OF)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    report = load(root)
    reported = {(Path(i.file).relative_to(root).as_posix(), i.sheet, i.row, i.code, i.severity)
                for i in report.issues}
    expected = [d for d in manifest["defects"] if d["expect"] in ("warning", "rejected")]
    assert {d["code"] for d in expected} == set(FAMILIES)
    missing = [d for d in expected
               if not any((d["file"], d["sheet"], d["row"], code, d["expect"]) in reported
                          for code in FAMILIES[d["code"]])]
    assert missing == []


def test_a_town_sample_imports_without_loader_gaps(load: Load, tmp_path: Path) -> None:
    """What the sample writes on purpose is all the loader rejects or warns about in these codes."""
    root = tmp_path / "sample"
    generate(root, "village", seed=3, fmt="csv", as_of=AS_OF)
    report = load(root)
    codes = report.issue_counts()
    for code in ("contact_households_missing", "case_status_unknown", "columns_ignored"):
        assert codes[code] == 0, [i for i in report.issues if i.code == code][:3]


def test_concurrent_writers_leave_the_graph_one_writer_leaves(load: Load, db: Database, tmp_path: Path) -> None:
    """Small batches split households, units' lists and members' contact rows across concurrent transactions;
    the batches that share them must still be written in order."""
    root = tmp_path / "sample"
    generate(root, "village", seed=5, fmt="csv", as_of=AS_OF)
    one = load(root, batch_size=23, writers=1)
    alone = graph_state(db)
    empty_graph(db)
    three = load(root, batch_size=23, writers=3)
    assert graph_state(db) == alone
    assert three.totals() == one.totals()
    assert sorted(map(repr, three.issues)) == sorted(map(repr, one.issues))
