"""Schema migrations are recorded, idempotent, and create what the queries rely on."""

from __future__ import annotations

from graph.database import Database
from graph.migrations import MIGRATIONS, applied_versions, migrate


def _schema(db: Database) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    constraints = db.read("SHOW CONSTRAINTS YIELD name, type RETURN name, type ORDER BY name")
    indexes = db.read("SHOW INDEXES YIELD name, type RETURN name, type ORDER BY name")
    return ([(r["name"], r["type"]) for r in constraints], [(r["name"], r["type"]) for r in indexes])


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
