"""Versioned schema migrations: constraints, indexes and the full-text index, recorded in the graph.

The constraints and indexes the graph needs are described by the model (:mod:`schema.model`: each node type's
key, indexed properties and indexes); :func:`pending` turns what no migration creates yet into the statements of
the next migration. Migrations already released stay exactly as they ran (a test checks that together they create
what the model describes, no more and no less).

Each migration is a list of idempotent statements (``IF NOT EXISTS``). Applied migrations are recorded as
``(:SchemaMigration {version, description, appliedAt})``; ``migrate`` applies those not yet recorded, so
running it twice changes nothing. Schema statements run one per auto-commit transaction (Neo4j does not mix
schema and data writes in one transaction); the record is written after all of a migration's statements
succeed, so an interrupted migration is simply applied again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, LiteralString

from graph.database import Database
from graph.errors import GraphError
from schema.model import NODE_TYPES, IndexKind, SchemaObject

if TYPE_CHECKING:
    from schema.sensitive import SensitiveData

Keys = Callable[[], "SensitiveData"]
REKEY_BATCH = 10_000


class MigrationNeedsKey(GraphError):
    """A data migration needs the PII key, which the caller did not give (run ``gridgraph migrate``)."""


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[LiteralString, ...]
    data: Callable[[Database, Keys | None], None] | None = None  # a data step after the statements


def _rekey_persons(db: Database, keys: Keys | None) -> None:
    """Give every person keyed ``id:<idHash>`` their opaque key (``SensitiveData.person_key``), in batches, and
    point audit entries that name the old key at the new one. Needs the PII key only when such persons exist."""
    from schema.sensitive import LEGACY_PERSON_KEY_PREFIX

    def legacy() -> list[dict[str, str]]:
        return db.read("MATCH (p:Person) WHERE p.key STARTS WITH $prefix "
                       "RETURN p.key AS key, coalesce(p.idHash, substring(p.key, size($prefix))) AS hash LIMIT $n",
                       {"prefix": LEGACY_PERSON_KEY_PREFIX, "n": REKEY_BATCH})

    rows = legacy()
    if rows and keys is None:
        raise MigrationNeedsKey("migration 4 re-keys persons and needs the PII key: run `gridgraph migrate` "
                                "(with GRIDGRAPH_PII_KEY or var/pii.key of this deployment)")
    sensitive = keys() if rows and keys is not None else None
    while rows and sensitive is not None:
        pairs = [{"old": r["key"], "new": sensitive.person_key(r["hash"])} for r in rows]
        db.write("UNWIND $pairs AS pair MATCH (p:Person {key: pair.old}) SET p.key = pair.new", {"pairs": pairs})
        db.write("MATCH (a:AuditEntry) WHERE a.target IN $old WITH a, $map[a.target] AS new SET a.target = new",
                 {"old": [p["old"] for p in pairs], "map": {p["old"]: p["new"] for p in pairs}})
        rows = legacy()


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "uniqueness constraints for every key of the model", (
        "CREATE CONSTRAINT schema_migration_version IF NOT EXISTS "
        "FOR (m:SchemaMigration) REQUIRE m.version IS UNIQUE",
        "CREATE CONSTRAINT region_code IF NOT EXISTS FOR (n:Region) REQUIRE n.code IS UNIQUE",
        "CREATE CONSTRAINT grid_code IF NOT EXISTS FOR (n:Grid) REQUIRE n.code IS UNIQUE",
        "CREATE CONSTRAINT unit_code IF NOT EXISTS FOR (n:Unit) REQUIRE n.code IS UNIQUE",
        "CREATE CONSTRAINT household_code IF NOT EXISTS FOR (n:Household) REQUIRE n.code IS UNIQUE",
        "CREATE CONSTRAINT person_key IF NOT EXISTS FOR (n:Person) REQUIRE n.key IS UNIQUE",
        "CREATE CONSTRAINT party_org_code IF NOT EXISTS FOR (n:PartyOrg) REQUIRE n.code IS UNIQUE",
        "CREATE CONSTRAINT organization_code IF NOT EXISTS FOR (n:Organization) REQUIRE n.code IS UNIQUE",
        "CREATE CONSTRAINT case_code IF NOT EXISTS FOR (n:Case) REQUIRE n.code IS UNIQUE",
        "CREATE CONSTRAINT case_event_id IF NOT EXISTS FOR (n:CaseEvent) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT audit_entry_id IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT api_token_hash IF NOT EXISTS FOR (n:ApiToken) REQUIRE n.tokenHash IS UNIQUE",
    )),
    Migration(2, "indexes for the lookups and scoping the queries use", (
        "CREATE INDEX person_id_hash IF NOT EXISTS FOR (n:Person) ON (n.idHash)",
        "CREATE INDEX person_phone_hash IF NOT EXISTS FOR (n:Person) ON (n.phoneHash)",
        "CREATE INDEX person_name IF NOT EXISTS FOR (n:Person) ON (n.name)",
        "CREATE INDEX party_member_birth IF NOT EXISTS FOR (n:PartyMember) ON (n.birthDate)",
        "CREATE INDEX grid_path IF NOT EXISTS FOR (n:Grid) ON (n.path)",
        "CREATE INDEX grid_level IF NOT EXISTS FOR (n:Grid) ON (n.level)",
        "CREATE INDEX unit_grid_path IF NOT EXISTS FOR (n:Unit) ON (n.gridPath)",
        "CREATE INDEX household_grid_path IF NOT EXISTS FOR (n:Household) ON (n.gridPath)",
        "CREATE INDEX household_village_number IF NOT EXISTS FOR (n:Household) ON (n.villageCode, n.number)",
        "CREATE INDEX organization_grid_path IF NOT EXISTS FOR (n:Organization) ON (n.gridPath)",
        "CREATE INDEX case_grid_path IF NOT EXISTS FOR (n:Case) ON (n.gridPath)",
        "CREATE INDEX case_kind_status IF NOT EXISTS FOR (n:Case) ON (n.kind, n.status)",
        "CREATE INDEX case_category IF NOT EXISTS FOR (n:Case) ON (n.category)",
        "CREATE INDEX case_deadline IF NOT EXISTS FOR (n:Case) ON (n.deadline)",
        "CREATE INDEX case_status IF NOT EXISTS FOR (n:Case) ON (n.status)",
        "CREATE INDEX audit_entry_at IF NOT EXISTS FOR (n:AuditEntry) ON (n.at)",
        "CREATE INDEX audit_entry_actor IF NOT EXISTS FOR (n:AuditEntry) ON (n.actor)",
    )),
    Migration(3, "full-text index (cjk analyzer) over case titles and descriptions", (
        "CREATE FULLTEXT INDEX case_text IF NOT EXISTS FOR (c:Case) ON EACH [c.title, c.description] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}",
    )),
    Migration(4, "opaque person keys: persons keyed by their ID hash get a key unrelated to it", (),
              data=_rekey_persons),
    Migration(5, "indexes for finding what users hold: person names by what they contain, places by name", (
        "CREATE TEXT INDEX person_name_text IF NOT EXISTS FOR (n:Person) ON (n.name)",
        "CREATE INDEX grid_name IF NOT EXISTS FOR (n:Grid) ON (n.name)",
        "CREATE INDEX region_name IF NOT EXISTS FOR (n:Region) ON (n.name)",
    )),
    Migration(9, "no rating is no value ('unrated' removed); notifications and assessment periods keyed", (
        "MATCH (c:Case {satisfaction: 'unrated'}) REMOVE c.satisfaction",
        "CREATE CONSTRAINT notification_id IF NOT EXISTS FOR (n:Notification) REQUIRE n.id IS UNIQUE",
        "CREATE INDEX notification_grid_path IF NOT EXISTS FOR (n:Notification) ON (n.gridPath)",
        "CREATE CONSTRAINT period_code IF NOT EXISTS FOR (n:Period) REQUIRE n.code IS UNIQUE",
    )),
    Migration(10, "visits (走访) keyed by id, found by household grid and date", (
        "CREATE CONSTRAINT visit_id IF NOT EXISTS FOR (n:Visit) REQUIRE n.id IS UNIQUE",
        "CREATE INDEX visit_grid_path IF NOT EXISTS FOR (n:Visit) ON (n.gridPath)",
        "CREATE INDEX visit_at IF NOT EXISTS FOR (n:Visit) ON (n.at)",
    )),
)


# What a migration's CREATE statement makes: constraint or index kind, name, label and properties.
_CONSTRAINT = re.compile(r"CREATE CONSTRAINT (\w+) IF NOT EXISTS FOR \(\w+:(\w+)\) REQUIRE \w+\.(\w+) IS UNIQUE")
_INDEX = re.compile(r"CREATE (TEXT |FULLTEXT )?INDEX (\w+) IF NOT EXISTS FOR \(\w+:(\w+)\) ON (?:EACH )?[(\[]([^)\]]*)")
BOOKKEEPING = frozenset({"schema_migration_version"})  # the migrations' own record, not part of the model


def created_by_migrations() -> set[SchemaObject]:
    """The constraints and indexes the migrations create (other than their own bookkeeping)."""
    created: set[SchemaObject] = set()
    for migration in MIGRATIONS:
        for statement in migration.statements:
            if (constraint := _CONSTRAINT.match(statement)) is not None:
                name, label, key = constraint.groups()
                created.add(SchemaObject("constraint", name, label, (key,)))
            elif (index := _INDEX.match(statement)) is not None:
                kind, name, label, properties = index.groups()
                created.add(SchemaObject((kind or "range").strip().lower(), name, label,
                                         tuple(re.findall(r"\w+\.(\w+)", properties))))
    return {obj for obj in created if obj.name not in BOOKKEEPING}


def described_by_model() -> set[SchemaObject]:
    """The constraints and indexes :mod:`schema.model` describes."""
    return {obj for node_type in NODE_TYPES.values() for obj in node_type.schema_objects()}


def create_statement(obj: SchemaObject) -> str:
    """The idempotent ``CREATE`` statement of a constraint or index (full-text: the cjk analyzer)."""
    if obj.kind == "constraint":
        return (f"CREATE CONSTRAINT {obj.name} IF NOT EXISTS FOR (n:{obj.label}) "
                f"REQUIRE n.{obj.properties[0]} IS UNIQUE")
    on = ", ".join(f"n.{name}" for name in obj.properties)
    if obj.kind == IndexKind.FULLTEXT:
        return (f"CREATE FULLTEXT INDEX {obj.name} IF NOT EXISTS FOR (n:{obj.label}) ON EACH [{on}] "
                "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}")
    prefix = "TEXT " if obj.kind == IndexKind.TEXT else ""
    return f"CREATE {prefix}INDEX {obj.name} IF NOT EXISTS FOR (n:{obj.label}) ON ({on})"


def pending() -> list[str]:
    """The statements of a migration still to write: what the model describes and no migration creates."""
    missing = described_by_model() - created_by_migrations()
    return [create_statement(obj) for obj in sorted(missing, key=lambda o: (o.label, o.name))]


def applied_versions(db: Database) -> set[int]:
    """Versions recorded as applied in the database."""
    rows = db.read("MATCH (m:SchemaMigration) RETURN m.version AS version")
    return {int(row["version"]) for row in rows}


def migrate(db: Database, wait_seconds: float = 300.0, keys: Keys | None = None) -> list[Migration]:
    """Apply the migrations not yet recorded, in version order; return those applied now. ``keys`` gives the PII
    keys for data migrations that need them (made only when needed); without it such a migration raises
    :class:`MigrationNeedsKey` when it has data to change."""
    done = applied_versions(db)
    applied: list[Migration] = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        for statement in migration.statements:
            db.run_schema(statement)
        if migration.data is not None:
            migration.data(db, keys)
        db.write(
            "MERGE (m:SchemaMigration {version: $version}) "
            "ON CREATE SET m.description = $description, m.appliedAt = datetime()",
            {"version": migration.version, "description": migration.description},
        )
        applied.append(migration)
    if applied:
        # Queries planned right after would not use indexes still being populated.
        db.write("CALL db.awaitIndexes($seconds)", {"seconds": int(wait_seconds)})
    return applied
