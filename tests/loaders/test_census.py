"""Importing census sheets: the graph they make, what is rejected or warned about, and where."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from graph.database import Database
from graph.pii_key import sensitive_data
from graph.settings import Settings
from loaders.report import ImportReport
from tests.loaders.conftest import Load, count, issues
from tests.loaders.workbooks import CENSUS_HEADERS, census_row, census_workbook, id_number, write_csv

HEAD = id_number(birth="19600101", sequence="011")    # male
WIFE = id_number(birth="19620202", sequence="022")    # female
SON = id_number(birth="19900303", sequence="031")


def family_rows() -> list[list[object]]:
    return [
        census_row("001", "张 三", HEAD, "户主", 联系电话="+86 138-0000-1111", 政治面貌="中共党员",
                   人员类别="低保户、残疾人", 现住址="东村1号", 所属单元="一单元"),
        census_row(None, "李四", WIFE.lower(), "配偶", 出生日期="1962年2月", 政治面貌="中共预备党员"),
        census_row(None, "张小", SON, "子女", 出生日期=32205),  # an Excel serial: 1988-03-03, differs from the ID
    ]


def household_merges() -> list[tuple[int, int, int, int, object]]:
    # 户号 and 现住址 merged over the three members (Excel rows 4-6, below title, blank and header rows).
    return [(3, 0, 5, 0, "001"), (3, 7, 5, 7, "东村1号")]


def test_census_with_title_merged_household_and_footer(load: Load, roster: Path, tmp_path: Path,
                                                      db: Database) -> None:
    census = census_workbook(tmp_path / "census.xlsx", family_rows(), merges=household_merges())
    report = load(roster, census)

    sheet = next(s for f in report.files for s in f.sheets if s.kind == "census")
    assert (sheet.header_row, sheet.rows, sheet.created, sheet.rejected) == (3, 3, 3, 0)
    rows = db.read(
        "MATCH (p:Person)-[m:MEMBER_OF]->(h:Household)-[:IN_GRID]->(g:Grid) "
        "RETURN p.name AS name, m.relation AS relation, h.code AS household, h.address AS address, "
        "h.villageCode AS village, h.gridPath AS gridPath, g.code AS grid, p.sex AS sex, p.birthDate AS birth, "
        "p:PartyMember AS party, p.probationary AS probationary, p.tags AS tags ORDER BY name")
    assert [r["name"] for r in rows] == ["张三", "张小", "李四"]
    assert {r["household"] for r in rows} == {"G1-01-1"}
    assert {(r["address"], r["village"], r["gridPath"], r["grid"]) for r in rows} == {
        ("东村1号", "G1-01", "/G1/G1-01/G1-01-1/", "G1-01-1")}
    by_name = {r["name"]: r for r in rows}
    assert by_name["张三"]["party"] and by_name["张三"]["probationary"] is False
    assert by_name["李四"]["party"] and by_name["李四"]["probationary"] is True
    assert not by_name["张小"]["party"]
    assert sorted(by_name["张三"]["tags"]) == ["disabled", "lowIncome"]
    assert by_name["张小"]["birth"].to_native() == date(1990, 3, 3)  # the ID wins over 出生日期
    assert by_name["李四"]["sex"] == "female"
    assert count(db, "MATCH (:Household {code: 'G1-01-1'})-[:IN_UNIT]->(u:Unit {code: 'G1-01-1/一单元'}) "
                     "-[:IN_GRID]->(:Grid {code: 'G1-01-1'}) RETURN count(*) AS n") == 1
    mismatch = issues(report, "birth_date_mismatch")
    assert [(i.row, i.column) for i in mismatch] == [(6, "出生日期")]
    assert not issues(report, "household_no_head")  # the merged 户号 reached every member


def test_id_and_phone_numbers_are_never_stored_in_plain_text(load: Load, roster: Path, tmp_path: Path,
                                                            db: Database, settings: Settings) -> None:
    census = census_workbook(tmp_path / "census.xlsx", family_rows(), merges=household_merges())
    load(roster, census)
    stored = db.read("MATCH (n) RETURN properties(n) AS p UNION ALL MATCH ()-[r]->() RETURN properties(r) AS p")
    text = " ".join(str(row["p"]) for row in stored)
    for secret in (HEAD, WIFE, SON, "13800001111"):
        assert secret not in text
    person = db.read("MATCH (p:Person {name: '张三'}) RETURN p.key AS key, p.idHash AS hash, p.idMasked AS masked, "
                     "p.phoneMasked AS phone, p.idCipher AS cipher")[0]
    # The key is opaque: made from the hash, deterministic, but not the hash nor holding it.
    assert person["key"] == sensitive_data(settings).person_key(person["hash"])
    assert person["key"].startswith("pid:") and person["hash"] not in person["key"]
    assert person["masked"] == HEAD[:4] + "*" * 10 + HEAD[-4:]
    assert person["phone"] == "138****1111"
    assert sensitive_data(settings).decrypt(person["cipher"]) == HEAD  # the audited reveal


def test_rejected_rows_say_where_and_why(load: Load, roster: Path, tmp_path: Path, db: Database) -> None:
    bad_check = HEAD[:-1] + ("0" if HEAD[-1] != "0" else "1")
    rows = [
        census_row("001", "张三", HEAD, "户主"),
        census_row("002", "王五", bad_check, "户主"),
        census_row("003", "赵六", 3.70781198801023e17, "户主"),
        census_row("004", "钱七", SON, "户主", 联系电话="138123"),
        census_row("005", "孙八", WIFE, "户主", 所属网格="G9-99"),
        census_row("006", "", id_number(sequence="041"), "户主"),
    ]
    report = load(roster, census_workbook(tmp_path / "c.xlsx", rows))
    rejected = {i.code: i for i in report.issues if i.severity == "rejected"}
    assert set(rejected) == {"id_check_failed", "id_excel_number", "phone_invalid", "grid_unknown", "name_missing"}
    assert (rejected["id_check_failed"].row, rejected["id_check_failed"].column) == (5, "身份证号")
    assert rejected["id_check_failed"].value == bad_check[:4] + "*" * 10 + bad_check[-4:]
    assert "Format the column as text" in rejected["id_excel_number"].message
    assert rejected["grid_unknown"].value == "G9-99" and rejected["grid_unknown"].row == 8
    assert rejected["phone_invalid"].value is not None and "138123" not in rejected["phone_invalid"].value
    assert count(db, "MATCH (p:Person)-[:MEMBER_OF]->() RETURN count(p) AS n") == 1
    sheet = report.files[1].sheets[0]
    assert (sheet.rows, sheet.created, sheet.rejected) == (6, 1, 5)


def test_warnings_for_sex_region_legacy_id_and_heads(load: Load, roster: Path, tmp_path: Path) -> None:
    rows = [
        census_row("001", "甲", id_number(sequence="013"), "户主", 性别="女"),          # ID says male
        census_row("002", "乙", id_number(region="379999", sequence="023"), "配偶"),    # no head; unknown region
        census_row("003", "丙", "370781880102051", "户主"),                             # 15 digits
        census_row("003", "丁", id_number(sequence="033"), "户主"),                     # second head
    ]
    report = load(roster, census_workbook(tmp_path / "c.xlsx", rows, title=False))
    assert [(i.row, i.column) for i in issues(report, "sex_mismatch")] == [(2, "性别")]
    assert [i.row for i in issues(report, "id_region_unknown")] == [3]
    assert [i.row for i in issues(report, "id_converted_15")] == [4]
    assert [i.row for i in issues(report, "household_no_head")] == [3]
    assert [i.row for i in issues(report, "household_two_heads")] == [5]  # the second 户主's row
    assert summary_of(report, "census")[0] == 4


def test_same_person_in_two_sheets_is_one_person_with_conflicts_reported(load: Load, roster: Path,
                                                                         tmp_path: Path, db: Database) -> None:
    first = census_workbook(tmp_path / "a.xlsx", [census_row("001", "张三", HEAD, "户主", 联系电话="13800001111")])
    second = census_workbook(tmp_path / "b.xlsx", [
        census_row("007", "张三", HEAD, "户主", 联系电话="13900002222", 所属网格="G1-02"),
        census_row("008", "李四", WIFE, "户主"),
    ], sheet="西村")
    report = load(roster, first, second)
    assert count(db, "MATCH (p:Person {name: '张三'}) RETURN count(p) AS n") == 1
    conflict = issues(report, "person_conflict")
    assert len(conflict) == 1 and conflict[0].file.endswith("b.xlsx") and conflict[0].row == 4
    assert "联系电话" in conflict[0].message and "户号" in conflict[0].message and "a.xlsx" in conflict[0].message
    assert db.read("MATCH (:Person {name: '张三'})-[:MEMBER_OF]->(h) RETURN h.code AS code") == [
        {"code": "G1-01-1"}]  # the first row wins


def test_gbk_and_utf8_csv_are_read(load: Load, roster: Path, tmp_path: Path, db: Database) -> None:
    gbk = write_csv(tmp_path / "东村.csv", [CENSUS_HEADERS, census_row("001", "张三", HEAD, "户主")], "gbk")
    bom = write_csv(tmp_path / "西村.csv", [CENSUS_HEADERS, census_row("002", "李四", WIFE, "户主",
                                                                        所属网格="G1-02")], "utf-8-sig")
    report = load(roster, gbk, bom)
    assert report.totals()["created"] == 2 + 4  # two persons, four grids
    assert {r["name"] for r in db.read("MATCH (p:Person)-[:MEMBER_OF]->() RETURN p.name AS name")} == {"张三", "李四"}


def test_csv_of_merged_sheet_takes_household_from_row_above(load: Load, roster: Path, tmp_path: Path,
                                                           db: Database) -> None:
    rows = [CENSUS_HEADERS, census_row("001", "张三", HEAD, "户主", 现住址="东村1号"),
            census_row(None, "李四", WIFE, "配偶", 所属网格=None)]
    report = load(roster, write_csv(tmp_path / "c.csv", rows, "gb18030"))
    # The layout is normal for a CSV saved from merged cells: one note for the sheet, not a warning per row.
    assert [(i.row, i.severity) for i in issues(report, "household_continued")] == [(3, "note")]
    assert [i.code for i in report.issues if i.severity == "warning"] == []
    assert db.read("MATCH (p:Person {name: '李四'})-[:MEMBER_OF]->(h) RETURN h.code AS code, h.address AS a") == [
        {"code": "G1-01-1", "a": "东村1号"}]


def summary_of(report: ImportReport, kind: str) -> tuple[int, int, int, int]:
    sheet = next(s for f in report.files for s in f.sheets if s.kind == kind)
    return sheet.created, sheet.updated, sheet.unchanged, sheet.rejected
