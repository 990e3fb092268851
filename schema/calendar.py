"""Working days: Monday to Friday, minus public holidays, plus the weekend days made working days (调休).

The schedule of each year is a data file, ``schema/holidays/<year>.toml`` (``holidays``: named breaks with
their first and last day; ``workdays``: the adjusted working days), because the State Council announces it each
year and offices must be able to correct it without a code change: files in the folder named by
``GRIDGRAPH_HOLIDAYS_DIR`` win over the shipped ones, year by year. A year with no file counts Monday to Friday.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

SHIPPED = Path(__file__).with_name("holidays")


class CalendarError(ValueError):
    """A holiday file that cannot be read; the message names the file and the entry."""


@dataclass(frozen=True)
class YearSchedule:
    year: int
    holidays: dict[date, str]
    workdays: frozenset[date]
    provisional: bool
    source: Path


@dataclass(frozen=True)
class WorkingCalendar:
    years: dict[int, YearSchedule] = field(default_factory=dict)

    @classmethod
    def load(cls, *folders: Path | None) -> WorkingCalendar:
        """The shipped schedules, overridden year by year by the files of each later folder given."""
        years: dict[int, YearSchedule] = {}
        for folder in (SHIPPED, *folders):
            if folder is None:
                continue
            if not folder.is_dir():
                raise CalendarError(f"{folder}: the holiday folder does not exist (GRIDGRAPH_HOLIDAYS_DIR)")
            for path in sorted(folder.glob("*.toml")):
                schedule = read_schedule(path)
                years[schedule.year] = schedule
        return cls(years)

    def is_working_day(self, day: date) -> bool:
        schedule = self.years.get(day.year)
        if schedule is not None:
            if day in schedule.workdays:
                return True
            if day in schedule.holidays:
                return False
        return day.weekday() < 5

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself when ``count`` is 0)."""
        current = day
        remaining = count
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for n in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=n)))

    def covers(self, year: int) -> bool:
        """Whether ``year`` has a schedule (without one, working days are Monday to Friday)."""
        return year in self.years

    def provisional_years(self) -> list[int]:
        return sorted(y for y, s in self.years.items() if s.provisional)


def read_schedule(path: Path) -> YearSchedule:
    """One year's file; every error names the file and what to fix."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CalendarError(f"{path}: cannot be read as TOML ({error})") from None
    year = data.get("year")
    if not isinstance(year, int) or path.stem != str(year):
        raise CalendarError(f"{path}: needs `year = {path.stem}` (the file is named after its year)")
    holidays: dict[date, str] = {}
    for number, entry in enumerate(_list(data, "holidays", path), start=1):
        if not isinstance(entry, dict):
            raise CalendarError(f"{path}: holidays entry {number} must be {{ name = …, from = …, to = … }}")
        first, last, name = entry.get("from"), entry.get("to", entry.get("from")), entry.get("name", "")
        if not isinstance(first, date) or not isinstance(last, date) or last < first:
            raise CalendarError(f"{path}: holidays entry {number} ({name}) needs dates `from` ≤ `to` (YYYY-MM-DD)")
        holidays.update((first + timedelta(days=n), str(name)) for n in range((last - first).days + 1))
    workdays = frozenset(_dates(_list(data, "workdays", path), path))
    for day in (*holidays, *workdays):
        if day.year != year:
            raise CalendarError(f"{path}: {day} is not in {year}")
    return YearSchedule(year, holidays, workdays, bool(data.get("provisional", False)), path)


def _list(data: dict[str, object], key: str, path: Path) -> list[object]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise CalendarError(f"{path}: `{key}` must be a list")
    return value


def _dates(values: Iterable[object], path: Path) -> Iterable[date]:
    for value in values:
        if not isinstance(value, date):
            raise CalendarError(f"{path}: workdays must be dates (YYYY-MM-DD), not {value!r}")
        yield value


@cache
def working_calendar(folder: Path | None = None) -> WorkingCalendar:
    """The calendar of a deployment (read once per folder): shipped schedules, then ``folder``'s."""
    return WorkingCalendar.load(folder)
