"""Workbooks of a town laid out the way its own clerks keep them, not the way ``gridgraph sample`` writes them.

河镇 names its grids by short names per village (``第1网格``, ``一网格``, ``第2网格1号微网格``), gives no grid codes,
keeps a roster per grid with the chiefs' ID numbers, a census per village (one as .xlsx with numbered and
decorated headers, one as a CSV of merged cells), contact sheets in both layouts, and a dispute ledger whose
mediators are residents. Every count below is what the rows describe.
"""

from __future__ import annotations

from pathlib import Path

from graph.database import Database
from tests.loaders.conftest import Load, count, issues
from tests.loaders.workbooks import id_number, write_csv, write_workbook

ZHANG_WEI = id_number("370781", "19700101", "011")  # 张庄村, 第1网格 chief and a mediator
WANG_QIANG = id_number("370781", "19720202", "031")
SUN_TAO = id_number("370781", "19750505", "051")
ZHENG_HUA = id_number("370781", "19800808", "071")


def town_files(folder: Path) -> list[Path]:
    roster = write_workbook(folder / "河镇网格员花名册.xlsx", {"Sheet1": [
        ["河镇网格信息表"],
        ["序号", "所属乡镇", "村（社区）", "村区划代码", "网格名称", "上级网格", "网格长", "网格长身份证号",
         "网格长\n联系电话", "网格员", "网格员电话"],
        [1, "河镇", "张庄村", "370781102201", "第1网格", None, "张伟", ZHANG_WEI, "13900000001", "赵敏",
         "13900000011"],
        [2, "河镇", "张庄村", "370781102201", "第2网格", None, "王芳", None, None, None, None],
        [3, "河镇", "张庄村", "370781102201", "1号微网格", "第2网格", "王强", None, None, None, None],
        [4, "河镇", "李庄村", "370781102202", "第1网格", None, "孙涛", None, "13900000051", None, None],
        [5, "河镇", "李庄村", "370781102202", "第2网格", None, "刘调解", None, None, None, None],
    ]})
    census_zhang = write_workbook(folder / "张庄村人口信息采集表.xlsx", {"张庄村": [
        ["张庄村人口信息采集表（2024年）"],
        ["1.户号*", "2.姓名（必填）", "3.公民身份\n号码", "4.性别", "5.与户主\n关系", "6.政治面貌", "7.联系电话",
         "8.所在网格", "9.人员类别"],
        ["0001", "张伟", ZHANG_WEI, "男", "户主", "中共党员", "13900000001", "第1网格", None],
        ["0001", "李娜", id_number("370781", "19720303", "022"), "女", "配偶", "群众", None, "第1网格", None],
        ["0001", "张小伟", id_number("370781", "20000404", "013"), "男", "子女", "共青团员", None, "第1网格", None],
        ["0002", "王强", WANG_QIANG, "男", "户主", "中共党员", "13900000031", "一网格", None],
        ["0002", "王丽", id_number("370781", "20020606", "042"), "女", "女儿", "群众", None, "一网格", None],
        ["0003", "陈明", id_number("370781", "19500707", "015"), "男", "户主", "群众", None, "第2网格1号微网格",
         "低保户"],
        ["0004", "周杰", id_number("370781", "19600909", "017"), "男", "户主", "群众", None, "2网格", "残疾人"],
    ]})
    census_li = write_csv(folder / "李庄村.csv", [
        ["户号", "姓名", "身份证号码", "与户主关系", "现住址", "村居", "网格", "政治面貌"],
        ["001", "孙涛", SUN_TAO, "户主", "李庄1号", "李庄", "第1网格", "中共党员"],
        [None, "孙梅", id_number("370781", "19760606", "062"), "配偶", None, None, None, "群众"],
        [None, "孙亮", id_number("370781", "20010707", "053"), "子", None, None, None, "群众"],
        ["002", "吴刚", id_number("370781", "19650808", "035"), "户主", "李庄2号", "李庄", "第2网格", "群众"],
        [None, "吴芳", id_number("370781", "19660909", "046"), "妻", None, None, None, "群众"],
        ["003", "郑华", ZHENG_HUA, "户主", "李庄3号", "李庄", "第1网格", "中共党员"],
    ], "gb18030")
    contacts_pairs = write_workbook(folder / "联系户.xlsx", {"张庄村党员联系户": [
        ["姓名", "身份证号", "户号", "户主姓名"],
        ["张伟", ZHANG_WEI, "0002", "王强"],
        ["张伟", ZHANG_WEI, 3, "陈明"],  # Excel dropped the zeros of 0003
        ["王强", WANG_QIANG, "0004", "周杰"],
    ]})
    contacts_members = write_workbook(folder / "党员联系群众.xlsx", {"Sheet1": [
        ["党员姓名", "党员身份证号码", "村（社区）", "联系户1", "联系户2"],
        ["孙涛", SUN_TAO, "李庄村", "002", "003"],
        ["郑华", ZHENG_HUA, "李庄村", "001", None],
    ]})
    disputes = write_workbook(folder / "矛盾纠纷排查台账.xlsx", {"台账": [
        ["序号", "村居", "网格", "当事人", "纠纷类型", "简要情况", "调解人", "调解人身份证号", "调解结果", "办理状态"],
        [1, "张庄村", "第1网格", "王强、陈明", "邻里纠纷", "宅基地界线", "张伟", ZHANG_WEI, "调解成功", "已办结"],
        [2, "张庄村", "第2网格", "周杰", "土地纠纷", "承包地边界", "刘调解", None, "调解成功", "已办结"],
        [3, "李庄村", "第2网格", "吴刚", "婚姻家庭", "赡养", "刘调解", None, "调解中", "办理中"],
    ]})
    return [roster, census_zhang, census_li, contacts_pairs, contacts_members, disputes]


