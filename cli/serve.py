"""``gridgraph serve``: migrate, then serve the API with one or more worker processes."""

from __future__ import annotations

import click

from cli.common import current_settings, friendly_errors
from graph.connect import open_database
from graph.errors import DatabaseUnavailable


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
