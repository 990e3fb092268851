"""Normalising what clerks type: dates, sex, lists, household numbers, codes and the office words for values.

Text, names and phones are normalised by :mod:`schema.text` and :mod:`schema.phone`, shared with lookups.

Every parser takes a raw cell (str, int, float, date, datetime or None) and returns a clean value, or raises
:class:`ValueProblem` with a stable code and a message that says what to fix.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

from schema.text import Cell, ValueProblem, clean_name, clean_text, to_halfwidth

# The words offices use for each value live with the values, in schema/vocabulary.py.
from schema.vocabulary import CASE_STATUS_ZH, NO_RATING_ZH, POLITICAL_STATUS_ZH, SATISFACTION_ZH

# Case times are stored at China Standard Time; the country has one zone and no daylight saving, so a fixed
# offset is exact and compares equal across runs.
CHINA_TZ = timezone(timedelta(hours=8))

_LIST_SEPARATORS = re.compile(r"[、,，/;；\s]+")
_NAME_SEPARATORS = re.compile(r"[、,，/;；]+")
_NAME_SEPARATORS_ONE = re.compile(r"[、,，/;；]")
_NUMBER_SEPARATORS = re.compile(r"[、,，;；\s]+")
EXCEL_EPOCH = date(1899, 12, 30)


def clean_code(raw: Cell) -> str | None:
    """A code typed by hand (grid code, case number): half-width, no spaces, upper case."""
    text = clean_text(raw)
    if text is None:
        return None
    return "".join(to_halfwidth(text).split()).upper() or None


def split_list(raw: Cell) -> list[str]:
    """``'张三、李四,王五'`` → ``['张三', '李四', '王五']`` (、 , ， / ; ； and spaces separate)."""
    text = clean_text(raw)
    if text is None:
        return []
    return [part for part in _LIST_SEPARATORS.split(to_halfwidth(text).replace("、", ",")) if part]


def split_names(raw: Cell) -> list[str]:
    """Like :func:`split_list` but spaces do not separate (a name may be padded with spaces)."""
    text = clean_text(raw)
    if text is None:
        return []
    parts = _NAME_SEPARATORS.split(text)
    return [name for part in parts if (name := clean_name(part))]


def split_positions(raw: Cell) -> list[str | None]:
    """Like :func:`split_names` but empty places are kept (``'、司法所、'`` → ``[None, '司法所', None]``), for
    a column whose values go with another column's names in order; ``[]`` for an empty cell."""
    text = clean_text(raw)
    if text is None:
        return []
    return [clean_name(part) for part in _NAME_SEPARATORS_ONE.split(text)]


def _whole_seconds(value: datetime) -> datetime:
    return (value + timedelta(microseconds=500_000)).replace(microsecond=0)


def _from_serial(serial: float) -> datetime:
    if not 61 <= serial < 2958466:
        raise ValueProblem("date_invalid", f"{serial} is not a date.")
    return _whole_seconds(datetime.combine(EXCEL_EPOCH, time()) + timedelta(days=serial))


_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*(?:[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?)?\s*月?"
               r"(?:[ T]+(?P<H>\d{1,2})\s*[:时点]\s*(?P<M>\d{1,2})\s*(?:[:分]\s*(?P<S>\d{1,2}))?\s*秒?)?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?$"),
)


def parse_date_parts(raw: Cell) -> tuple[datetime, bool]:
    """A date cell as a naive datetime and whether it named a day (``1985年3月`` names only a month).

    Understands Excel dates and serial numbers, ``1985.03`` (also when Excel made it the number 1985.03),
    ``1985年3月``, ``1985年3月12日``, ``1985/3/12``, ``1985-03-12``, ``19850312``, with an optional time.
    """
    if isinstance(raw, datetime):
        # Excel keeps times as fractions of a day: round away the float error (09:30:00.000001).
        return _whole_seconds(raw.replace(tzinfo=None)), True
    if isinstance(raw, date):
        return datetime.combine(raw, time()), True
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw)
        if 1900 <= value < 2101 and not value.is_integer():
            # The text 1985.03 that Excel turned into a number: year.month.
            year, month = int(value), round((value - int(value)) * 100)
            if 1 <= month <= 12:
                return datetime(year, month, 1), False
        if value.is_integer() and 190001 <= value <= 210012:
            return parse_date_parts(str(int(value)))
        return _from_serial(value), True
    text = raw if type(raw) is str else clean_text(raw)
    if text is None:
        raise ValueProblem("date_missing", "the date is empty.")
    return _parse_date_text(text)


# A census repeats birth dates (one per day over a century at most): parse each text once.
@lru_cache(maxsize=40000)
def _parse_date_text(raw: str) -> tuple[datetime, bool]:
    text = clean_text(raw)
    if text is None:
        raise ValueProblem("date_missing", "the date is empty.")
    text = to_halfwidth(text)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            try:
                parsed = datetime(int(parts["y"]), int(parts["m"]), int(parts["d"] or 1),
                                  int(parts.get("H") or 0), int(parts.get("M") or 0), int(parts.get("S") or 0))
            except ValueError:
                break
            return parsed, parts["d"] is not None
    raise ValueProblem(
        "date_invalid",
        f"{text!r} is not a date: write it as 1985-03-12, 1985/3/12, 1985年3月12日 or 1985.03.",
    )


