"""Token lifecycle in the API: administrators revoke tokens (``revokeToken``)."""

from __future__ import annotations

from strawberry.types import Info

from api.auth import CAN_READ_AUDIT
from api.errors import BadInput, NotFound
from api.resolvers.common import context
from graph.audit import AuditEntry, record
from graph.tokens import revoke
from schema.graphql.answers import RevokedToken


def revoke_token(info: Info, id: str, reason: str) -> list[RevokedToken]:
    """Revoke the token with this id (from `gridgraph token list`); every API process refuses it within
    GRIDGRAPH_TOKEN_REFRESH seconds. Recorded in the audit trail."""
    ctx = context(info)
    ctx.caller.require(CAN_READ_AUDIT, "revoke tokens")
    try:
        revoked = ctx.run(lambda: revoke(ctx.db, id))
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    if not revoked:
        raise NotFound(f"no token with id {id!r}: see `gridgraph token list`")
    ctx.run(lambda: record(ctx.db, AuditEntry(ctx.caller.name, ctx.caller.role.value, "token.revoke", id,
                                             reason.strip(), ",".join(r["id"] for r in revoked))))
    return [RevokedToken(id=r["id"], name=r["name"], role=r["role"]) for r in revoked]
