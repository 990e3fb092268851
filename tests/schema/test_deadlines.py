"""Deadlines and the working calendar: one rule for loaders and API, holidays and adjusted working days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from schema.calendar import SHIPPED, CalendarError, WorkingCalendar, read_schedule
from schema.deadlines import (
    CHINA_TIME,
    HOTLINE_LIMITS,
    KIND_LIMITS,
    DeadlineError,
    TimeLimit,
    Urgency,
    deadline_after,
    deadline_for,
    limit_from_text,
)
from schema.vocabulary import CASE_CODE_PREFIX, CaseKind

CALENDAR = WorkingCalendar.load()


def china(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHINA_TIME)  # type: ignore[misc]


def test_every_kind_has_a_default_limit_and_a_code_prefix_of_its_own() -> None:
    assert set(KIND_LIMITS) | {CaseKind.HOTLINE} == set(CaseKind)
    assert set(HOTLINE_LIMITS) == set(Urgency)
    assert set(CASE_CODE_PREFIX) == set(CaseKind)
    assert len(set(CASE_CODE_PREFIX.values())) == len(CaseKind)  # petition and project no longer share P


def test_2026_schedule_as_announced() -> None:
    # Spring Festival break 2026-02-15..23, worked Saturdays 02-14 and 02-28; National Day 10-01..07.
    assert not CALENDAR.is_working_day(date(2026, 2, 16))  # a Monday inside the break
    assert CALENDAR.is_working_day(date(2026, 2, 14))  # a Saturday made a working day
    assert CALENDAR.is_working_day(date(2026, 2, 28))
    assert not CALENDAR.is_working_day(date(2026, 10, 5))
    assert CALENDAR.is_working_day(date(2026, 9, 20))  # a Sunday made a working day
    assert CALENDAR.is_working_day(date(2026, 1, 4))
    assert not CALENDAR.is_working_day(date(2026, 1, 2))
    holidays = read_schedule(SHIPPED / "2026.toml").holidays
    assert sum(1 for name in holidays.values() if name == "春节") == 9
    assert len(holidays) == 3 + 9 + 3 + 5 + 3 + 3 + 7


def test_2025_national_day_and_mid_autumn_break_is_skipped() -> None:
    # Oct 1–8 off, Saturday Oct 11 worked: 3 working days from Oct 1 end on Saturday the 11th.
    reported = china(2025, 10, 1, 9, 12)
    assert deadline_after(TimeLimit(3, True), reported, CALENDAR).date() == date(2025, 10, 11)
    assert CALENDAR.is_working_day(date(2025, 9, 28)) and not CALENDAR.is_working_day(date(2025, 2, 3))


def test_next_year_is_shipped_and_marked_provisional() -> None:
    assert 2027 in CALENDAR.years and CALENDAR.provisional_years() == [2027]
    assert not CALENDAR.is_working_day(date(2027, 2, 8))  # 初三 of the Spring Festival


def test_a_year_without_a_file_counts_monday_to_friday() -> None:
    assert CALENDAR.is_working_day(date(2031, 1, 1))  # a Wednesday; no schedule for 2031
    assert not CALENDAR.is_working_day(date(2031, 1, 4))  # a Saturday


def test_working_days_skip_holidays_and_count_adjusted_days() -> None:
    # Reported on Friday 2026-09-25 (the Mid-Autumn break 25–27), then the 28th–30th, 20 Sept was earlier.
    assert CALENDAR.add_working_days(date(2026, 9, 24), 3) == date(2026, 9, 30)
    # Across National Day: 30 Sept, then 8 and 9 Oct, then Saturday 10 Oct (worked).
    assert CALENDAR.add_working_days(date(2026, 9, 29), 4) == date(2026, 10, 10)
    assert CALENDAR.working_days_between(date(2026, 9, 29), date(2026, 10, 10)) == 4
    assert CALENDAR.working_days_between(date(2026, 10, 10), date(2026, 9, 29)) == -4


def test_hotline_deadlines_by_urgency_in_working_days() -> None:
    friday = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 10:00 in China
    assert deadline_for(CaseKind.HOTLINE, friday, CALENDAR, Urgency.URGENT) == china(2026, 11, 27, 23, 59, 59)
    assert deadline_for(CaseKind.HOTLINE, friday, CALENDAR, Urgency.PRIORITY).date() == date(2026, 12, 2)
    assert deadline_for(CaseKind.HOTLINE, friday, CALENDAR).date() == date(2026, 12, 16)
    # Before the Spring Festival: 13 working days from 2026-02-10 count Saturdays 02-14 and 02-28 and skip
    # the nine-day break (02-11..14, 02-24..28, 03-02..05).
    assert deadline_for(CaseKind.HOTLINE, china(2026, 2, 10, 9), CALENDAR).date() == date(2026, 3, 5)


def test_calendar_day_limits_and_the_day_boundary_in_china_time() -> None:
    late_evening_utc = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # already Saturday 01:00 in China
    assert deadline_for(CaseKind.DISPUTE, late_evening_utc, CALENDAR) == china(2026, 12, 28, 23, 59, 59)
    assert deadline_for(CaseKind.SUPERVISION, china(2026, 9, 29, 9), CALENDAR).date() == date(2026, 10, 26)


@pytest.mark.parametrize(("text", "limit"), [
    ("3个工作日", TimeLimit(3, True)), ("13 个工作日", TimeLimit(13, True)), ("15天", TimeLimit(15, False)),
    ("十五日内", TimeLimit(15, False)), ("三个工作日", TimeLimit(3, True)), ("二十天", TimeLimit(20, False)),
    ("30自然日", TimeLimit(30, False)), ("当日", TimeLimit(0, True)), ("即办", TimeLimit(0, True)),
    ("2026-12-01", None), ("尽快", None), ("十十天", None),
])
def test_limits_as_ledgers_write_them(text: str, limit: TimeLimit | None) -> None:
    assert limit_from_text(text) == limit


def test_a_written_limit_counts_like_the_default_rule() -> None:
    reported = china(2026, 4, 30, 15)  # Thursday before the Labour Day break (05-01..05), 05-09 worked
    assert deadline_after(TimeLimit(3, True), reported, CALENDAR).date() == date(2026, 5, 8)
    assert deadline_after(TimeLimit(5, True), reported, CALENDAR).date() == date(2026, 5, 11)


def test_a_report_far_in_the_future_is_refused_not_overflowed() -> None:
    with pytest.raises(DeadlineError, match="2100"):
        deadline_for(CaseKind.PROJECT, datetime(9999, 12, 31, tzinfo=UTC), CALENDAR)


def test_an_office_folder_overrides_a_year(tmp_path: Path) -> None:
    (tmp_path / "2026.toml").write_text(
        'year = 2026\nholidays = [{ name = "本地假日", from = 2026-12-03, to = 2026-12-04 }]\nworkdays = []\n',
        encoding="utf-8")
    local = WorkingCalendar.load(tmp_path)
    assert not local.is_working_day(date(2026, 12, 3))
    assert local.is_working_day(date(2026, 10, 5))  # the shipped 2026 is replaced as a whole
    assert not local.is_working_day(date(2027, 2, 8))  # other years still shipped


@pytest.mark.parametrize(("text", "message"), [
    ("year = 2025\n", "year = 2026"),
    ("year = 2026\nholidays = [{ name = \"x\", from = 2026-05-03, to = 2026-05-01 }]\n", "entry 1"),
    ("year = 2026\nworkdays = [\"2026-01-04\"]\n", "workdays must be dates"),
    ("year = 2026\nworkdays = [2025-12-31]\n", "not in 2026"),
    ("year = \n", "cannot be read as TOML"),
])
def test_a_bad_holiday_file_names_the_file_and_the_fix(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "2026.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CalendarError, match=message) as error:
        WorkingCalendar.load(tmp_path)
    assert "2026.toml" in str(error.value)


def test_the_readme_table_states_the_rule_the_code_applies() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].split()[0]: [cell.strip() for cell in line.split("|")[2:4]]
            for line in readme.splitlines() if line.startswith("| ") and line.split("|")[1].split()[0] in
            {k.value for k in CaseKind}}
    assert set(rows) == {k.value for k in CaseKind}
    for kind in CaseKind:
        prefix, limit = rows[kind.value]
        assert prefix == CASE_CODE_PREFIX[kind]
        expected = [str(HOTLINE_LIMITS[u]) for u in Urgency] if kind == CaseKind.HOTLINE else [str(KIND_LIMITS[kind])]
        assert all(text in limit for text in expected), (kind, limit)
