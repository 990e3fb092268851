"""Grid rosters, units, party organisations, contacts and the three ledgers; dry run and idempotency."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from graph.database import Database
from loaders.values import CHINA_TZ, case_status
from tests.loaders.conftest import Load, count, issues
from tests.loaders.test_census import HEAD, SON, WIFE, family_rows, household_merges, summary_of
from tests.loaders.workbooks import census_row, census_workbook, id_number, write_workbook


def test_roster_builds_paths_levels_staff_and_regions(load: Load, roster: Path, db: Database) -> None:
    report = load(roster)
    assert summary_of(report, "grids") == (4, 0, 0, 0)
    grids = {r["code"]: r for r in db.read(
        "MATCH (g:Grid) RETURN g.code AS code, g.path AS path, g.level AS level, g.kind AS kind, "
        "g.starRating AS stars, [(g)-[:PART_OF]->(p) | p.code] AS parents")}
    assert grids["G1-01-1"]["path"] == "/G1/G1-01/G1-01-1/" and grids["G1-01-1"]["level"] == 3
    assert grids["G1-01"]["parents"] == ["G1"] and grids["G1-01"]["stars"] == 3 and grids["G1-01"]["kind"] == "life"
    assert grids["G1-02"]["stars"] == 2 and grids["G1-02"]["kind"] == "production"
    staff = db.read("MATCH (p:Person)-[r:GRID_CHIEF_OF|GRID_MEMBER_OF]->(:Grid {code: 'G1-01'}) "
                    "RETURN p.name AS name, type(r) AS role, p.phoneMasked AS phone, p.key AS key ORDER BY name")
    assert [(s["name"], s["role"], s["phone"]) for s in staff] == [
        ("王网长", "GRID_CHIEF_OF", "138****0001"), ("赵一", "GRID_MEMBER_OF", "138****0002"),
        ("钱二", "GRID_MEMBER_OF", "138****0003")]
    assert all(s["key"].startswith("nid:") for s in staff)
    assert db.read("MATCH (:Grid {code: 'G1-01'})-[:IN_REGION]->(r:Region) RETURN r.code AS c, r.level AS l") == [
        {"c": "370781101201", "l": "village"}]


def test_roster_rejects_unknown_parent_and_moves_subtree(load: Load, tmp_path: Path, db: Database) -> None:
    headers = ("网格编码", "网格名称", "层级", "上级网格")
    first = write_workbook(tmp_path / "a.xlsx", {"网格": [headers, ("A", "甲", 1, None), ("B", "乙", 1, None),
                                                          ("V", "村", 2, "A"), ("M", "微", 3, "V"),
                                                          ("X", "孤", 3, "NOPE")]})
    report = load(first)
    assert [(i.code, i.row) for i in report.issues if i.severity == "rejected"] == [("grid_parent_unknown", 6)]
    census = census_workbook(tmp_path / "c.xlsx", [census_row("1", "张三", HEAD, "户主", 所属网格="M")])
    load(census)
    moved = write_workbook(tmp_path / "b.xlsx", {"网格": [headers, ("V", "村", 2, "B")]})
    load(moved)
    assert db.read("MATCH (g:Grid {code: 'M'}) RETURN g.path AS p") == [{"p": "/B/V/M/"}]
    assert db.read("MATCH (h:Household) RETURN h.gridPath AS p") == [{"p": "/B/V/M/"}]


def test_units_put_listed_households_in_the_unit(load: Load, roster: Path, tmp_path: Path, db: Database) -> None:
    census = census_workbook(tmp_path / "c.xlsx", [census_row(f"00{n}", f"人{n}", id_number(sequence=f"0{n}1"),
                                                              "户主") for n in range(1, 6)])
    units = write_workbook(tmp_path / "u.xlsx", {"单元": [
        ("单元名称", "所属网格", "单元长", "单元长电话", "包含户号"),
        ("一单元", "G1-01-1", "周长", "13800009999", "001-003"),
        ("二单元", "东村第一微网格", None, None, "004、005、009"),
    ]})
    report = load(units, census, roster)  # the order given does not matter
    assert summary_of(report, "units") == (2, 0, 0, 0)
    missing = issues(report, "household_not_found")
    assert [(i.row, i.value) for i in missing] == [(3, "9")]
    rows = db.read("MATCH (h:Household)-[:IN_UNIT]->(u:Unit) RETURN u.name AS unit, count(h) AS n ORDER BY unit")
    assert rows == [{"unit": "一单元", "n": 3}, {"unit": "二单元", "n": 2}]
    assert count(db, "MATCH (h:Household)-[:IN_GRID]->(:Grid) RETURN count(h) AS n") == 5  # IN_GRID stays
    assert count(db, "MATCH (:Person {name: '周长'})-[:UNIT_CHIEF_OF]->(:Unit {code: 'G1-01-1/一单元'}) "
                     "RETURN count(*) AS n") == 1


def party_and_contacts(tmp_path: Path) -> tuple[Path, Path]:
    orgs = write_workbook(tmp_path / "orgs.xlsx", {"党组织": [
        ("组织编码", "组织名称", "组织类型", "上级组织", "所在网格"),
        ("P2", "东村党支部", "党支部", "P1", "G1-01"),   # the parent is further down
        ("P1", "第一管区党委", "党委", None, "G1"),
    ]})
    contacts = write_workbook(tmp_path / "contacts.xlsx", {"联系户": [
        ("党员姓名", "党员身份证号", "所属党组织", "所属网格", "联系户号", "联系时间"),
        ("张三", HEAD, "东村党支部", "G1-01-1", "001、002", "2023-03-01"),
        ("李四", WIFE, "P2", "G1-01-1", "002", None),
        ("张小", SON, "P2", "G1-01-1", "001", None),                      # not a party member
        ("无名", id_number(sequence="991"), "P2", "G1-01-1", "001", None),  # not in the census
        ("李四", WIFE, "P2", "G1-01-1", "077", None),                     # no such household
    ]})
    return orgs, contacts


def test_contacts_loaded_before_census_in_one_run_are_resolved(load: Load, roster: Path, tmp_path: Path,
                                                              db: Database) -> None:
    orgs, contacts = party_and_contacts(tmp_path)
    census = census_workbook(tmp_path / "c.xlsx", [*family_rows(), census_row("002", "王五", id_number(
        sequence="051"), "户主")], merges=household_merges())
    report = load(contacts, orgs, census, roster)
    assert summary_of(report, "party_orgs") == (2, 0, 0, 0)
    assert summary_of(report, "contacts") == (2, 0, 0, 3)
    rejected = {(i.code, i.row) for i in report.issues if i.severity == "rejected"}
    assert rejected == {("contact_member_not_party", 4), ("contact_member_missing", 5), ("household_not_found", 6)}
    rows = db.read("MATCH (p:PartyMember)-[c:CONTACTS]->(h:Household) RETURN p.name AS name, h.code AS h, "
                   "c.since AS since ORDER BY name, h")
    assert [(r["name"], r["h"]) for r in rows] == [("张三", "G1-01-1"), ("张三", "G1-01-2"),
                                                   ("李四", "G1-01-2")]
    assert rows[0]["since"].to_native().isoformat() == "2023-03-01"
    assert db.read("MATCH (:Person {name: '张三'})-[:BELONGS_TO]->(o:PartyOrg)-[:PART_OF]->(p:PartyOrg) "
                   "-[:ANCHORED_IN]->(g:Grid) RETURN o.kind AS kind, p.code AS parent, g.code AS grid") == [
        {"kind": "branch", "parent": "P1", "grid": "G1"}]


def test_contacts_in_a_later_run_without_the_census_are_rejected(load: Load, roster: Path, tmp_path: Path) -> None:
    _, contacts = party_and_contacts(tmp_path)
    load(roster)
    report = load(contacts)
    assert summary_of(report, "contacts") == (0, 0, 0, 5)
    assert all("import the census first" in i.message for i in issues(report, "contact_member_missing"))


LEDGER_TIME = datetime(2024, 5, 6, 9, 30)


def ledgers(tmp_path: Path) -> list[Path]:
    disputes = write_workbook(tmp_path / "d.xlsx", {"台账": [
        ("矛盾纠纷排查化解台账",),
        ("编号", "登记日期", "所属网格", "当事人", "当事人身份证号", "纠纷类型", "纠纷简要情况", "调解员", "调解结果",
         "办理状态", "办结日期"),
        ("JF-001", "2024-05-06 09:30", "G1-01-1", "张三、王二", HEAD, "邻里纠纷", "宅基地边界争议，双方互不相让",
         "调解员甲", "调解成功", "已化解", "2024年5月10日"),
        ("JF-002", "2024/5/7", "G1-01-1", "李四", None, "家庭纠纷", "赡养问题", "调解员甲", "调解中", "办理中", None),
    ]}, {"台账": [(0, 0, 0, 10, "矛盾纠纷排查化解台账")]})
    hotline = write_workbook(tmp_path / "h.xlsx", {"工单": [
        ("工单编号", "来电时间", "所属网格", "诉求类型", "诉求内容", "承办单位", "办理时限", "办理状态", "办结时间",
         "满意度", "紧急程度"),
        ("H2024001", LEDGER_TIME, "G1-01", "环境卫生", "垃圾未清运", "镇环卫所", "3个工作日", "已办结",
         "2024-05-07 16:00", "满意", None),
        ("H2024002", "2024-05-06", "G1-01", "道路", "路灯不亮", "镇供电所", None, "待受理", None, None, None),
        ("H2024003", "2024-05-10 08:00", "G1-01", "供水", "停水", "镇水务站", None, "已办结", "2024-05-10 18:00",
         "非常满意", "紧急"),
        ("H2024004", "2024-05-10 08:00", "G1-01", "供水", "水压低", "镇水务站", None, "已办结", "2024-05-11",
         "未评价", "特急"),
    ]})
    wishes = write_workbook(tmp_path / "w.xlsx", {"心愿": [
        ("编号", "登记日期", "所属网格", "心愿人", "心愿人身份证号", "心愿内容", "认领人", "认领时间", "状态"),
        (None, "2024-05-01", "G1-01-1", "张小", SON, "一台收音机", "党员乙", "2024-05-03", "已认领"),
    ]})
    return [disputes, hotline, wishes]


def test_ledgers_make_cases_with_people_events_and_deadlines(load: Load, roster: Path, tmp_path: Path,
                                                            db: Database) -> None:
    census = census_workbook(tmp_path / "c.xlsx", family_rows(), merges=household_merges())
    report = load(roster, census, *ledgers(tmp_path))
    assert summary_of(report, "disputes") == (2, 0, 0, 0)
    assert summary_of(report, "hotline") == (4, 0, 0, 0)
    assert summary_of(report, "wishes") == (1, 0, 0, 0)
    case = db.read("MATCH (c:Case {code: 'JF-001'})-[:IN_GRID]->(g:Grid) RETURN c {.*} AS c, g.code AS grid")[0]
    assert case["grid"] == "G1-01-1"
    c = case["c"]
    assert (c["kind"], c["status"], c["category"], c["level"], c["gridPath"]) == (
        "dispute", "closed", "邻里纠纷", "grid", "/G1/G1-01/G1-01-1/")
    assert c["title"] == c["description"] == "宅基地边界争议，双方互不相让"
    assert c["reportedAt"].to_native() == LEDGER_TIME.replace(tzinfo=CHINA_TZ)
    # No 办理时限: the dispute default, 30 days, to the end of that day (the rule reportCase applies too).
    assert c["deadline"].to_native() == datetime(2024, 6, 5, 23, 59, 59, tzinfo=CHINA_TZ)
    parties = db.read("MATCH (:Case {code: 'JF-001'})-[r:INVOLVES]->(p:Person) RETURN p.name AS name, "
                      "r.role AS role, p:PartyMember AS census ORDER BY name")
    assert parties == [{"name": "张三", "role": "party", "census": True},   # matched to the census by ID
                       {"name": "王二", "role": "party", "census": False}]
    assert db.read("MATCH (p:Person)-[m:MEDIATED]->(c:Case) RETURN p.name AS n, c.code AS c, m.outcome AS o "
                   "ORDER BY c") == [{"n": "调解员甲", "c": "JF-001", "o": "success"},
                                     {"n": "调解员甲", "c": "JF-002", "o": "pending"}]
    assert count(db, "MATCH (p:Person {name: '调解员甲'}) RETURN count(p) AS n") == 1
    ticket = db.read("MATCH (c:Case {code: 'H2024001'})-[:ASSIGNED_TO]->(o:Organization) "
                     "RETURN c.deadline AS d, c.satisfaction AS s, o.name AS org")[0]
    assert ticket["org"] == "镇环卫所" and ticket["s"] == "satisfied"
    assert ticket["d"].to_native() == datetime(2024, 5, 9, 23, 59, 59, tzinfo=CHINA_TZ)  # 3 working days
    open_ticket = db.read("MATCH (c:Case {code: 'H2024002'}) RETURN c.status AS s, c.deadline AS d")[0]
    assert open_ticket["s"] == "reported"
    # No limit and no urgency: a normal ticket's 13 working days (two weekends skipped).
    assert open_ticket["d"].to_native() == datetime(2024, 5, 23, 23, 59, 59, tzinfo=CHINA_TZ)
    by_urgency = {r["code"]: (r["d"].to_native().date(), r["s"]) for r in db.read(
        "MATCH (c:Case) WHERE c.code IN ['H2024003', 'H2024004'] RETURN c.code AS code, c.deadline AS d, "
        "c.satisfaction AS s")}
    # 紧急: 3 working days from Friday; 特急: the same day; 未评价 is no rating at all.
    assert by_urgency == {"H2024003": (date(2024, 5, 15), "verySatisfied"), "H2024004": (date(2024, 5, 10), None)}
    wish = db.read("MATCH (c:Case {kind: 'wish'})-[:INVOLVES {role: 'beneficiary'}]->(p:Person), "
                   "(k:Person)-[r:CLAIMED]->(c) RETURN c.code AS code, c.status AS s, p.name AS who, k.name AS by")
    assert len(wish) == 1 and wish[0]["s"] == "accepted" and (wish[0]["who"], wish[0]["by"]) == ("张小", "党员乙")
    assert wish[0]["code"].startswith("W-G1-01-1-20240501-")
    events = db.read("MATCH (c:Case)-[:HAS_EVENT]->(e:CaseEvent) RETURN c.code AS c, e.id AS id, e.seq AS seq, "
                     "e.action AS a, e.toStatus AS s ORDER BY c")
    assert len(events) == 7 and events[0] == {"c": "H2024001", "id": "H2024001#1", "seq": 1, "a": "imported",
                                              "s": "closed"}


def test_status_change_in_a_later_ledger_adds_an_event(load: Load, roster: Path, tmp_path: Path,
                                                      db: Database) -> None:
    load(roster, *ledgers(tmp_path))
    header = ("工单编号", "来电时间", "所属网格", "诉求内容", "办理状态", "办结时间")
    later = write_workbook(tmp_path / "h2.xlsx", {"工单": [header, ("H2024002", "2024-05-06", "G1-01", "路灯不亮",
                                                                   "已办结", "2024-05-08 10:00")]})
    report = load(later)
    assert summary_of(report, "hotline") == (0, 1, 0, 0)
    assert db.read("MATCH (:Case {code: 'H2024002'})-[:HAS_EVENT]->(e) RETURN e.seq AS seq, e.fromStatus AS f, "
                   "e.toStatus AS t ORDER BY seq") == [{"seq": 1, "f": None, "t": "reported"},
                                                        {"seq": 2, "f": "reported", "t": "closed"}]


def test_dry_run_reports_and_writes_nothing(load: Load, roster: Path, tmp_path: Path, db: Database) -> None:
    orgs, contacts = party_and_contacts(tmp_path)
    census = census_workbook(tmp_path / "c.xlsx", family_rows(), merges=household_merges())
    report = load(roster, orgs, census, contacts, *ledgers(tmp_path), dry_run=True)
    assert report.dry_run
    assert summary_of(report, "census") == (3, 0, 0, 0)
    # Members and households are known from this run's census although nothing was written.
    assert summary_of(report, "contacts")[0] == 1
    assert [i.row for i in issues(report, "contact_member_missing")] == [5]
    assert count(db, "MATCH (n) WHERE NOT n:SchemaMigration RETURN count(n) AS n") == 0


def test_second_run_changes_nothing(load: Load, roster: Path, tmp_path: Path, db: Database) -> None:
    orgs, contacts = party_and_contacts(tmp_path)
    units = write_workbook(tmp_path / "u.xlsx", {"单元": [("单元名称", "所属网格", "单元长", "包含户号"),
                                                         ("一单元", "G1-01-1", "周长", "001")]})
    census = census_workbook(tmp_path / "c.xlsx", family_rows(), merges=household_merges())
    files = [roster, orgs, census, units, contacts, *ledgers(tmp_path)]
    load(*files)
    before = snapshot(db)
    again = load(*files)
    totals = again.totals()
    assert totals["created"] == totals["updated"] == 0
    assert totals["unchanged"] == totals["rows"] - totals["rejected"]
    assert snapshot(db) == before


def snapshot(db: Database) -> list[str]:
    """Every node and relationship with all its properties (ciphertexts included), as sorted text."""
    nodes = db.read("MATCH (n) WHERE NOT n:SchemaMigration RETURN labels(n) AS l, properties(n) AS p")
    rels = db.read("MATCH (a)-[r]->(b) RETURN type(r) AS t, properties(r) AS p, elementId(a) AS a, "
                   "elementId(b) AS b")
    return sorted([repr((sorted(n["l"]), sorted(n["p"].items()))) for n in nodes]
                  + [repr((r["t"], sorted(r["p"].items()), r["a"], r["b"])) for r in rels])


def test_roster_member_kinds_and_departments_go_with_the_members(load: Load, tmp_path: Path, db: Database) -> None:
    headers = ("网格编码", "网格名称", "层级", "上级网格", "网格员", "网格员类别", "网格员所属部门")
    roster = write_workbook(tmp_path / "r.xlsx", {"网格": [
        headers, ("G1", "管区", 1, None, None, None, None),
        ("G1-01", "东村", 2, "G1", "赵一、钱二、孙三", "专职、兼职、专业", "、、司法所"),
    ]})
    report = load(roster)
    assert issues(report, "columns_ignored") == [] and report.totals()["warnings"] == 0
    rows = db.read("MATCH (p:Person)-[r:GRID_MEMBER_OF]->(:Grid {code: 'G1-01'}) "
                   "RETURN p.name AS name, r.kind AS kind, r.department AS department ORDER BY name")
    assert [(r["name"], r["kind"], r["department"]) for r in rows] == [
        ("孙三", "professional", "司法所"), ("赵一", "fullTime", None), ("钱二", "partTime", None)]
    assert load(roster).totals()["unchanged"] == 2  # the roles are compared too
    changed_roster = write_workbook(tmp_path / "r2.xlsx", {"网格": [
        headers, ("G1-01", "东村", 2, "G1", "赵一、钱二、孙三", "专职、专职、专业", "、、司法所")]})
    assert summary_of(load(changed_roster), "grids") == (0, 1, 0, 0)


def test_a_contact_row_with_no_households_is_accepted(load: Load, roster: Path, tmp_path: Path,
                                                      db: Database) -> None:
    orgs, _ = party_and_contacts(tmp_path)
    census = census_workbook(tmp_path / "c.xlsx", family_rows(), merges=household_merges())
    contacts = write_workbook(tmp_path / "contacts.xlsx", {"联系户": [
        ("党员姓名", "党员身份证号", "所属党组织", "所属网格", "联系户号"),
        ("李四", WIFE, "P2", "G1-01-1", None),  # a member who contacts nobody
    ]})
    report = load(roster, orgs, census, contacts)
    assert [i for i in report.issues if i.file.endswith("contacts.xlsx")] == []
    assert summary_of(report, "contacts")[3] == 0
    assert count(db, "MATCH (:Person {name: '李四'})-[:CONTACTS]->() RETURN count(*) AS n") == 0
    assert count(db, "MATCH (:Person {name: '李四'})-[:BELONGS_TO]->(:PartyOrg {code: 'P2'}) "
                     "RETURN count(*) AS n") == 1


def test_every_status_the_ledgers_use_is_known() -> None:
    sample = {"已化解": "closed", "调解中": "inProgress", "未化解": "inProgress", "已办结": "closed",
              "办理中": "inProgress", "待受理": "reported", "待认领": "reported", "已认领": "accepted",
              "已完成": "closed"}
    assert {text: case_status(text) for text in sample} == sample
