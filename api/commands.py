"""``gridgraph serve`` and ``gridgraph token create``."""

from __future__ import annotations

import getpass

import click

from api.auth import Role, issue_token, signing_key, token_hash
from cli.main import UserFacingError, current_settings, friendly_errors
from graph.audit import AuditEntry, record
from graph.connect import open_database
from graph.errors import DatabaseUnavailable
from graph.tokens import list_tokens, revoke


@click.command("serve")
@click.option("--host", default=None, help="Address to listen on (default GRIDGRAPH_HOST).")
@click.option("--port", type=int, default=None, help="Port to listen on (default GRIDGRAPH_PORT).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes serving requests (each with its own connection pool to Neo4j).")
@friendly_errors
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Migrate, then serve the API (GraphQL, GraphiQL, /cypher, /healthz, /readyz, /metrics)."""
    import uvicorn

    from api.app import create_app
    from api.observe import configure_logging

    settings = current_settings()
    try:
        with open_database(settings, apply_migrations=True):
            pass  # starts the local Neo4j when NEO4J_URI is unset, and applies migrations
    except DatabaseUnavailable as exc:
        if settings.local:
            raise
        # An external database that is down now may come back: serve, answering 503 until it does.
        click.echo(f"warning: {exc} The API starts anyway and answers 503 DATABASE_UNAVAILABLE until the "
                   "database is reachable; run `gridgraph migrate` then if this server was never migrated.", err=True)
    configure_logging()
    bind_host, bind_port = host or settings.host, port or settings.port
    processes = f" ({workers} worker processes)" if workers > 1 else ""
    click.echo(f"gridgraph API on http://{bind_host}:{bind_port}/graphql{processes} (GraphiQL in a browser)")
    if workers > 1:
        serve_workers(bind_host, bind_port, workers)
    else:
        loop, http = fast_io()
        uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_config=None, access_log=False,
                    loop=loop, http=http)


def fast_io() -> tuple[str, str]:
    """uvloop's event loop and httptools' HTTP parser when installed (both in C: less CPU per request than
    asyncio's loop and h11), else the pure-Python ones."""
    from importlib.util import find_spec

    return ("uvloop" if find_spec("uvloop") else "asyncio", "httptools" if find_spec("httptools") else "h11")


def serve_workers(host: str, port: int, workers: int) -> None:
    """uvicorn's multi-process mode, with TCP_NODELAY set on the listening socket the workers share.

    uvicorn creates that socket without naming the TCP protocol, so asyncio does not switch Nagle's algorithm
    off on the connections it accepts, and each response then waits for the client's delayed ACK (~40 ms).
    Linux passes the option on from the listening socket to every accepted one. Each worker builds its app
    (and reads the same settings) from the factory.
    """
    import socket

    from uvicorn import Config
    from uvicorn.supervisors import Multiprocess

    loop, http = fast_io()
    config = Config("api.app:served_app", factory=True, workers=workers, host=host, port=port, log_config=None,
                    access_log=False, loop=loop, http=http)
    listening = config.bind_socket()
    listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(config, sockets=[listening]).run()


@click.group("token")
def token() -> None:
    """API bearer tokens."""


@token.command("create")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True, help="What the holder may do.")
@click.option("--scope", "scope", default=None, metavar="GRID_CODE",
              help="Grid whose subtree the holder sees (required for gridStaff).")
@click.option("--name", default=None, help="Who holds it (shown in the audit trail). Default: the role.")
@click.option("--days", type=float, default=90.0, show_default=True, help="Days until it expires.")
@friendly_errors
def create(role: str, scope: str | None, name: str | None, days: float) -> None:
    """Print a new bearer token; only its hash is stored (as an ApiToken node)."""
    settings = current_settings()
    chosen = Role(role)
    if chosen == Role.GRID_STAFF and not scope:
        raise UserFacingError("a gridStaff token needs --scope GRID_CODE (the grid whose subtree they see)")
    holder = name or chosen.value
    with open_database(settings) as db:
        path = None
        if scope:
            rows = db.read("MATCH (g:Grid {code: $code}) RETURN g.path AS path", {"code": scope})
            if not rows or not rows[0]["path"]:
                raise UserFacingError(f"no grid {scope!r} in the database: check the code (`gridgraph load` first?)")
            path = rows[0]["path"]
        issued = issue_token(signing_key(settings), holder, chosen, scope, path, days)
        db.write("CREATE (:ApiToken {tokenHash: $hash, name: $name, role: $role, scope: $scope, "
                 "createdAt: datetime(), revoked: false})",
                 {"hash": token_hash(issued), "name": holder, "role": chosen.value, "scope": scope})
    click.echo(issued)


@token.command("list")
@friendly_errors
def list_command() -> None:
    """List the issued tokens: id, holder, role, scope, created, last used, revoked."""
    settings = current_settings()
    with open_database(settings) as db:
        rows = list_tokens(db)
    if not rows:
        click.echo("no tokens issued yet (`gridgraph token create`)")
        return
    click.echo("id\tname\trole\tscope\tcreated\tlast used\trevoked")
    for row in rows:
        click.echo("\t".join([row["id"], row["name"] or "", row["role"] or "", row["scope"] or "-",
                              _when(row["createdAt"]), _when(row["lastUsedAt"]) or "never",
                              _when(row["revokedAt"]) if row["revoked"] else "no"]))


def _when(value: object) -> str:
    return "" if value is None else str(value)[:19].replace("T", " ")


@token.command("revoke")
@click.argument("token_id")
@friendly_errors
def revoke_command(token_id: str) -> None:
    """Revoke the token TOKEN_ID (its id from `gridgraph token list`); the API refuses it within
    GRIDGRAPH_TOKEN_REFRESH seconds."""
    settings = current_settings()
    with open_database(settings) as db:
        try:
            revoked = revoke(db, token_id)
        except ValueError as exc:
            raise UserFacingError(str(exc)) from None
        if not revoked:
            raise UserFacingError(f"no token with id {token_id!r}: see `gridgraph token list`")
        ids = ",".join(r["id"] for r in revoked)
        record(db, AuditEntry(getpass.getuser(), "cli", "token.revoke", token_id, "", ids))
    for row in revoked:
        click.echo(f"revoked {row['id']} ({row['name']}, {row['role']})")
