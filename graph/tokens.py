"""Issued API tokens as the graph keeps them: ``(:ApiToken {tokenHash, name, role, scope, createdAt, revoked,
revokedAt, lastUsedAt})``. Only the token's hash is stored; a token is named in lists and commands by the first
characters of that hash (its id)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.database import Database

ID_LENGTH = 12  # characters of the hash shown as a token's id
MIN_ID_LENGTH = 8


def list_tokens(db: Database) -> list[dict[str, Any]]:
    """Every stored token, newest first, with its id, holder, role, scope, dates and whether it is revoked."""
    return db.read(
        "MATCH (t:ApiToken) RETURN substring(t.tokenHash, 0, $n) AS id, t.name AS name, t.role AS role, "
        "t.scope AS scope, t.createdAt AS createdAt, t.lastUsedAt AS lastUsedAt, "
        "coalesce(t.revoked, false) AS revoked, t.revokedAt AS revokedAt ORDER BY t.createdAt DESC", {"n": ID_LENGTH})


def revoke(db: Database, token_id: str) -> list[dict[str, Any]]:
    """Revoke the token whose id (hash prefix, at least MIN_ID_LENGTH characters) is ``token_id``; returns the
    tokens revoked (none when no token has that id; ValueError when the id is too short)."""
    prefix = token_id.strip().lower()
    if len(prefix) < MIN_ID_LENGTH or any(c not in "0123456789abcdef" for c in prefix):
        raise ValueError(f"a token id is {MIN_ID_LENGTH} or more hex characters as `gridgraph token list` shows "
                         f"them; got {token_id!r}")
    return db.write(
        "MATCH (t:ApiToken) WHERE t.tokenHash STARTS WITH $prefix "
        "SET t.revoked = true, t.revokedAt = coalesce(t.revokedAt, datetime()) "
        "RETURN substring(t.tokenHash, 0, $n) AS id, t.name AS name, t.role AS role",
        {"prefix": prefix, "n": ID_LENGTH})


def revoked_hashes(db: Database) -> frozenset[str]:
    """The hashes of every revoked token (a small set, read every few seconds by each API process)."""
    rows = db.read("MATCH (t:ApiToken) WHERE t.revoked = true RETURN t.tokenHash AS hash")
    return frozenset(str(r["hash"]) for r in rows)


def record_use(db: Database, last_used: Mapping[str, float]) -> None:
    """Store when each token (by hash) was last used (epoch seconds), in one write for many tokens."""
    if not last_used:
        return
    db.write(
        "UNWIND $uses AS use MATCH (t:ApiToken {tokenHash: use.hash}) "
        "WITH t, datetime({epochMillis: use.ms}) AS at WHERE t.lastUsedAt IS NULL OR t.lastUsedAt < at "
        "SET t.lastUsedAt = at",
        {"uses": [{"hash": h, "ms": int(at * 1000)} for h, at in last_used.items()]})