def parse_date(raw: Cell) -> date:
    """A date cell as a ``date`` (first of the month when only a month is given)."""
    return parse_date_parts(raw)[0].date()


def parse_datetime(raw: Cell) -> datetime:
    """A date or date-time cell as an aware ``datetime`` at China Standard Time (+08:00)."""
    return parse_date_parts(raw)[0].replace(tzinfo=CHINA_TZ)


_SEX = {"男": "male", "女": "female", "M": "male", "F": "female", "MALE": "male", "FEMALE": "female",
        "1": "male", "2": "female", "男性": "male", "女性": "female"}


def parse_sex(raw: Cell) -> str | None:
    """``男``/``女`` (and M/F, 1/2) → ``'male'``/``'female'``; ``None`` when empty or unknown."""
    text = clean_code(raw)
    return _SEX.get(text) if text else None


def household_number(raw: Cell) -> str | None:
    """户号 as written: half-width, no spaces, zero padding kept (``0058`` stays ``0058``); never through a number."""
    return clean_code(raw)


def household_key(number: str) -> str:
    """The part of a household's key that 户号 gives: without zero padding, so ``0058`` in the census and ``58`` in
    a contact sheet (where Excel dropped the zeros) are the same household."""
    return (number.lstrip("0") or "0") if number.isdigit() else number


_RANGE = re.compile(r"^(\d+)\s*(?:-|~|～|至|到|—)\s*(\d+)$")


def household_numbers(raw: Cell, limit: int = 2000) -> list[str]:
    """``'001、002、005'`` or ``'001-015'`` (or both mixed) → household number keys, in order, no repeats."""
    text = clean_text(raw)
    if text is None:
        return []
    result: list[str] = []
    for part in _NUMBER_SEPARATORS.split(to_halfwidth(text)):
        match = _RANGE.match(part.replace("—", "-"))
        if match:
            start, end = int(match.group(1)), int(match.group(2))
            if end < start or end - start > limit:
                raise ValueProblem("household_range_invalid",
                                   f"the range {part!r} is not ascending or is longer than {limit}.")
            result.extend(str(n) for n in range(start, end + 1))
        elif part:
            result.append(str(int(part)) if part.isdigit() else part.upper())
    return list(dict.fromkeys(result))


_LEVELS = {"一级网格": 1, "管区": 1, "一级": 1, "1": 1, "二级网格": 2, "二级": 2, "2": 2, "网格": 2,
           "微网格": 3, "三级网格": 3, "三级": 3, "3": 3}


def grid_level(raw: Cell) -> int | None:
    """层级: 一级网格/管区 → 1, 二级网格 → 2, 微网格/三级网格 → 3 (or the digits); ``None`` when empty."""
    text = clean_code(raw)
    if text is None:
        return None
    if text not in _LEVELS:
        raise ValueProblem("grid_level_invalid", f"{text!r} is not a grid level: write 一级网格 (管区), 二级网格 "
                                                 "or 微网格, or 1/2/3.")
    return _LEVELS[text]


_STAR_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}


def star_rating(raw: Cell) -> int | None:
    """星级: ``3``, ``三星``, ``3星级``, ``★★★`` → 3 (1-5); ``None`` when empty."""
    text = clean_code(raw)
    if text is None:
        return None
    if set(text) <= {"★", "☆"} and "★" in text:
        return text.count("★")
    match = re.match(r"^([1-5一二两三四五])星?级?(网格)?$", text)
    if not match:
        raise ValueProblem("star_rating_invalid", f"{text!r} is not a star rating: write 1-5 or 三星.")
    digit = match.group(1)
    return int(digit) if digit.isdigit() else _STAR_DIGITS[digit]


def political_status(raw: Cell) -> tuple[str | None, str | None]:
    """政治面貌 → (stable code, unknown text). Unknown text is kept for the report, not stored as a code."""
    text = clean_code(raw)
    if text is None:
        return None, None
    code = POLITICAL_STATUS_ZH.get(text)
    return (code, None) if code else (None, text)


def case_status(raw: Cell) -> str | None:
    """办理状态 → a :class:`schema.vocabulary.CaseStatus` value; ``None`` when empty; raises when unknown."""
    text = clean_code(raw)
    if text is None:
        return None
    if text in CASE_STATUS_ZH:
        return CASE_STATUS_ZH[text].value
    raise ValueProblem("case_status_unknown",
                       f"{text!r} is not a known status (e.g. 待受理, 办理中, 已办结); the case is imported as "
                       "reported, or closed when it has a closing date.")


def satisfaction(raw: Cell) -> str | None:
    """满意度 → a :class:`schema.vocabulary.Satisfaction` value; ``None`` when empty or written as no rating."""
    text = clean_code(raw)
    if text is None or text in NO_RATING_ZH:
        return None
    if text in SATISFACTION_ZH:
        return SATISFACTION_ZH[text].value
    raise ValueProblem("satisfaction_unknown",
                       f"{text!r} is not a satisfaction rating (非常满意, 满意, 基本满意, 不满意, or 未评价 for none); "
                       "left empty.")
