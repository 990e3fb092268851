"""One vocabulary: what the loaders map to, the GraphQL enums and the named queries' constants agree on it."""

from __future__ import annotations

from enum import StrEnum

import pytest

from api.schema import build_schema
from loaders.values import satisfaction
from queries.library import CONSTANTS
from schema.deadlines import URGENCY_ZH, Urgency
from schema.vocabulary import (
    CASE_STATUS_ZH,
    GRID_KIND_ZH,
    MEDIATION_OUTCOME_ZH,
    NO_RATING_ZH,
    OPEN_STATUSES,
    PERSON_TAG_ZH,
    SATISFACTION_ZH,
    SATISFIED,
    VULNERABLE_TAGS,
    CaseStatus,
    GridKind,
    MediationOutcome,
    PersonTag,
    Satisfaction,
)

ENUMS: list[type[StrEnum]] = [CaseStatus, GridKind, MediationOutcome, PersonTag, Satisfaction, Urgency]


def test_every_word_the_loaders_map_lands_on_a_value_of_the_vocabulary() -> None:
    assert set(CASE_STATUS_ZH.values()) <= {s.value for s in CaseStatus}
    for table, enum in ((GRID_KIND_ZH, GridKind), (MEDIATION_OUTCOME_ZH, MediationOutcome),
                        (PERSON_TAG_ZH, PersonTag), (SATISFACTION_ZH, Satisfaction), (URGENCY_ZH, Urgency)):
        assert all(isinstance(value, enum) for value in table.values()), enum


@pytest.mark.parametrize(("written", "stored"), [
    ("非常满意", "verySatisfied"), ("满意", "satisfied"), ("基本满意", "basicallySatisfied"),
    ("不满意", "dissatisfied"), ("未评价", None), ("未回访", None), ("", None),
])
def test_satisfaction_as_written_is_stored_as_the_vocabulary_value(written: str, stored: str | None) -> None:
    assert satisfaction(written) == stored
    assert not NO_RATING_ZH & set(SATISFACTION_ZH)


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_graphql_enums_are_the_vocabulary(enum: type[StrEnum]) -> None:
    graphql = build_schema()._schema.type_map[enum.__name__]
    assert {value.value for value in graphql.values.values()} == set(enum)  # type: ignore[attr-defined]


def test_named_query_constants_come_from_the_vocabulary() -> None:
    assert CONSTANTS["openStatuses"] == sorted(OPEN_STATUSES)
    assert set(CONSTANTS["satisfiedValues"]) == {s.value for s in SATISFIED}
    assert Satisfaction.DISSATISFIED not in CONSTANTS["satisfiedValues"]
    assert set(CONSTANTS["vulnerableTags"]) == {t.value for t in VULNERABLE_TAGS}