def test_a_town_with_its_own_layouts_imports_to_exactly_its_rows(load: Load, tmp_path: Path, db: Database) -> None:
    files = town_files(tmp_path)
    report = load(*files)

    assert [(i.code, i.file, i.row, i.message) for i in report.issues if i.severity == "rejected"] == []
    assert count(db, "MATCH (p:Person) WHERE p.idHash IS NOT NULL RETURN count(p) AS n") == 13
    assert count(db, "MATCH (h:Household) RETURN count(h) AS n") == 7
    assert count(db, "MATCH (:PartyMember)-[c:CONTACTS]->(:Household) RETURN count(c) AS n") == 6
    numbers = db.read("MATCH (h:Household) RETURN h.number AS n ORDER BY n")
    assert [r["n"] for r in numbers] == ["0001", "0002", "0003", "0004", "001", "002", "003"]
    # Grids by short name, within the village the sheet, the file or the row names.
    placed = {r["name"]: r["grid"] for r in db.read(
        "MATCH (p:Person)-[:MEMBER_OF]->(:Household)-[:IN_GRID]->(g:Grid) RETURN p.name AS name, g.name AS grid")}
    assert placed["王强"] == "第1网格" and placed["陈明"] == "1号微网格" and placed["周杰"] == "第2网格"
    assert db.read("MATCH (:Person {name: '孙亮'})-[:MEMBER_OF]->(h)-[:IN_GRID]->(g)-[:PART_OF]->(v) "
                   "RETURN h.address AS a, g.name AS g, v.name AS v") == [
        {"a": "李庄1号", "g": "第1网格", "v": "李庄村"}]
    # Villages and the town are regions; the village grids are in them.
    assert db.read("MATCH (g:Grid {level: 2})-[:IN_REGION]->(v:Region)-[:PART_OF]->(t:Region) "
                   "RETURN g.name AS g, v.code AS v, v.level AS vl, t.name AS t, t.level AS tl ORDER BY g") == [
        {"g": "张庄村", "v": "370781102201", "vl": "village", "t": "河镇", "tl": "town"},
        {"g": "李庄村", "v": "370781102202", "vl": "village", "t": "河镇", "tl": "town"}]
    # One person, one node: staff are census persons (by ID, then phone, then a name unique in the village).
    assert count(db, "MATCH (p:Person {name: '张伟'}) RETURN count(p) AS n") == 1
    assert count(db, "MATCH (p:Person {name: '张伟'})-[:GRID_CHIEF_OF]->() MATCH (p)-[:MEDIATED]->() "
                     "MATCH (p)-[:MEMBER_OF]->() RETURN count(p) AS n") == 1
    for name in ("王强", "孙涛"):
        assert db.read("MATCH (p:Person {name: $name}) RETURN count(p) AS n, "
                       "count { (p)-[:GRID_CHIEF_OF]->() } AS chief, p.idHash IS NOT NULL AS census",
                       {"name": name}) == [{"n": 1, "chief": 1, "census": True}]
    assert count(db, "MATCH (:Case)<-[:MEDIATED]-(p:Person {name: '刘调解'}) RETURN count(DISTINCT p) AS n") == 2
    assert count(db, "MATCH (c:Case)-[:INVOLVES]->(p:Person) WHERE p.idHash IS NOT NULL RETURN count(*) AS n") == 4
    # Name-only persons: one per village; the report says which roles are not linked.
    assert sorted(r["name"] for r in db.read("MATCH (p:Person) WHERE p.idHash IS NULL RETURN p.name AS name")) == [
        "刘调解", "刘调解", "王芳", "赵敏"]
    assert {i.message.split(" named")[0] for i in issues(report, "role_not_linked")} == {
        "2 grid chief(s)", "1 grid member(s)", "1 mediator(s)"}
    assert [i.severity for i in issues(report, "household_continued")] == ["note"]

    again = load(*files)
    totals = again.totals()
    assert (totals["created"], totals["updated"], totals["rejected"]) == (0, 0, 0)


