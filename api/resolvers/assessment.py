"""Grid assessment (网格考核): scorecards per grid and period, rankings, and star ratings kept with their history.

Measures come from the named query ``grid-scorecard`` run in the caller's scope; weights and star thresholds from
``schema.scorecard``. ``rateGrids`` (town admins) keeps each rating as ``(:Grid)-[:RATED {stars, score, at}]->
(:Period {code, start, end})``, so history stays, and sets ``Grid.starRating`` to the latest period's stars.
"""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from api.auth import CAN_RATE_GRIDS
from api.context import CountingTransaction
from api.errors import BadInput
from api.resolvers.common import context
from queries.library import MAX_LIMIT, library
from schema.graphql.assessment import GridScorecard
from schema.scorecard import ScorecardError, measures, period_bounds, rules


def _scorecards(info: Info, period: str, grid_code: str | None, level: int | None,
                limit: int = MAX_LIMIT) -> list[GridScorecard]:
    ctx = context(info)
    try:
        start, end = period_bounds(period)
        scoring = rules(ctx.settings.scorecard_file)
    except ScorecardError as error:
        raise BadInput(str(error)) from None
    queries = library()
    parameters = queries.bind("grid-scorecard", {
        "scopePath": ctx.caller.scope_path or "/", "gridCode": grid_code, "level": level,
        "periodStart": start, "periodEnd": end, "limit": limit})
    rows = ctx.read(queries.get("grid-scorecard").cypher, parameters)
    cards = []
    for row in rows:
        shares = measures(row)
        score = scoring.score(shares)
        cards.append(GridScorecard(
            grid_code=row["gridCode"], name=row["name"], level=row["level"], period=period.strip().upper(),
            period_start=start, period_end=end, households=row["households"],
            contacted_households=row["contactedHouseholds"], cases=row["cases"], overdue_cases=row["overdueCases"],
            closed_cases=row["closedCases"], closed_in_time=row["closedInTime"], rated_cases=row["ratedCases"],
            satisfied_cases=row["satisfiedCases"], closed_at_grid_or_village=row["closedLow"],
            contact_coverage=shares["contactCoverage"], on_time=shares["onTime"],
            closed_in_time_share=shares["closedInTime"], satisfaction=shares["satisfaction"],
            resolved_low=shares["resolvedLow"], score=score, stars=scoring.stars_for(score)))
    return cards


def grid_scorecard(info: Info, grid_code: str, period: str) -> GridScorecard | None:
    """One grid's scorecard for a period (its subtree counts); nothing for a grid outside the caller's scope."""
    code = grid_code.strip()
    # Narrowed to the grid's subtree, the grid itself comes first (grids in path order).
    return next((card for card in _scorecards(info, period, code, None, limit=1) if card.grid_code == code), None)


def grid_ranking(info: Info, period: str, level: int = 2) -> list[GridScorecard]:
    """The grids of a level in the caller's scope, best score first (grids without a score last)."""
    cards = _scorecards(info, period, None, level)
    return sorted(cards, key=lambda c: (c.score is None, -(c.score or 0), c.grid_code))


def rate_grids(info: Info, period: str, level: int = 2) -> list[GridScorecard]:
    """Rate the grids of a level for a period: keep each rating and update ``starRating`` (town admins)."""
    ctx = context(info)
    ctx.caller.require(CAN_RATE_GRIDS, "rate grids")
    cards = grid_ranking(info, period, level)
    ratings: list[dict[str, Any]] = [{"grid": c.grid_code, "stars": c.stars, "score": c.score}
                                     for c in cards if c.stars is not None]

    def work(tx: CountingTransaction) -> None:
        tx.run("MERGE (p:Period {code: $code}) SET p.start = $start, p.end = $end "
               "WITH p UNWIND $ratings AS r MATCH (g:Grid {code: r.grid}) "
               "MERGE (g)-[rated:RATED]->(p) SET rated.stars = r.stars, rated.score = r.score, rated.at = datetime() "
               "WITH g WHERE NOT EXISTS { MATCH (g)-[:RATED]->(later:Period) WHERE later.start > $start } "
               "SET g.starRating = [(g)-[x:RATED]->(:Period {code: $code}) | x.stars][0]",
               {"code": cards[0].period if cards else period, "start": cards[0].period_start if cards else None,
                "end": cards[0].period_end if cards else None, "ratings": ratings})

    if ratings:
        ctx.write(work)
    return cards
