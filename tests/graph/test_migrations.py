"""Schema migrations are recorded, idempotent, and create what the queries rely on."""

from __future__ import annotations

import pytest

from graph.database import Database
from graph.migrations import (
    MIGRATIONS,
    MigrationNeedsKey,
    applied_versions,
    create_statement,
    created_by_migrations,
    described_by_model,
    migrate,
    pending,
)
from graph.pii_key import sensitive_data
from graph.settings import Settings


def _schema(db: Database) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    constraints = db.read("SHOW CONSTRAINTS YIELD name, type RETURN name, type ORDER BY name")
    indexes = db.read("SHOW INDEXES YIELD name, type RETURN name, type ORDER BY name")
    return ([(r["name"], r["type"]) for r in constraints], [(r["name"], r["type"]) for r in indexes])


def test_the_migrations_create_what_the_model_describes() -> None:
    """No database: the released migrations (unchanged since they ran) create exactly the model's constraints and
    indexes, so a new one is needed only for what the model adds (see ``pending``)."""
    assert created_by_migrations() == described_by_model()
    assert len(described_by_model()) >= 35
    assert pending() == []


def test_statements_derived_from_the_model_are_those_the_migrations_ran() -> None:
    ran = {statement for migration in MIGRATIONS for statement in migration.statements}
    derived = {create_statement(obj) for obj in described_by_model() if obj.kind != "fulltext"}
    assert derived <= ran


def test_an_indexed_property_added_to_the_model_is_pending(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from schema.model import NODE_TYPES, Index, IndexKind, Property

    visit = NODE_TYPES["Visit"]
    monkeypatch.setitem(NODE_TYPES, "Visit", replace(
        visit, fields=(*visit.fields, Property("mood", indexed=True)), indexes=(Index(("note",), IndexKind.TEXT),)))
    assert pending() == ["CREATE INDEX visit_mood IF NOT EXISTS FOR (n:Visit) ON (n.mood)",
                         "CREATE TEXT INDEX visit_note_text IF NOT EXISTS FOR (n:Visit) ON (n.note)"]


def test_all_migrations_recorded(db: Database) -> None:
    assert applied_versions(db) == {m.version for m in MIGRATIONS}


def test_migrate_twice_changes_nothing(db: Database) -> None:
    before = _schema(db)
    assert migrate(db) == []
    assert _schema(db) == before
    assert db.read("MATCH (m:SchemaMigration) RETURN count(m) AS n")[0]["n"] == len(MIGRATIONS)


def test_dropped_schema_is_restored_when_record_is_missing(db: Database) -> None:
    db.run_schema("DROP INDEX case_category IF EXISTS")
    db.write("MATCH (m:SchemaMigration {version: 2}) DELETE m")
    assert [m.version for m in migrate(db)] == [2]
    names = [name for name, _ in _schema(db)[1]]
    assert "case_category" in names


def test_every_node_key_has_a_uniqueness_constraint(db: Database) -> None:
    from schema.model import NODE_TYPES

    rows = db.read(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type WHERE type = 'UNIQUENESS' "
        "RETURN labelsOrTypes[0] AS label, properties[0] AS key"
    )
    constrained = {(r["label"], r["key"]) for r in rows}
    for node_type in NODE_TYPES.values():
        assert (node_type.label, node_type.key) in constrained


def test_case_text_index_uses_cjk_analyzer(db: Database) -> None:
    rows = db.read("SHOW FULLTEXT INDEXES YIELD name, options WHERE name = 'case_text' RETURN options")
    assert rows[0]["options"]["indexConfig"]["fulltext.analyzer"] == "cjk"
    db.write("CREATE (:Case {code: 'D1', title: '邻里宅基地纠纷', description: '两户因宅基地边界发生争执'})")
    hits = db.read("CALL db.index.fulltext.queryNodes('case_text', $q) YIELD node RETURN node.code AS code",
                   {"q": "宅基地"})
    assert hits == [{"code": "D1"}]



def test_migration_4_gives_persons_keyed_by_their_id_hash_an_opaque_key(db: Database, settings: Settings) -> None:
    sensitive = sensitive_data(settings)
    hashes = [sensitive.hash("id", f"3707811988010212{n:02d}") for n in range(3)]
    db.write("UNWIND $hashes AS h CREATE (:Person {key: 'id:' + h, idHash: h})", {"hashes": hashes})
    db.write("CREATE (:Person {key: 'nid:abc'}), (:AuditEntry {id: 'a1', target: 'id:' + $h})", {"h": hashes[0]})
    db.write("MATCH (m:SchemaMigration {version: 4}) DELETE m")
    with pytest.raises(MigrationNeedsKey, match="gridgraph migrate"):
        migrate(db)
    assert 4 not in applied_versions(db)
    assert [m.version for m in migrate(db, keys=lambda: sensitive)] == [4]
    keys = {r["hash"]: r["key"] for r in db.read("MATCH (p:Person) RETURN p.key AS key, p.idHash AS hash")}
    assert keys.pop(None) == "nid:abc"
    # Deterministic (a re-import of the same ID number finds the same key), and nothing of the hash in it.
    assert keys == {h: sensitive.person_key(h) for h in hashes}
    assert all(k.startswith("pid:") and h not in k for h, k in keys.items())
    assert db.read("MATCH (a:AuditEntry) RETURN a.target AS t") == [{"t": keys[hashes[0]]}]
