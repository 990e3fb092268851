"""A clerk's mapping file and ``--dry-run``: fixing what the importer cannot read without a code change."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from graph.database import Database
from loaders.mapping import MappingError, load_mapping
from tests.loaders.conftest import Load, count, issues
from tests.loaders.workbooks import id_number, roster_workbook, write_workbook

MAPPING = """
[[sheets]]
pattern = "*帮扶*"
kind = "census"
[sheets.headers]
"家庭编号" = "household"
"人员" = "name"
"证件" = "id_number"
"片区" = "grid"

[values.tags]
"困难户" = "lowIncome"
[values.political_status]
"党员（正式）" = "partyMember"
"""


def helped_households(folder: Path) -> Path:
    # Headers no synonym table knows: only the mapping file says what they are.
    return write_workbook(folder / "结对帮扶名单.xlsx", {"名单": [
        ["家庭编号", "人员", "证件", "片区", "人员类别", "政治面貌"],
        ["0007", "冯一", id_number(birth="19500101", sequence="111"), "G1-01-1", "困难户、特困人员", "党员（正式）"],
        ["0007", "冯二", id_number(birth="19520101", sequence="122"), "G1-01-1", "困难户", "群众"],
        ["0008", "冯三", id_number(birth="19540101", sequence="133"), "G1-01-1", "不明类别", "群众"],
        ["0009", "冯四", id_number(birth="19560101", sequence="143"), "G1-01-1", "不明类别", "群众"],
    ]})


def test_a_mapping_file_makes_an_unknown_layout_importable(load: Load, db: Database, roster: Path,
                                                          tmp_path: Path) -> None:
    sheet = helped_households(tmp_path)
    assert issues(load(sheet), "sheet_unrecognised")  # without the mapping
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    report = load(roster, sheet, mapping=tmp_path / "mapping.toml")
    assert [i for i in report.issues if i.severity == "rejected"] == []
    assert count(db, "MATCH (h:Household) RETURN count(h) AS n") == 3
    assert db.read("MATCH (p:Person {name: '冯一'}) RETURN p.tags AS tags, p:PartyMember AS party") == [
        {"tags": ["fiveGuarantees", "lowIncome"], "party": True}]
    unknown = issues(report, "tag_unknown")
    assert [(i.value, i.rows) for i in unknown] == [("不明类别", (4, 5))]  # once per value, with its rows


def test_mapping_mistakes_name_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[sheets]]\npattern = "*"\nkind = "census"\n[sheets.headers]\n"编号" = "nonsense"\n',
                   encoding="utf-8")
    with pytest.raises(MappingError, match="'编号' = 'nonsense': not a field of census"):
        load_mapping(bad)
    bad.write_text('[values.status]\n"已流转" = "flowing"\n', encoding="utf-8")
    with pytest.raises(MappingError, match=r"\[values.status\] '已流转': 'flowing' is not a term"):
        load_mapping(bad)


def test_dry_run_prints_each_sheets_kind_evidence_and_columns(db: Database, test_env: dict[str, str],
                                                              tmp_path: Path) -> None:
    roster_workbook(tmp_path / "roster.xlsx")
    helped_households(tmp_path)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    result = CliRunner().invoke(cli, ["load", "--dry-run", "--mapping", str(mapping), str(tmp_path)],
                                env=test_env)
    assert result.exit_code == 0, result.output
    assert "[名单]: census (header row 1, evidence" in result.output
    assert "家庭编号 → household, 人员 → name, 证件 → id_number, 片区 → grid" in result.output
    assert "tag_unknown ×2" in result.output
    assert count(db, "MATCH (n) WHERE NOT n:SchemaMigration RETURN count(n) AS n") == 0
    broken = tmp_path / "broken.toml"
    broken.write_text("[values.nope]\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["load", "--mapping", str(broken), str(tmp_path)], env=test_env)
    assert result.exit_code == 1 and "values can be mapped for status" in result.output
