"""A column no header word names is read for what its values are: ID numbers, mobile numbers."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from graph.database import Database
from loaders.column_values import ValueClass, column_class, value_class
from loaders.headers import CENSUS, STAFF, find_header
from tests.loaders.conftest import Load, count, issues
from tests.loaders.workbooks import id_number, write_csv, write_workbook

IDS = [id_number("370781", f"19{60 + i}0101", f"{i:02}1") for i in range(6)]


def test_values_are_classed_by_the_rules_not_by_their_look() -> None:
    assert value_class(IDS[0]) is ValueClass.ID_NUMBER
    assert value_class(" " + IDS[0][:6] + " " + IDS[0][6:] + " ") is ValueClass.ID_NUMBER  # spaced for reading
    assert value_class(IDS[0].translate(str.maketrans("0123456789", "０１２３４５６７８９"))) is ValueClass.ID_NUMBER
    wrong_check = IDS[0][:17] + ("0" if IDS[0][17] != "0" else "1")
    assert value_class(wrong_check) is None  # 18 digits that are no ID number
    assert value_class(float(IDS[0][:15] + "000")) is ValueClass.ID_NUMBER  # Excel kept it as a number
    assert value_class("138-1234-5678") is ValueClass.MOBILE
    assert value_class(13812345678.0) is ValueClass.MOBILE
    assert value_class("12812345678") is None  # no mobile network starts 12
    assert value_class("05361234567") is None  # a landline says nothing a number column would not
    assert [value_class(v) for v in ("张三", "0001", 3.0, None, True, "1970-01-01", date(1970, 1, 1),
                                     datetime(1970, 1, 1, 8))] == [None] * 8


def test_a_column_is_classed_when_most_of_its_values_agree() -> None:
    assert column_class("证件", [IDS[0], IDS[1], "", None, IDS[2], "不详"]) is None  # 3 of 4 values: under 80%
    assert column_class("证件", [*IDS[:4], "不详"]) is ValueClass.ID_NUMBER  # 4 of 5
    assert column_class("证件", [IDS[0], IDS[1]]) is None  # two values are no evidence
    phones = ["13900000001", "13900000002", IDS[0], "13900000003", "13900000004"]
    assert column_class("号码", phones) is ValueClass.MOBILE


def test_a_header_that_names_someone_else_is_not_read_by_its_values() -> None:
    assert column_class("户主证件", IDS) is None
    assert column_class("紧急联系人号码", ["13900000001", "13900000002", "13900000003"]) is None


def test_a_census_sheet_whose_id_column_has_an_unknown_header_is_recognised_by_its_values() -> None:
    rows = [["户号", "姓名", "证件信息", "号码", "登记时间", "网格"],
            *[["0001", f"张{i}", IDS[i], f"1390000000{i}", f"20{10 + i}-01-01", "第1网格"] for i in range(5)]]
    match = find_header(rows)
    assert match is not None and match.kind is CENSUS
    assert (match.columns["id_number"], match.columns["phone"]) == (2, 3)
    assert match.by_values == ("id_number", "phone")
    assert match.ignored == ("登记时间",)  # a column of dates does not say it is the birth date


def test_a_named_column_is_not_taken_over_by_values_and_mixed_columns_stay_unread() -> None:
    rows = [["户号", "姓名", "身份证号", "备用证件", "其他"],
            *[["0001", f"张{i}", IDS[i], IDS[5 - i], "张三" if i % 2 else IDS[i]] for i in range(5)]]
    match = find_header(rows)
    assert match is not None and match.kind is CENSUS
    assert match.columns["id_number"] == 2  # the header says it; the second column of IDs is not it
    assert match.by_values == () and set(match.ignored) == {"备用证件", "其他"}


def test_a_staff_roster_reads_an_unnamed_phone_column() -> None:
    rows = [["姓名", "职务", "网格", "号码"],
            *[[f"李{i}", "专职网格员", "第1网格", f"1380000000{i}"] for i in range(4)]]
    match = find_header(rows)
    assert match is not None and match.kind is STAFF and match.columns["phone"] == 3


def test_an_import_reads_the_id_column_by_its_values_and_says_so(load: Load, tmp_path: Path, db: Database) -> None:
    roster = write_workbook(tmp_path / "网格.xlsx", {"Sheet1": [
        ["网格编码", "网格名称", "层级", "上级网格"], ["V1", "张庄村", 2, None], ["V1-1", "第1网格", 3, "V1"]]})
    census = write_csv(tmp_path / "张庄村人口.csv", [
        ["户号", "姓名", "证件", "与户主关系", "网格"],
        *[["0001" if i < 3 else "0002", f"张{i}", IDS[i], "户主" if i in (0, 3) else "子女", "V1-1"] for i in range(5)],
    ], "utf-8-sig")
    report = load(roster, census, dry_run=True)
    sheet = next(s for f in report.files for s in f.sheets if s.kind == "census")
    assert sheet.by_values == ["证件"] and sheet.columns["证件"] == "id_number"

    report = load(roster, census)
    assert [i.code for i in report.issues if i.severity == "rejected"] == []
    assert count(db, "MATCH (p:Person) WHERE p.idHash IS NOT NULL RETURN count(p) AS n") == 5
    assert count(db, "MATCH (h:Household) RETURN count(h) AS n") == 2
    [note] = issues(report, "columns_by_values")
    assert note.severity == "note" and "证件 as id_number" in note.message and "--mapping" in note.message
