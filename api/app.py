"""The Starlette application: routes, the lifespan that holds the database, and the request observer.

``create_app()`` builds an app from the environment's settings; the database driver, the PII key and the JWT
key live in the lifespan state. The driver connects lazily and reconnects by itself, so the app starts while
Neo4j is down, answers 503 meanwhile (``/readyz`` says so), and recovers when Neo4j is back.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.analyst import cypher
from api.auth import signing_key
from api.endpoint import graphql
from api.graphiql import asset
from api.limits import RequestLimits
from api.observe import Metrics, ObserveMiddleware, configure_logging
from api.revocations import Revocations
from api.schema import build_schema
from api.state import AppState
from graph.database import Database
from graph.errors import GraphError
from graph.pii_key import sensitive_data
from graph.settings import Settings

READY_TIMEOUT = 0.9  # /readyz answers within a second, whatever the database does


async def healthz(_: Request) -> Response:
    """The process is up (says nothing about the database)."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """The database answers a trivial query."""
    state = AppState.of(request)
    try:
        await asyncio.wait_for(run_in_threadpool(state.db.ping, READY_TIMEOUT), READY_TIMEOUT)
    except (GraphError, OSError, TimeoutError) as exc:
        return JSONResponse({"status": "unavailable", "reason": type(exc).__name__}, status_code=503,
                            headers={"Retry-After": "5"})
    return JSONResponse({"status": "ready"})


async def metrics(request: Request) -> Response:
    return Response(generate_latest(AppState.of(request).metrics.registry), media_type=CONTENT_TYPE_LATEST)


def create_app(settings: Settings | None = None) -> Starlette:
    """The API for ``settings`` (default: read from the environment)."""
    app_settings = settings or Settings.from_env()
    observed = Metrics()

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[dict[str, AppState]]:
        db = Database.from_settings(app_settings)
        revocations = Revocations()
        refresher = asyncio.create_task(revocations.keep_fresh(db, app_settings.token_refresh))
        try:
            yield {"app": AppState(settings=app_settings, db=db, sensitive=sensitive_data(app_settings),
                                   jwt_key=signing_key(app_settings), schema=build_schema(), metrics=observed,
                                   revocations=revocations)}
        finally:
            refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refresher
            await run_in_threadpool(revocations.wait_idle)  # its thread may still hold a session
            db.close()

    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/cypher", cypher, methods=["POST"]),
        Route("/assets/{name}", asset, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan, middleware=[
        Middleware(ObserveMiddleware, metrics=observed),
        Middleware(RequestLimits, rate_limit=app_settings.rate_limit, max_body=app_settings.max_body_size),
    ])


def served_app() -> Starlette:
    """The app of one worker process of ``gridgraph serve --workers N``: JSON logs, settings from the environment."""
    configure_logging()
    return create_app()
