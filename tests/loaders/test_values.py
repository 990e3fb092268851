"""Normalisation rules that need no database: ID numbers, dates, phones, names, lists, headers."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from loaders.headers import CENSUS, CONTACTS, GRIDS, find_header, normalise_header
from loaders.values import household_numbers, parse_date_parts, split_names, star_rating
from schema.idnumber import IdNumberError, parse_id_number
from schema.phone import parse_phone
from schema.text import ValueProblem, clean_name
from tests.loaders.workbooks import id_number

VALID = "11010519491231002X"  # the standard's own example


def test_valid_id_number_gives_birth_date_and_sex() -> None:
    parsed = parse_id_number(VALID)
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "female"
    assert parsed.region_known


@pytest.mark.parametrize("typed", [
    "11010519491231002x",                 # lowercase x
    "１１０１０５１９４９１２３１００２Ｘ",     # full-width digits
    "110105 19491231 002X",               # embedded spaces
    " 110105\u300019491231002X ",         # ideographic space
    "'11010519491231002X",                # Excel's text apostrophe
])
def test_id_number_is_normalised(typed: str) -> None:
    assert parse_id_number(typed).number == VALID


def test_fifteen_digit_number_is_converted() -> None:
    parsed = parse_id_number("110105491231002")
    assert parsed.number == VALID
    assert parsed.converted_from_15


def test_wrong_check_character_is_rejected() -> None:
    with pytest.raises(IdNumberError) as error:
        parse_id_number("110105194912310021")
    assert error.value.code == "id_check_failed"
    assert "require X" in str(error.value)


@pytest.mark.parametrize("mangled", [3.70781198801023e17, 370781198801023000, "3.70781198801023E+17",
                                     "370781198801023000"])
def test_number_mangled_by_excel_is_rejected_with_how_to_fix(mangled: object) -> None:
    with pytest.raises(IdNumberError) as error:
        parse_id_number(mangled)
    assert error.value.code == "id_excel_number"
    assert "Format the column as text" in str(error.value)


def test_unknown_region_code_is_accepted_but_flagged() -> None:
    parsed = parse_id_number(id_number(region="379999"))
    assert not parsed.region_known
    assert parse_id_number(id_number(region="370781")).region_known


@pytest.mark.parametrize("bad", ["12345", "11010519491331002X", "1101051949123100AB",
                                 "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic digits: str.isdigit() and int() take them
                                 "١١٠١٠٥٤٩١٢٣١٠٠٢"])
def test_malformed_id_number_is_rejected(bad: str) -> None:
    with pytest.raises(IdNumberError) as error:
        parse_id_number(bad)
    assert error.value.code == "id_invalid"


@pytest.mark.parametrize(("raw", "expected", "has_day"), [
    (31118, datetime(1985, 3, 12), True),            # Excel serial
    (31118.5, datetime(1985, 3, 12, 12), True),
    ("1985.03", datetime(1985, 3, 1), False),
    (1985.03, datetime(1985, 3, 1), False),          # the same text after Excel made it a number
    ("1985年3月", datetime(1985, 3, 1), False),
    ("1985年3月12日", datetime(1985, 3, 12), True),
    ("1985/3/12", datetime(1985, 3, 12), True),
    ("1985-03-12", datetime(1985, 3, 12), True),
    ("19850312", datetime(1985, 3, 12), True),
    ("2024-05-01 14:30", datetime(2024, 5, 1, 14, 30), True),
    (date(1985, 3, 12), datetime(1985, 3, 12), True),
])
def test_dates_in_the_forms_clerks_type(raw: object, expected: datetime, has_day: bool) -> None:
    assert parse_date_parts(raw) == (expected, has_day)


def test_impossible_date_is_rejected() -> None:
    with pytest.raises(ValueProblem) as error:
        parse_date_parts("1985-13-40")
    assert error.value.code == "date_invalid"


@pytest.mark.parametrize(("raw", "expected"), [
    ("+86 138-1234-5678", "13812345678"), ("138 1234 5678", "13812345678"), (13812345678, "13812345678"),
    ("0536-1234567", "05361234567"), ("008613812345678", "13812345678"), ("１３８１２３４５６７８", "13812345678"),
])
def test_phones_are_normalised(raw: object, expected: str) -> None:
    assert parse_phone(raw) == expected


@pytest.mark.parametrize("bad", ["1381234567", "138123456789", "12345", "138-1234-567a"])
def test_phone_of_wrong_length_is_rejected(bad: str) -> None:
    with pytest.raises(ValueProblem) as error:
        parse_phone(bad)
    assert error.value.code == "phone_invalid"


def test_names_are_trimmed_including_fullwidth_spaces() -> None:
    assert clean_name("\u3000张\u3000三 ") == "张三"
    assert clean_name(" 买买提·艾力 ") == "买买提·艾力"
    assert split_names("张三、李 四,王五") == ["张三", "李四", "王五"]


def test_household_lists_and_ranges() -> None:
    assert household_numbers("001、002、005") == ["1", "2", "5"]
    assert household_numbers("001-004,010") == ["1", "2", "3", "4", "10"]
    with pytest.raises(ValueProblem):
        household_numbers("010-001")


def test_star_ratings() -> None:
    assert [star_rating(v) for v in ("三星", "★★★★", 5, "2星级", None)] == [3, 4, 5, 2, None]


def test_headers_with_synonyms_and_decoration_are_recognised() -> None:
    assert normalise_header(" 身份证号码（18位）* ") == "身份证号码"
    rows = [["东村人口信息采集表"], [], ["序号", "户号", "姓名", "公民身份号码", "出生年月", "手机号码", "网格"]]
    match = find_header(rows)
    assert match is not None and match.kind is CENSUS and match.row_index == 2
    assert match.columns["id_number"] == 3 and match.columns["phone"] == 5 and match.columns["grid"] == 6
    assert match.ignored == ()  # 序号 only numbers the rows: not worth a warning


def test_each_kind_is_told_apart_by_its_headers() -> None:
    grid = find_header([["网格编码", "网格名称", "层级", "上级网格"]])
    contacts = find_header([["党员姓名", "党员身份证号", "所属网格", "联系户号"]])
    assert grid is not None and grid.kind is GRIDS
    assert contacts is not None and contacts.kind is CONTACTS
    assert find_header([["品名", "数量", "单价"], ["苹果", 3, 5]]) is None
