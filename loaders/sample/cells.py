"""What a spreadsheet cell can hold, independent of the file format it is written to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class ExcelNumber:
    """A value Excel holds as a number: an ID it turned into a float, a date typed as a serial.

    ``shown`` is how Excel displays and exports it to CSV.
    """

    value: float
    shown: str


Cell = str | int | float | date | datetime | ExcelNumber | None


def cell_text(value: Cell) -> str:
    """The text of a cell as Excel or WPS writes it to CSV."""
    if value is None:
        return ""
    if isinstance(value, ExcelNumber):
        return value.shown
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
