"""Reminders in GraphQL: the notifications of the cases in the caller's scope, and marking them read."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from api.auth import CAN_READ_NOTIFICATIONS
from api.compile.compiler import Compiler
from api.context import CountingTransaction
from api.errors import BadInput
from api.resolvers.common import answer, context, listing
from queries.library import scope_prefix
from schema.graphql.connection import Connection
from schema.graphql.nodes import Notification

MAX_MARKED = 1000


def notifications(info: Info, unread_only: bool = True, grid_code: str | None = None, first: int | None = None,
                  after: str | None = None) -> Connection[Notification]:
    """Reminders about cases in the caller's scope (optionally one grid's subtree), newest first."""
    context(info).caller.require(CAN_READ_NOTIFICATIONS, "read notifications")

    def unread(_: Compiler, var: str) -> list[str]:
        return [f"{var}.readAt IS NULL"] if unread_only else []

    return answer(info, listing("Notification", "Notification", grid_code, extra=unread,
                                order=lambda v: f"{v}.at DESC, {v}.id"))


def mark_read(info: Info, ids: list[str]) -> int:
    """Mark notifications read (those in the caller's scope; others are not touched); how many were marked."""
    context(info).caller.require(CAN_READ_NOTIFICATIONS, "mark notifications read")
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_MARKED:
        raise BadInput(f"ids: at most {MAX_MARKED} at a time")
    ctx = context(info)
    params: dict[str, Any] = {"ids": ids, "by": ctx.caller.name,
                              "scopePath": scope_prefix(ctx.caller.scope_path or "/")}

    def work(tx: CountingTransaction) -> int:
        rows = tx.run("UNWIND $ids AS id MATCH (n:Notification {id: id}) "
                      "WHERE n.gridPath STARTS WITH $scopePath AND n.readAt IS NULL "
                      "SET n.readAt = datetime(), n.readBy = $by RETURN count(n) AS marked", params)
        return int(rows[0]["marked"]) if rows else 0

    return ctx.write(work)
