"""Versioned schema migrations: constraints, indexes and the full-text index, recorded in the graph.

Each migration is a list of idempotent statements (``IF NOT EXISTS``). Applied migrations are recorded as
``(:SchemaMigration {version, description, appliedAt})``; ``migrate`` applies those not yet recorded, so
running it twice changes nothing. Schema statements run one per auto-commit transaction (Neo4j does not mix
schema and data writes in one transaction); the record is written after all of a migration's statements
succeed, so an interrupted migration is simply applied again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import LiteralString

from graph.database import Database


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[LiteralString, ...]


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
    Migration(9, "no rating is no value ('unrated' removed); notifications and assessment periods keyed", (
        "MATCH (c:Case {satisfaction: 'unrated'}) REMOVE c.satisfaction",
        "CREATE CONSTRAINT notification_id IF NOT EXISTS FOR (n:Notification) REQUIRE n.id IS UNIQUE",
        "CREATE INDEX notification_grid_path IF NOT EXISTS FOR (n:Notification) ON (n.gridPath)",
        "CREATE CONSTRAINT period_code IF NOT EXISTS FOR (n:Period) REQUIRE n.code IS UNIQUE",
    )),
)


def applied_versions(db: Database) -> set[int]:
    """Versions recorded as applied in the database."""
    rows = db.read("MATCH (m:SchemaMigration) RETURN m.version AS version")
    return {int(row["version"]) for row in rows}


def migrate(db: Database, wait_seconds: float = 300.0) -> list[Migration]:
    """Apply the migrations not yet recorded, in version order; return those applied now."""
    done = applied_versions(db)
    applied: list[Migration] = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        for statement in migration.statements:
            db.run_schema(statement)
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
