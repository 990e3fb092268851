"""Deadlines (办理时限) of cases: one rule, used by the loaders and the API alike.

Each kind has a default time limit counted from the moment the case is reported:

- hotline (12345): by urgency, ``urgent`` (特急) the same day, ``priority`` (紧急) 3 working days, ``normal``
  (一般) 13 working days;
- dispute: 30 days (the usual term of people's mediation);
- petition: 60 days (the term for handling a petition);
- order (a resident's order): 7 days;
- wish (a micro-wish): 30 days;
- supervision: 15 working days;
- project (a micro-update): 90 days.

A ledger may write its own limit (``3个工作日``, ``15天``, ``当日``) or a date; the loaders read it with
:func:`limit_from_text`. Working days come from :class:`schema.calendar.WorkingCalendar` (holidays and
adjusted working days). A deadline falls at the end of its day in China Standard Time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum

from schema.calendar import WorkingCalendar
from schema.vocabulary import CaseKind

CHINA_TIME = timezone(timedelta(hours=8))
LATEST_YEAR = 2100  # deadlines are refused beyond it: a typo such as 9999-12-31 is not a time limit


class Urgency(StrEnum):
    URGENT = "urgent"      # 特急: the same day
    PRIORITY = "priority"  # 紧急: 3 working days
    NORMAL = "normal"      # 一般: 13 working days


URGENCY_ZH: dict[str, Urgency] = {
    "特急": Urgency.URGENT, "特别紧急": Urgency.URGENT, "加急": Urgency.URGENT, "即办": Urgency.URGENT,
    "紧急": Urgency.PRIORITY, "急": Urgency.PRIORITY, "较急": Urgency.PRIORITY, "优先": Urgency.PRIORITY,
    "一般": Urgency.NORMAL, "普通": Urgency.NORMAL, "常规": Urgency.NORMAL, "不急": Urgency.NORMAL,
}


@dataclass(frozen=True)
class TimeLimit:
    days: int
    working: bool  # working days (the calendar's) or calendar days

    def __str__(self) -> str:
        if self.days == 0:
            return "当日"
        return f"{self.days}个工作日" if self.working else f"{self.days}天"


KIND_LIMITS: dict[CaseKind, TimeLimit] = {
    CaseKind.DISPUTE: TimeLimit(30, False),
    CaseKind.PETITION: TimeLimit(60, False),
    CaseKind.ORDER: TimeLimit(7, False),
    CaseKind.WISH: TimeLimit(30, False),
    CaseKind.SUPERVISION: TimeLimit(15, True),
    CaseKind.PROJECT: TimeLimit(90, False),
}
HOTLINE_LIMITS: dict[Urgency, TimeLimit] = {
    Urgency.URGENT: TimeLimit(0, True), Urgency.PRIORITY: TimeLimit(3, True), Urgency.NORMAL: TimeLimit(13, True),
}


class DeadlineError(ValueError):
    """A moment a deadline cannot be counted from (out of the supported range)."""


def default_limit(kind: CaseKind, urgency: Urgency = Urgency.NORMAL) -> TimeLimit:
    return HOTLINE_LIMITS[urgency] if kind == CaseKind.HOTLINE else KIND_LIMITS[kind]


def deadline_after(limit: TimeLimit, reported_at: datetime, calendar: WorkingCalendar) -> datetime:
    """The end of the day ``limit`` after ``reported_at`` (China time)."""
    day = reported_at.astimezone(CHINA_TIME).date()
    if day.year >= LATEST_YEAR:
        raise DeadlineError(f"{day} is beyond {LATEST_YEAR}; give the date the case was reported")
    end = calendar.add_working_days(day, limit.days) if limit.working else day + timedelta(days=limit.days)
    return end_of_day(end)


def deadline_for(kind: CaseKind, reported_at: datetime, calendar: WorkingCalendar,
                 urgency: Urgency = Urgency.NORMAL) -> datetime:
    """When a case of ``kind`` reported at ``reported_at`` must be done, by the kind's default limit."""
    return deadline_after(default_limit(kind, urgency), reported_at, calendar)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=CHINA_TIME)


_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_LIMIT = re.compile(r"^(\d+|[一二两三四五六七八九十]{1,3})\s*个?\s*(工作日|个工作日|天|日|自然日|工作天)(内|以内)?$")
_SAME_DAY = frozenset({"当日", "当天", "即时", "即办", "当日办结", "立即"})


def limit_from_text(text: str) -> TimeLimit | None:
    """``3个工作日``, ``15天``, ``十五日内``, ``当日`` as a :class:`TimeLimit`; ``None`` when not a limit."""
    compact = re.sub(r"\s+", "", text)
    if compact in _SAME_DAY:
        return TimeLimit(0, True)
    match = _LIMIT.match(compact)
    if match is None:
        return None
    count, unit = match.group(1), match.group(2)
    days = int(count) if count.isdigit() else _chinese_number(count)
    if days is None:
        return None
    return TimeLimit(days, "工作" in unit)


def _chinese_number(text: str) -> int | None:
    """一 … 九十九 in the simple forms ledgers use (十五, 二十, 三十)."""
    if "十" not in text:
        return _NUMERALS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    digits = {k: v for k, v in _NUMERALS.items() if v < 10}
    if (tens and tens not in digits) or (ones and ones not in digits):
        return None
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)
