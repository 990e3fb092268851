"""Prometheus metrics and structured (JSON) logs of every request."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schema.freetext import mask_numbers

LOG = logging.getLogger("gridgraph.api")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any ``extra`` fields given as ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
                                   "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        payload |= getattr(record, "fields", {})
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        # Whatever a line holds (a message, a path with a key, an exception), no ID or phone number in clear.
        return mask_numbers(json.dumps(payload, ensure_ascii=False, default=str))


def configure_logging(level: int = logging.INFO) -> None:
    """Send gridgraph's and uvicorn's logs to stderr as JSON lines."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    for name in ("gridgraph", "uvicorn", "uvicorn.error", "strawberry"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level)
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True  # our own request log replaces it
    # The driver logs every broken connection at ERROR; an outage is logged once by gridgraph.database.
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)


@dataclass
class Metrics:
    """The app's own registry, so several apps (tests) never clash."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.requests = Counter("gridgraph_requests_total", "HTTP requests", ["path", "status"],
                                registry=self.registry)
        self.latency = Histogram("gridgraph_request_seconds", "HTTP request latency", ["path"],
                                 registry=self.registry)
        self.cypher_queries = Counter("gridgraph_cypher_queries_total", "Cypher statements run",
                                      registry=self.registry)
        self.cypher_seconds = Histogram("gridgraph_cypher_seconds", "Database time per request",
                                        registry=self.registry)


KNOWN_PATHS = frozenset({"/graphql", "/cypher", "/healthz", "/readyz", "/metrics"})


class ObserveMiddleware:
    """Times each request, counts it by path and status, and logs it as one JSON line."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        scope.setdefault("gridgraph", {})

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            elapsed = time.perf_counter() - started
            path = scope["path"] if scope["path"] in KNOWN_PATHS else "other"
            self.metrics.requests.labels(path, str(status)).inc()
            self.metrics.latency.labels(path).observe(elapsed)
            info = scope["gridgraph"]
            if "queries" in info:
                self.metrics.cypher_queries.inc(info["queries"])
                self.metrics.cypher_seconds.observe(info["db_seconds"])
            LOG.info("request", extra={"fields": {
                "method": scope["method"], "path": scope["path"], "status": status,
                "ms": round(elapsed * 1000, 2), **{k: v for k, v in info.items() if k != "db_seconds"},
            }})