def test_a_short_name_without_its_village_is_rejected_with_the_candidates(load: Load, tmp_path: Path) -> None:
    files = town_files(tmp_path)
    census = write_workbook(tmp_path / "补录.xlsx", {"补录": [
        ["户号", "姓名", "身份证号", "与户主关系", "网格"],
        ["0009", "钱多", id_number("370781", "19900101", "091"), "户主", "第1网格"],
        ["0010", "钱少", id_number("370781", "19900102", "093"), "户主", "张庄村第1网格"],
        ["0011", "钱无", id_number("370781", "19900103", "095"), "户主", "第9网格"],
    ]})
    report = load(files[0], census)
    rejected = [(i.code, i.row) for i in report.issues if i.severity == "rejected"]
    assert rejected == [("grid_ambiguous", 2), ("grid_unknown", 4)]
    ambiguous = issues(report, "grid_ambiguous")[0]
    assert "张庄村/第1网格" in ambiguous.message and "李庄村/第1网格" in ambiguous.message


def test_a_contact_sheet_by_names_only_finds_members_and_households_in_the_census(load: Load, tmp_path: Path,
                                                                                 db: Database) -> None:
    files = town_files(tmp_path)
    by_names = write_workbook(tmp_path / "李庄村结对联系表.xlsx", {"Sheet1": [
        ["序号", "党员姓名", "联系户户主"],
        [1, "郑华", "吴刚"],
        [2, "孙涛", "无此人"],
        [3, "张伟", "吴刚"],  # a party member of 张庄村, not of 李庄村
    ]})
    report = load(*files, by_names)
    assert [(i.code, i.row) for i in report.issues if i.severity == "rejected"] == [
        ("household_head_unresolved", 3), ("contact_member_unresolved", 4)]
    assert count(db, "MATCH (:PartyMember)-[c:CONTACTS]->(:Household) RETURN count(c) AS n") == 7
    assert count(db, "MATCH (:Person {name: '郑华'})-[:CONTACTS]->(h:Household {number: '002'}) "
                     "RETURN count(h) AS n") == 1


def test_a_staff_roster_one_row_per_person_links_staff_to_census_persons(load: Load, tmp_path: Path,
                                                                          db: Database) -> None:
    files = town_files(tmp_path)
    staff = write_workbook(tmp_path / "网格员花名册.xlsx", {"花名册": [
        ["序号", "姓名", "身份证号", "联系电话", "村（社区）", "所属网格", "职务", "所属部门"],
        [1, "李娜", id_number("370781", "19720303", "022"), None, "张庄村", "第1网格", "专职网格员", None],
        [2, "吴刚", None, None, "李庄村", "第2网格", "兼职网格员", None],
        [3, "马警官", None, "13900000099", "张庄村", "第2网格", "专业网格员", "派出所"],
        [4, "孙梅", None, None, "李庄", "第1网格", "网格长", None],
    ]})
    report = load(*files, staff)
    assert [i for i in report.issues if i.severity == "rejected"] == []
    posts = {(r["name"], r["post"], r["kind"], r["census"]) for r in db.read(
        "MATCH (p:Person)-[r:GRID_CHIEF_OF|GRID_MEMBER_OF]->(g:Grid) "
        "WHERE p.name IN ['李娜', '吴刚', '马警官', '孙梅'] "
        "RETURN p.name AS name, type(r) AS post, r.kind AS kind, p.idHash IS NOT NULL AS census")}
    assert posts == {("李娜", "GRID_MEMBER_OF", "fullTime", True), ("吴刚", "GRID_MEMBER_OF", "partTime", True),
                     ("马警官", "GRID_MEMBER_OF", "professional", False), ("孙梅", "GRID_CHIEF_OF", None, True)}
    assert count(db, "MATCH (p:Person) WHERE p.name IN ['李娜', '吴刚', '孙梅'] RETURN count(p) AS n") == 3
    again = load(*files, staff)
    assert (again.totals()["created"], again.totals()["updated"]) == (0, 0)
