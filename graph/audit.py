"""The audit trail: who read sensitive data or ran ad-hoc Cypher, what, when and why.

Entries are ``(:AuditEntry {id, at, actor, role, action, target, reason, detail})`` nodes, appended and
never changed. They are written in their own transaction *before* the audited data is handed out, so a
reveal that cannot be recorded does not happen.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.database import Database
from schema.freetext import mask_numbers


@dataclass(frozen=True)
class AuditEntry:
    actor: str          # who: user name, token name or OS user
    role: str           # the role they acted in
    action: str         # e.g. 'reveal.idNumber', 'cypher.adhoc', 'query.named'
    target: str         # what: a person key, a query name, the first characters of a statement
    reason: str = ""    # why, as the person gave it
    detail: str = ""    # anything else worth keeping (parameters with sensitive values masked)


WRITE = ("CREATE (a:AuditEntry {id: $id, at: datetime(), actor: $actor, role: $role, action: $action, "
         "target: $target, reason: $reason, detail: $detail})")


def parameters(entry: AuditEntry) -> dict[str, str]:
    """What :data:`WRITE` stores of ``entry``, with a new id. ID and phone numbers typed into its text (a reason,
    a statement, a key) are masked: the trail is read by people."""
    return {"id": str(uuid.uuid4()), "actor": mask_numbers(entry.actor), "role": entry.role, "action": entry.action,
            "target": mask_numbers(entry.target), "reason": mask_numbers(entry.reason),
            "detail": mask_numbers(entry.detail)}


def record(db: Database, entry: AuditEntry) -> str:
    """Append ``entry`` to the trail in its own transaction and return its id (for a write that must be audited
    in the same transaction, run :data:`WRITE` with :func:`parameters` there)."""
    values = parameters(entry)
    db.write(WRITE, values)
    return values["id"]


def recent(db: Database, limit: int = 100, actor: str | None = None, action: str | None = None,
           since: datetime | None = None) -> list[dict[str, Any]]:
    """The newest entries first, optionally for one actor, one action, or after a time."""
    return db.read(
        "MATCH (a:AuditEntry) "
        "WHERE ($actor IS NULL OR a.actor = $actor) AND ($action IS NULL OR a.action = $action) "
        "AND ($since IS NULL OR a.at >= $since) "
        "RETURN a.id AS id, a.at AS at, a.actor AS actor, a.role AS role, a.action AS action, "
        "a.target AS target, a.reason AS reason, a.detail AS detail ORDER BY a.at DESC LIMIT $limit",
        {"actor": actor, "action": action, "since": since, "limit": limit},
    )
