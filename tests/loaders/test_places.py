"""How grid and village names are compared, and how headers other clerks write are recognised."""

from __future__ import annotations

from loaders.headers import CENSUS, CONTACTS, GRIDS, STAFF, closest_kind, find_header, normalise_header
from loaders.places import chinese_number, grid_short_name, village_key, village_variants
from loaders.state import GridIndex, GridInfo
from schema.text import ValueProblem


def test_short_grid_names_compare_whatever_the_numerals() -> None:
    assert {grid_short_name(n) for n in ("第1网格", "第一网格", "一网格", "1号网格", "网格1", "01网格")} == {"1网格"}
    assert grid_short_name("第2网格1号微网格") == "2网格1微网格"
    assert [chinese_number(t) for t in ("十二", "二十", "一百零五", "三")] == [12, 20, 105, 3]


def test_village_names_compare_without_their_committee() -> None:
    assert village_key("东村村民委员会") == "东村" and village_key("西城社区居委会") == "西城社区"
    assert village_variants("王家庄村") == {"王家庄村", "王家庄"} and village_variants("东村网格") == {"东村"}


def _index() -> GridIndex:
    index = GridIndex()
    for code, name, level, path in (("V1", "张庄村", 2, "/V1/"), ("V1-1", "第1网格", 3, "/V1/V1-1/"),
                                    ("V1-2", "第2网格", 3, "/V1/V1-2/"), ("V1-2-1", "1号微网格", 4, "/V1/V1-2/V1-2-1/"),
                                    ("V2", "李庄", 2, "/V2/"), ("V2-1", "李庄第一网格", 3, "/V2/V2-1/")):
        index.put(GridInfo(code, name, level, path))
    return index


def test_grids_resolve_by_short_name_within_a_village() -> None:
    index = _index()
    assert index.resolve("一网格", "V1").code == "V1-1" and index.resolve("第1网格", "V2").code == "V2-1"
    assert index.resolve("第2网格1号微网格", "V1").code == "V1-2-1"
    assert index.resolve("1", "V2").code == "V2-1"
    assert index.resolve("张庄村第2网格").code == "V1-2"  # the village's name in front says which
    assert index.resolve(None, "V2").code == "V2"
    assert index.resolve("李庄第一网格", "V1").code == "V2-1"  # a full name says more than the sheet
    assert index.village_in("李庄村人口信息采集表") == "V2" and index.village_named("李庄村") == "V2"
    try:
        index.resolve("第1网格")
    except ValueProblem as problem:
        assert problem.code == "grid_ambiguous" and "张庄村/第1网格 (V1-1)" in str(problem)
        assert "李庄/李庄第一网格 (V2-1)" in str(problem)
    else:
        raise AssertionError("ambiguous")
    try:
        index.resolve("第9网格", "V1")
    except ValueProblem as problem:
        assert problem.code == "grid_unknown" and "第2网格 (V1-2)" in str(problem)
    else:
        raise AssertionError("unknown")


def test_headers_of_other_forms_are_recognised() -> None:
    assert [normalise_header(h) for h in ("1.户号*", "姓名\n（必填）", "一、身份证号", "村（社区）", "一级网格")] == [
        "户号", "姓名", "身份证号", "村", "一级网格"]
    census = find_header([["序号", "1.户号", "2.姓名（必填）", "3.公民身份\n号码", "所在网格", "村居"]])
    assert census is not None and census.kind is CENSUS and {"village", "grid"} <= census.columns.keys()
    pairs = find_header([["姓名", "身份证号", "户号", "户主姓名"]], title="党员联系户")
    assert pairs is not None and pairs.kind is CONTACTS and pairs.columns["member_name"] == 0
    members = find_header([["党员姓名", "党员身份证号", "联系户1", "联系户2", "联系户3"]])
    assert members is not None and members.kind is CONTACTS and members.extra == {"households": (3, 4)}
    roster = find_header([["所属乡镇", "村（社区）", "网格名称", "网格长", "网格长身份证号"]])
    assert roster is not None and roster.kind is GRIDS
    staff = find_header([["姓名", "身份证号", "联系电话", "所属网格", "职务"]], title="网格员花名册")
    assert staff is not None and staff.kind is STAFF
    closest = closest_kind([["姓名", "性别", "出生日期", "所属网格"]])
    assert closest is not None and closest.kind is CENSUS and closest.missing == ("户号", "身份证号")
