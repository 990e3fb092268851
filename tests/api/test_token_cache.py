"""Bearer tokens are verified once and remembered, but expiry is still checked on every request."""

from __future__ import annotations

import time

import pytest

from api.auth import Role, authenticate, issue_token
from api.errors import Unauthenticated

KEY = "a-test-signing-key-of-enough-length-0123456789"


def test_a_remembered_token_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    token = issue_token(KEY, "short-lived", Role.ANALYST, days=1)
    assert authenticate(f"Bearer {token}", KEY).name == "short-lived"
    assert authenticate(f"Bearer {token}", KEY).name == "short-lived"  # from the cache
    later = time.time() + 2 * 86400
    monkeypatch.setattr("api.auth.time.time", lambda: later)
    with pytest.raises(Unauthenticated, match="expired"):
        authenticate(f"Bearer {token}", KEY)


def test_a_remembered_token_is_not_valid_under_another_key() -> None:
    token = issue_token(KEY, "someone", Role.TOWN_ADMIN)
    assert authenticate(f"Bearer {token}", KEY).role == Role.TOWN_ADMIN
    with pytest.raises(Unauthenticated, match="not valid"):
        authenticate(f"Bearer {token}", KEY + "-rotated")


def test_a_tampered_token_is_refused_every_time() -> None:
    token = issue_token(KEY, "someone", Role.ANALYST)
    authenticate(f"Bearer {token}", KEY)
    header, payload, signature = token.split(".")
    tampered = ".".join([header, payload, signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")])
    for _ in range(2):
        with pytest.raises(Unauthenticated, match="not valid"):
            authenticate(f"Bearer {tampered}", KEY)


def test_an_already_expired_token_is_refused() -> None:
    token = issue_token(KEY, "old", Role.ANALYST, days=-1)
    with pytest.raises(Unauthenticated, match="expired"):
        authenticate(f"Bearer {token}", KEY)
