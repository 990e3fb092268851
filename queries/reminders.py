"""Reminders before and after a deadline: ``Notification`` nodes, written once per case, threshold and recipient.

Two thresholds: ``dueSoon`` (an open case due within ``within_hours``, by default a day) and ``overdue`` (an open
case past its deadline). Each goes to the case's current handlers (the persons and organisations it is assigned to,
or the chief of its grid while nobody is assigned) and to the level above (the chief of the parent grid). A
notification's id is ``<case>#<threshold>#<recipient>``, so running ``gridgraph remind`` every few minutes writes
each reminder once. New notifications can be pushed to a webhook (an intranet SMS or messaging gateway) as JSON,
retried with backoff; delivery happens after the write and is recorded on the node, so a failed push is retried by
the next run and never holds anything else up.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.database import Database
from schema.vocabulary import OPEN_STATUSES

# Recipients of one case: (key, name, role) for the handlers and the level above. Persons by key, organisations
# by code. Closed assignments (until set) are history and get nothing.
WRITE = """
WITH coalesce($now, datetime()) AS now
MATCH (c:Case)
WHERE c.status IN $openStatuses AND c.deadline IS NOT NULL AND c.deadline < now + duration({hours: $withinHours})
WITH c, now, CASE WHEN c.deadline < now THEN 'overdue' ELSE 'dueSoon' END AS threshold
OPTIONAL MATCH (c)-[:IN_GRID]->(g:Grid)
WITH c, now, threshold, g,
     COLLECT { MATCH (c)-[a:ASSIGNED_TO]->(x) WHERE a.until IS NULL
               RETURN {key: coalesce(x.key, x.code), name: x.name, role: 'handler'} } AS handlers,
     COLLECT { MATCH (chief:Person)-[:GRID_CHIEF_OF]->(g)
               RETURN {key: chief.key, name: chief.name, role: 'handler'} } AS gridChiefs,
     COLLECT { MATCH (g)-[:PART_OF]->(:Grid)<-[:GRID_CHIEF_OF]-(above:Person)
               RETURN {key: above.key, name: above.name, role: 'above'} } AS above
UNWIND (CASE WHEN size(handlers) > 0 THEN handlers ELSE gridChiefs END) + above AS recipient
WITH DISTINCT c, now, threshold, recipient
MERGE (n:Notification {id: c.code + '#' + threshold + '#' + recipient.key})
  ON CREATE SET n.caseCode = c.code, n.threshold = threshold, n.at = now, n.deadline = c.deadline,
                n.recipientKey = recipient.key, n.recipientName = recipient.name, n.role = recipient.role,
                n.gridPath = c.gridPath, n.title = c.title, n.delivered = false, n.created = true
  ON MATCH SET n.created = false
MERGE (n)-[:ABOUT]->(c)
WITH n WHERE n.created
REMOVE n.created
RETURN n {.id, .caseCode, .threshold, .at, .deadline, .recipientKey, .recipientName, .role, .title} AS notification
"""

UNDELIVERED = """
MATCH (n:Notification) WHERE NOT n.delivered
RETURN n {.id, .caseCode, .threshold, .at, .deadline, .recipientKey, .recipientName, .role, .title} AS notification
ORDER BY n.at, n.id LIMIT $limit
"""


@dataclass(frozen=True)
class Reminders:
    written: list[dict[str, Any]]
    delivered: int
    failed: int


def remind(db: Database, within_hours: int = 24, now: datetime | None = None) -> list[dict[str, Any]]:
    """Write the reminders now due; return the notifications written by this run."""
    rows = db.write(WRITE, {"now": now, "withinHours": within_hours, "openStatuses": sorted(OPEN_STATUSES)})
    return [row["notification"] for row in rows]


Post = Callable[[str, bytes], None]


def post_json(url: str, body: bytes, timeout: float = 10.0) -> None:
    """POST one JSON document; raises on a failed connection or a non-2xx answer."""
    request = urllib.request.Request(url, body, {"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        if not 200 <= response.status < 300:
            raise urllib.error.HTTPError(url, response.status, "not accepted", response.headers, None)


def deliver(db: Database, url: str, tries: int = 3, backoff: float = 1.0, limit: int = 1000,
            post: Post = post_json) -> tuple[int, int]:
    """Push undelivered notifications to ``url`` (one JSON array per call); (delivered, failed)."""
    pending = [row["notification"] for row in db.read(UNDELIVERED, {"limit": limit})]
    if not pending:
        return 0, 0
    body = json.dumps({"notifications": pending}, ensure_ascii=False, default=_iso).encode("utf-8")
    for attempt in range(tries):
        try:
            post(url, body)
        except (OSError, urllib.error.URLError):
            if attempt + 1 < tries:
                time.sleep(backoff * 2**attempt)
            continue
        db.write("UNWIND $ids AS id MATCH (n:Notification {id: id}) SET n.delivered = true, "
                 "n.deliveredAt = datetime()", {"ids": [n["id"] for n in pending]})
        return len(pending), 0
    return 0, len(pending)


def _iso(value: Any) -> str:
    iso = getattr(value, "iso_format", None) or getattr(value, "isoformat", None)
    return str(iso()) if iso else str(value)


def run(db: Database, webhook: str | None, within_hours: int = 24,
        now: datetime | None = None, tries: int = 3, backoff: float = 1.0) -> Reminders:
    written = remind(db, within_hours, now)
    delivered, failed = deliver(db, webhook, tries, backoff) if webhook else (0, 0)
    return Reminders(written, delivered, failed)


__all__: Sequence[str] = ("Reminders", "deliver", "remind", "run")
