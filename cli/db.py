"""``gridgraph db start|stop|status`` and ``gridgraph migrate``."""

from __future__ import annotations

import click

from cli.common import current_settings, friendly_errors
from graph.connect import open_database
from graph.local_neo4j import LocalNeo4j
from graph.migrations import MIGRATIONS, applied_versions, migrate
from graph.pii_key import sensitive_data


@click.group()
def db() -> None:
    """Manage the local Neo4j (used when NEO4J_URI is not set)."""


def _local() -> LocalNeo4j:
    settings = current_settings()
    if not settings.local:
        raise click.ClickException(
            f"NEO4J_URI is set ({settings.neo4j_uri}), so gridgraph uses that server and runs no local one. "
            "Unset NEO4J_URI to manage the local Neo4j."
        )
    return LocalNeo4j.from_settings(settings)


@db.command("start")
@friendly_errors
def start() -> None:
    """Start the local Neo4j and wait until Bolt answers (reuses a running one)."""
    server = _local()
    result = server.start()
    if result.reused:
        click.echo(f"Neo4j already running at bolt://127.0.0.1:{result.port} (pid {result.pid}); reused.")
    else:
        click.echo(f"Neo4j started at bolt://127.0.0.1:{result.port} (pid {result.pid}) "
                   f"in {result.seconds:.1f} s; data in {server.home / 'db'}.")


@db.command("stop")
@friendly_errors
def stop() -> None:
    """Shut the local Neo4j down cleanly."""
    server = _local()
    if server.stop():
        click.echo("Neo4j stopped.")
    else:
        click.echo("Neo4j was not running.")


@db.command("status")
@friendly_errors
def status() -> None:
    """Say whether the database runs, where, and its version."""
    settings = current_settings()
    if not settings.local:
        with open_database(settings, start_local=False) as database:
            version = _version(database)
        click.echo(f"Using Neo4j at {settings.neo4j_uri} (database {settings.neo4j_database}), {version}.")
        return
    server = LocalNeo4j.from_settings(settings)
    state = server.status()
    if not state.running:
        click.echo(f"Neo4j is not running (data folder {state.home / 'db'}). Start it with `gridgraph db start`.")
        raise SystemExit(3)
    with open_database(settings, start_local=False) as database:
        version = _version(database)
    click.echo(f"Neo4j is running at bolt://127.0.0.1:{state.port} (pid {state.pid}), {version}, "
               f"data in {state.home / 'db'}.")


def _version(database: object) -> str:
    from graph.database import Database

    assert isinstance(database, Database)
    rows = database.read("CALL dbms.components() YIELD name, versions, edition "
                         "RETURN name, versions[0] AS version, edition")
    return ", ".join(f"{r['name']} {r['version']} {r['edition']}" for r in rows)


@click.command("migrate")
@friendly_errors
def migrate_command() -> None:
    """Apply the schema migrations not yet applied (constraints, indexes, full-text)."""
    settings = current_settings()
    with open_database(settings) as database:
        applied = migrate(database, keys=lambda: sensitive_data(settings))
        versions = applied_versions(database)
    if applied:
        for migration in applied:
            click.echo(f"applied {migration.version}: {migration.description}")
    else:
        click.echo("schema is up to date.")
    click.echo(f"schema version {max(versions) if versions else 0} of {MIGRATIONS[-1].version}.")
