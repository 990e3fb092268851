"""Answers of the grid assessment: a grid's scorecard for a period (built in Python from grid-scorecard)."""

from __future__ import annotations

from datetime import datetime

import strawberry


@strawberry.type(description="A grid's measures for a period, their weighted score (0–100) and its stars.")
class GridScorecard:
    grid_code: str
    name: str | None
    level: int | None
    period: str
    period_start: datetime
    period_end: datetime
    households: int
    contacted_households: int
    cases: int
    overdue_cases: int
    closed_cases: int
    closed_in_time: int
    rated_cases: int
    satisfied_cases: int
    closed_at_grid_or_village: int
    contact_coverage: float | None = strawberry.field(description="Contacted households ÷ households.")
    on_time: float | None = strawberry.field(description="1 − overdue ÷ cases reported in the period.")
    closed_in_time_share: float | None = strawberry.field(description="Closed by the deadline ÷ closed.")
    satisfaction: float | None = strawberry.field(description="Satisfied ratings ÷ ratings.")
    resolved_low: float | None = strawberry.field(description="Closed at grid or village level ÷ closed.")
    score: float | None = strawberry.field(description="Weighted mean of the measures with data, 0–100.")
    stars: int | None = strawberry.field(description="Stars by the thresholds of the scorecard file.")
