"""Grid scorecards (网格考核): measures of a grid for a period, weighted into a score and a star rating.

The measures come from the graph (named query ``grid-scorecard``); the weights and star thresholds from a TOML
file (``schema/scorecard.toml``, or the file ``GRIDGRAPH_SCORECARD_FILE`` names), so an office can change them
without a code change. A period is a month (``2026-11``), a quarter (``2026-Q4``), a half (``2026-H2``) or a
year (``2026``), in China time.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from schema.deadlines import CHINA_TIME

SHIPPED = Path(__file__).with_name("scorecard.toml")
MEASURES = ("contactCoverage", "onTime", "closedInTime", "satisfaction", "resolvedLow")


class ScorecardError(ValueError):
    """A period or a scorecard file that cannot be used; the message says what to write instead."""


@dataclass(frozen=True)
class Rules:
    weights: dict[str, float]
    stars: list[tuple[float, int]]  # (least score, stars), highest first
    source: Path

    def score(self, measures: dict[str, float | None]) -> float | None:
        """0–100: the weighted mean of the measures that have data; None when none has."""
        present = {name: value for name, value in measures.items() if value is not None and self.weights[name] > 0}
        total = sum(self.weights[name] for name in present)
        if total == 0:
            return None
        return round(100 * sum(self.weights[name] * value for name, value in present.items()) / total, 1)

    def stars_for(self, score: float | None) -> int | None:
        if score is None:
            return None
        return next((stars for least, stars in self.stars if score >= least), None)


@cache
def rules(path: Path | None = None) -> Rules:
    """The scorecard rules of ``path`` (default: the shipped file), read once."""
    source = path or SHIPPED
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ScorecardError(f"{source}: cannot be read as TOML ({error})") from None
    weights, stars = data.get("weights"), data.get("stars")
    if not isinstance(weights, dict) or set(weights) != set(MEASURES):
        raise ScorecardError(f"{source}: [weights] needs exactly {', '.join(MEASURES)}")
    if not all(isinstance(v, int | float) and v >= 0 for v in weights.values()) or not any(weights.values()):
        raise ScorecardError(f"{source}: weights are numbers ≥ 0, at least one above 0")
    if not isinstance(stars, dict) or not stars:
        raise ScorecardError(f"{source}: [stars] maps a number of stars to the least score, e.g. 5 = 90")
    try:
        table = sorted(((float(least), int(count)) for count, least in stars.items()), reverse=True)
    except (TypeError, ValueError):
        raise ScorecardError(f"{source}: [stars] maps a number of stars to the least score, e.g. 5 = 90") from None
    return Rules({k: float(v) for k, v in weights.items()}, table, source)


_PERIOD = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])|H([12])))?$")


def period_bounds(code: str) -> tuple[datetime, datetime]:
    """[from, to) of a period code, at China time."""
    match = _PERIOD.match(code.strip().upper())
    if match is None:
        raise ScorecardError(f"period {code!r}: write a month (2026-11), a quarter (2026-Q4), a half (2026-H2) "
                             "or a year (2026)")
    year = int(match.group(1))
    month, quarter, half = match.group(2), match.group(3), match.group(4)
    if month:
        first, months = int(month), 1
    elif quarter:
        first, months = 3 * int(quarter) - 2, 3
    elif half:
        first, months = 6 * int(half) - 5, 6
    else:
        first, months = 1, 12
    start = datetime(year, first, 1, tzinfo=CHINA_TIME)
    end_month = first + months
    end = datetime(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1, tzinfo=CHINA_TIME)
    return start, end


def measures(row: dict[str, Any]) -> dict[str, float | None]:
    """The five measures (0–1) of one row of ``grid-scorecard``; None where the grid has no data for one."""

    def share(part: str, whole: str) -> float | None:
        return row[part] / row[whole] if row[whole] else None

    on_time = share("overdueCases", "cases")
    return {
        "contactCoverage": share("contactedHouseholds", "households"),
        "onTime": None if on_time is None else 1 - on_time,
        "closedInTime": share("closedInTime", "closedDated"),
        "satisfaction": share("satisfiedCases", "ratedCases"),
        "resolvedLow": share("closedLow", "closedCases"),
    }
