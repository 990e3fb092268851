"""Open the configured database: NEO4J_URI if set, else the local server (started if needed)."""

from __future__ import annotations

from graph.database import Database
from graph.local_neo4j import LocalNeo4j
from graph.migrations import migrate
from graph.pii_key import sensitive_data
from graph.settings import Settings


def open_database(settings: Settings, *, start_local: bool = True, apply_migrations: bool = False) -> Database:
    """Connect, verify the credentials and optionally migrate. Starts the local Neo4j when it is the target."""
    if settings.local and start_local:
        LocalNeo4j.from_settings(settings).start()
    db = Database.from_settings(settings)
    try:
        db.verify()
        if apply_migrations:
            migrate(db, keys=lambda: sensitive_data(settings))
    except BaseException:
        db.close()
        raise
    return db
