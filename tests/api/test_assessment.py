"""Grid scorecards, rankings and star ratings, checked against values computed from the fixture town."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from api.auth import Role
from graph.database import Database
from schema.scorecard import ScorecardError, period_bounds, rules
from tests.api.conftest import Api
from tests.fixtures.town import Town
from tests.queries import expected

COUNTS = ("households contactedHouseholds cases overdueCases closedCases closedInTime ratedCases satisfiedCases "
          "closedAtGridOrVillage")
FIELDS = f"gridCode level period {COUNTS} contactCoverage onTime satisfaction score stars"


def score_of(card: dict[str, Any]) -> float | None:
    """The weighted mean of the measures with data, with the shipped weights (computed here, not by the code)."""
    weights = rules().weights
    shares = {
        "contactCoverage": card["contactedHouseholds"] / card["households"] if card["households"] else None,
        "onTime": 1 - card["overdueCases"] / card["cases"] if card["cases"] else None,
        "closedInTime": card["closedInTime"] / card["closedCases"] if card["closedCases"] else None,
        "satisfaction": card["satisfiedCases"] / card["ratedCases"] if card["ratedCases"] else None,
        "resolvedLow": card["closedAtGridOrVillage"] / card["closedCases"] if card["closedCases"] else None,
    }
    present = {k: v for k, v in shares.items() if v is not None}
    if not present:
        return None
    return round(100 * sum(weights[k] * v for k, v in present.items()) / sum(weights[k] for k in present), 1)


@pytest.mark.parametrize("period", ["2026", "2026-11", "2026-Q2"])
def test_ranking_counts_and_scores_match_the_town(town_db: Database, town: Town, api: Api, period: str) -> None:
    start, end = period_bounds(period)
    ranking = api.data(f'{{ gridRanking(period: "{period}", level: 2) {{ {FIELDS} }} }}')["gridRanking"]
    wanted = expected.grid_scorecard(town, start, end, datetime.now(UTC), 2)
    assert {card["gridCode"] for card in ranking} == set(wanted)
    for card in ranking:
        assert {k: card[k] for k in COUNTS.split()} == wanted[card["gridCode"]], card["gridCode"]
        assert card["score"] == pytest.approx(score_of(card), abs=0.05)
        assert card["stars"] == (rules().stars_for(card["score"]) if card["score"] is not None else None)
    scores = [c["score"] for c in ranking if c["score"] is not None]
    assert scores == sorted(scores, reverse=True)
    if period == "2026":
        assert any(c["cases"] for c in ranking) and len({c["score"] for c in ranking}) > 1


def test_a_scorecard_is_scoped_and_periods_are_checked(town_db: Database, api: Api) -> None:
    one = api.data('{ gridScorecard(gridCode: "A1-V1", period: "2026") { gridCode households } }')
    assert one["gridScorecard"]["gridCode"] == "A1-V1" and one["gridScorecard"]["households"] > 0
    beside = api.token(Role.GRID_STAFF, "A2", "/A2/")
    assert api.data('{ gridScorecard(gridCode: "A1-V1", period: "2026") { gridCode } }',
                    token=beside) == {"gridScorecard": None}
    assert {c["gridCode"] for c in api.data('{ gridRanking(period: "2026") { gridCode } }', token=beside)[
        "gridRanking"]} <= {"A2-V3"}
    bad = api.post('{ gridRanking(period: "2026-13") { gridCode } }')["errors"][0]
    assert bad["extensions"]["code"] == "BAD_USER_INPUT" and "2026-Q4" in bad["message"]


def test_rating_keeps_history_and_sets_the_latest_stars(town_db: Database, api: Api) -> None:
    refused = api.post('mutation { rateGrids(period: "2026-Q3") { gridCode } }', role=Role.PARTY_OFFICER)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    q3 = {c["gridCode"]: c["stars"] for c in api.data('mutation { rateGrids(period: "2026-Q3") { gridCode stars } }')[
        "rateGrids"]}
    q4 = {c["gridCode"]: c["stars"] for c in api.data('mutation { rateGrids(period: "2026-Q4") { gridCode stars } }')[
        "rateGrids"]}
    api.data('mutation { rateGrids(period: "2026-Q3") { gridCode } }')  # re-rating an earlier period
    grids = api.data('{ grids(first: 50, filter: {level: 2}) { nodes { code starRating ratings { period stars } } } }')
    for grid in grids["grids"]["nodes"]:
        code = grid["code"]
        assert [r["period"] for r in grid["ratings"]] == [p for p, s in (("2026-Q4", q4), ("2026-Q3", q3))
                                                          if s.get(code) is not None]
        assert grid["starRating"] == (q4.get(code) if q4.get(code) is not None else q3.get(code))
    assert town_db.read("MATCH (:Grid)-[r:RATED]->(:Period {code: '2026-Q3'}) RETURN count(r) AS n")[0]["n"] == \
        sum(1 for s in q3.values() if s is not None)


@pytest.mark.parametrize(("text", "message"), [
    ("[weights]\ncontactCoverage = 1\n", "exactly"),
    ("[weights]\ncontactCoverage = 1\nonTime = 1\nclosedInTime = 1\nsatisfaction = -1\nresolvedLow = 1\n"
     "[stars]\n5 = 90\n", "≥ 0"),
    ("[weights]\ncontactCoverage = 1\nonTime = 1\nclosedInTime = 1\nsatisfaction = 1\nresolvedLow = 1\n", "stars"),
])
def test_a_bad_scorecard_file_says_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "scorecard.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScorecardError, match=message):
        rules(path)


def test_periods() -> None:
    assert [d.isoformat() for d in period_bounds("2026-q4")] == ["2026-10-01T00:00:00+08:00",
                                                                 "2027-01-01T00:00:00+08:00"]
    assert period_bounds("2026-12")[1].isoformat() == "2027-01-01T00:00:00+08:00"
    assert period_bounds("2026-H1")[1].isoformat() == "2026-07-01T00:00:00+08:00"
    for bad in ("2026-00", "26-Q1", "2026-Q5", ""):
        with pytest.raises(ScorecardError):
            period_bounds(bad)
