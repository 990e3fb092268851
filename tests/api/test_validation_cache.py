"""A query text is validated once: the limits' rules are the same classes every request, so the cache hits."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest
import strawberry.schema.schema as strawberry_schema
from graphql.validation import validate as real_validate

from api.auth import Caller, Role
from api.schema import MAX_DEPTH, build_schema


def counting_validate(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []

    def validate(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate", validate)
    return calls


def test_a_repeated_query_is_validated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting_validate(monkeypatch)
    schema = build_schema()
    context = SimpleNamespace(caller=Caller(name="t", role=Role.ANALYST))
    query = f"{{ a{uuid.uuid4().hex}: me {{ name role }} }}"  # a text no other test has validated
    for _ in range(3):
        result = schema.execute_sync(query, context_value=context)
        assert result.errors is None
        assert result.data is not None
    assert len(calls) == 1


def test_the_limits_still_hold_when_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    schema = build_schema()
    context = SimpleNamespace(caller=Caller(name="t", role=Role.ANALYST))
    nested = "{ grid(code: \"x\") { " + "parent { " * MAX_DEPTH + "code" + " }" * MAX_DEPTH + " } }"
    aliases = "{ " + " ".join(f"b{i}: me {{ name }}" for i in range(40)) + " }"
    for query in (nested, aliases):
        for _ in range(2):  # the second answer comes from the cache and must refuse as well
            result = schema.execute_sync(query, context_value=context)
            assert result.errors, query
            assert result.data is None
