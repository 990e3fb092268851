"""The audit trail keeps every entry, newest first, filterable by actor and action."""

from __future__ import annotations

from graph.audit import AuditEntry, recent, record
from graph.database import Database


def test_entries_are_appended_and_listed_newest_first(db: Database) -> None:
    first = record(db, AuditEntry("wang", "townAdmin", "reveal.idNumber", "id:1", reason="低保复核"))
    second = record(db, AuditEntry("li", "analyst", "cypher.adhoc", "MATCH (n) RETURN n"))
    rows = recent(db)
    assert [r["id"] for r in rows] == [second, first]
    assert rows[1]["reason"] == "低保复核"
    assert [r["id"] for r in recent(db, actor="wang")] == [first]
    assert [r["id"] for r in recent(db, action="cypher.adhoc")] == [second]
