"""Deliberate defects of hand-kept census sheets: how clerks and Excel mangle values, and at what rates.

Each defect has a stable code and what a loader is expected to do with it (``EXPECT``), so that tests can
check that every one is reported. A row carries at most one defect, and rows that other sheets refer to
(party members, dispute parties, household heads) never get a defect that rejects them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from loaders.sample.cells import Cell, ExcelNumber
from loaders.sample.identity import check_character, legacy_id_number
from loaders.sample.world import Person

NORMALISED, WARNING, REJECTED, CONFLICT = "normalised", "warning", "rejected", "conflict"

# code → (census column, what a loader should do, rate per census row)
ROW_DEFECTS: dict[str, tuple[str, str, float]] = {
    "id_lowercase_x": ("身份证号", NORMALISED, 0.004),
    "id_fullwidth_digits": ("身份证号", NORMALISED, 0.002),
    "id_embedded_spaces": ("身份证号", NORMALISED, 0.0025),
    "id_legacy_15": ("身份证号", NORMALISED, 0.0015),
    "id_bad_check": ("身份证号", REJECTED, 0.0008),
    "id_excel_float": ("身份证号", REJECTED, 0.0008),
    "date_excel_serial": ("出生日期", NORMALISED, 0.005),
    "date_year_month_dot": ("出生日期", NORMALISED, 0.005),
    "date_year_month_zh": ("出生日期", NORMALISED, 0.005),
    "date_slash": ("出生日期", NORMALISED, 0.005),
    "phone_plus86": ("联系电话", NORMALISED, 0.004),
    "phone_spaces": ("联系电话", NORMALISED, 0.004),
    "phone_dashes": ("联系电话", NORMALISED, 0.004),
    "phone_wrong_length": ("联系电话", REJECTED, 0.001),
    "name_stray_spaces": ("姓名", NORMALISED, 0.005),
    "sex_disagrees_with_id": ("性别", WARNING, 0.0006),
    "birth_date_disagrees_with_id": ("出生日期", WARNING, 0.0006),
    "grid_unknown": ("所属网格", REJECTED, 0.0004),
}

# Defects of a household, a person or a contact row rather than of one value.
OTHER_DEFECTS: dict[str, tuple[str, str]] = {
    "household_no_head": ("与户主关系", WARNING),
    "household_two_heads": ("与户主关系", WARNING),
    "person_in_two_villages": ("联系电话", CONFLICT),
    "contact_unknown_household": ("联系户号", REJECTED),
}

EXPECT: dict[str, str] = {
    **{code: expect for code, (_, expect, _) in ROW_DEFECTS.items()},
    **{code: expect for code, (_, expect) in OTHER_DEFECTS.items()},
}
REJECTING = frozenset(code for code, expect in EXPECT.items() if expect == REJECTED)


def _eligible(code: str, person: Person) -> bool:
    if code == "id_lowercase_x":
        return person.id_number.endswith("X")
    if code == "id_excel_float":
        return not person.id_number.endswith("X")
    if code == "id_legacy_15":
        return person.id_number[6:8] == "19"
    if code.startswith("phone_"):
        return bool(person.phone)
    return True


def plan_row_defects(rng: random.Random, persons: list[Person], protected: set[int], force: bool) -> dict[int, str]:
    """Which rows (by index into ``persons``) get which defect. ``protected`` holds ``id()`` of persons
    that other sheets refer to; ``force`` puts at least one of each defect in this village."""
    chosen: dict[int, str] = {}
    for code, (_, expect, rate) in ROW_DEFECTS.items():
        count = int(rate * len(persons) + rng.random())
        if force:
            count = max(1, count)
        candidates = [i for i, p in enumerate(persons) if i not in chosen and _eligible(code, p)
                      and not (expect == REJECTED and id(p) in protected)]
        for index in rng.sample(candidates, min(count, len(candidates))):
            chosen[index] = code
    return chosen


_FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def mangled_id(rng: random.Random, number: str, code: str) -> Cell:
    """The ID number as a clerk or Excel left it."""
    if code == "id_lowercase_x":
        return number[:-1] + "x"
    if code == "id_fullwidth_digits":
        return number.translate(_FULLWIDTH)
    if code == "id_embedded_spaces":
        return rng.choice((f"{number[:6]} {number[6:14]} {number[14:]}", f" {number[:10]} {number[10:]}",
                           number + " "))
    if code == "id_legacy_15":
        return legacy_id_number(number)
    if code == "id_bad_check":
        return number[:17] + rng.choice([c for c in "0123456789X" if c != check_character(number[:17])])
    if code == "id_excel_float":
        # Excel keeps 15 significant digits: the last three digits become zeros.
        value = float(f"{int(number):.14e}")
        return ExcelNumber(value, f"{value:.14E}")
    raise ValueError(code)


def mangled_birth(rng: random.Random, birth: date, code: str) -> Cell:
    """The birth date in one of the formats people type, or a wrong one."""
    if code == "date_excel_serial":
        serial = (birth - date(1899, 12, 30)).days
        return ExcelNumber(float(serial), str(serial))
    if code == "date_year_month_dot":
        return f"{birth.year}.{birth.month:02d}"
    if code == "date_year_month_zh":
        return f"{birth.year}年{birth.month}月"
    if code == "date_slash":
        return f"{birth.year}/{birth.month}/{birth.day}"
    if code == "birth_date_disagrees_with_id":
        return (birth + timedelta(days=rng.choice((-366, -31, 31, 365, 730)))).isoformat()
    raise ValueError(code)


def mangled_phone(rng: random.Random, phone: str, code: str) -> str:
    """The phone number with a country code, spaces or dashes, or a digit too few or too many."""
    if code == "phone_plus86":
        return rng.choice(("+86 ", "+86", "+86-")) + phone
    if code == "phone_spaces":
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    if code == "phone_dashes":
        return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
    if code == "phone_wrong_length":
        return phone[:-1] if rng.random() < 0.5 else phone + str(rng.randrange(10))
    raise ValueError(code)


def mangled_name(rng: random.Random, name: str) -> str:
    """A name with a stray half- or full-width space inside or around it."""
    return rng.choice((f"{name[0]}\u3000{name[1:]}", f"{name[0]} {name[1:]}", name + " ", "\u3000" + name))
