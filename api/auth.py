"""Who is calling: bearer tokens (JWT, HS256), roles and the grid subtree a caller may see.

A token carries the caller's name (``sub``), ``role``, the grid code of their ``scope`` and that grid's
``scopePath`` (see ``Grid.path`` in :mod:`schema.model`), so that checking a request needs no database:
unauthenticated requests never reach Neo4j. Scoping is applied inside each query's ``WHERE`` as
``gridPath STARTS WITH $scopePath``.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Protocol

import jwt

from api.errors import Forbidden, Unauthenticated
from graph.secrets import read_or_create
from graph.settings import Settings

ISSUER = "gridgraph"
ALGORITHM = "HS256"


class Role(StrEnum):
    TOWN_ADMIN = "townAdmin"        # the governance centre: everything
    GRID_STAFF = "gridStaff"        # grid chiefs and members: their grid's subtree
    PARTY_OFFICER = "partyOfficer"  # party-building office: contacts and members
    ANALYST = "analyst"             # read-only, plus ad-hoc Cypher


# What each role may do beyond reading its scope.
CAN_MOVE_CASES = frozenset({Role.TOWN_ADMIN, Role.GRID_STAFF})
CAN_REPORT_CASES = frozenset({Role.TOWN_ADMIN, Role.GRID_STAFF, Role.PARTY_OFFICER})
CAN_ASSIGN_CONTACTS = frozenset({Role.TOWN_ADMIN, Role.PARTY_OFFICER})
CAN_CLAIM_WISHES = frozenset({Role.TOWN_ADMIN, Role.GRID_STAFF, Role.PARTY_OFFICER})
CAN_SEE_TAGS = frozenset({Role.TOWN_ADMIN, Role.GRID_STAFF, Role.PARTY_OFFICER})
CAN_REVEAL_ID = frozenset({Role.TOWN_ADMIN, Role.GRID_STAFF})
CAN_REVEAL_PHONE = frozenset({Role.TOWN_ADMIN, Role.GRID_STAFF, Role.PARTY_OFFICER})
CAN_READ_AUDIT = frozenset({Role.TOWN_ADMIN})
CAN_RATE_GRIDS = frozenset({Role.TOWN_ADMIN})
CAN_LOG_VISITS = frozenset({Role.TOWN_ADMIN, Role.GRID_STAFF, Role.PARTY_OFFICER})
CAN_READ_NOTIFICATIONS = frozenset({Role.TOWN_ADMIN, Role.GRID_STAFF, Role.PARTY_OFFICER})
CAN_RUN_CYPHER = frozenset({Role.ANALYST, Role.TOWN_ADMIN})


@dataclass(frozen=True)
class Caller:
    """An authenticated caller. ``scope_path`` is None when they see the whole town."""

    name: str
    role: Role
    scope: str | None = None
    scope_path: str | None = None

    @property
    def scoped(self) -> bool:
        return self.scope_path is not None

    def require(self, allowed: frozenset[Role], what: str) -> None:
        """Raise :class:`Forbidden` unless the caller's role is in ``allowed``."""
        if self.role not in allowed:
            roles = ", ".join(sorted(r.value for r in allowed))
            raise Forbidden(f"role {self.role.value} may not {what} (allowed: {roles})")


def signing_key(settings: Settings) -> str:
    """GRIDGRAPH_JWT_SECRET, or the key generated on first use in var/jwt.key."""
    if settings.jwt_secret is not None:
        return settings.jwt_secret.reveal()
    return read_or_create(settings.var_dir / "jwt.key", make=32)


def token_hash(token: str) -> str:
    """What is stored of an issued token (never the token itself)."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(key: str, name: str, role: Role, scope: str | None = None, scope_path: str | None = None,
                days: float = 90.0) -> str:
    """A signed bearer token for ``name`` acting as ``role`` within ``scope`` (a grid code), valid ``days``."""
    if role == Role.GRID_STAFF and scope_path is None:
        raise ValueError("a gridStaff token needs a scope (the grid code of the staff member's grid)")
    now = int(time.time())
    claims: dict[str, object] = {"iss": ISSUER, "sub": name, "role": role.value, "iat": now,
                                 "exp": now + int(days * 86400), "jti": uuid.uuid4().hex}
    if scope_path is not None:
        claims |= {"scope": scope, "scopePath": scope_path}
    return jwt.encode(claims, key, algorithm=ALGORITHM)


@lru_cache(maxsize=4096)
def _verified_claims(token: str, key: str) -> Mapping[str, Any]:
    """The claims of a token whose signature, issuer and required claims check out, read-only.

    Remembered per token: a client sends the same token with every request, and checking its signature again
    is most of what authenticating costs. Expiry depends on the clock, so :func:`authenticate` checks it on
    every request. A token that fails is not remembered (the exception leaves nothing in the cache).
    """
    claims = jwt.decode(token, key, algorithms=[ALGORITHM], issuer=ISSUER,
                        options={"require": ["exp", "sub", "iss"], "verify_exp": False})
    return MappingProxyType(claims)


class Revoked(Protocol):
    def revoked(self, hashed: str) -> bool: ...

    def used(self, hashed: str) -> None: ...


# Claims whose type is checked: a signed token with ``"exp": "9999999999"`` is still not a valid token.
CLAIM_TYPES: dict[str, type | tuple[type, ...]] = {"exp": int, "iat": int, "sub": str, "role": str, "scope": str,
                                                   "scopePath": str, "jti": str}


def _typed(claims: Mapping[str, Any]) -> bool:
    return all(name not in claims or (isinstance(claims[name], kind) and not isinstance(claims[name], bool))
               for name, kind in CLAIM_TYPES.items())


def authenticate(authorization: str | None, key: str, revocations: Revoked | None = None) -> Caller:
    """The caller of a request from its ``Authorization`` header; raises :class:`Unauthenticated`.

    ``revocations`` (the process's in-memory list, see :mod:`api.revocations`) refuses revoked tokens and notes
    each token's use."""
    if not authorization:
        raise Unauthenticated("missing bearer token: send 'Authorization: Bearer <token>' "
                              "(create one with `gridgraph token create`)")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
    try:
        claims = _verified_claims(token.strip(), key)
        if not _typed(claims):
            raise TypeError("a claim of the wrong type")
        expires = int(claims["exp"])
    except (jwt.InvalidTokenError, TypeError, ValueError):
        raise Unauthenticated("the token is not valid for this server") from None
    if revocations is not None:
        hashed = token_hash(token.strip())
        if revocations.revoked(hashed):
            raise Unauthenticated("the token has been revoked: ask an administrator for a new one")
        revocations.used(hashed)
    if expires <= time.time():
        raise Unauthenticated("the token has expired: create a new one with `gridgraph token create`")
    try:
        role = Role(claims.get("role", ""))
    except ValueError:
        raise Unauthenticated("the token names no known role") from None
    scope_path = claims.get("scopePath")
    if role == Role.GRID_STAFF and not scope_path:
        raise Forbidden("a gridStaff token must carry a grid scope")
    if role == Role.TOWN_ADMIN:
        scope_path = None  # the governance centre sees the whole town
    return Caller(name=str(claims["sub"]), role=role, scope=claims.get("scope"),
                  scope_path=str(scope_path) if scope_path else None)
