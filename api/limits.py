"""Limits every request to ``/graphql`` and ``/cypher`` passes before anything else: a per-token rate limit
(429 with ``Retry-After``, GRIDGRAPH_RATE_LIMIT) and a body size limit (413, GRIDGRAPH_MAX_BODY_SIZE); and the
shape limits of what a GraphQL request's JSON may hold (:func:`check_json`).

The rate limit is a token bucket per bearer token (keyed by its hash, as :func:`api.auth.token_hash` stores it),
one per process: with ``--workers N`` a token may make up to N times the rate.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ApiError, BadInput, RateLimited, TooLarge

LIMITED_PATHS = ("/graphql", "/cypher")
MAX_JSON_DEPTH = 16       # GraphQL variables here nest 3 deep at most
MAX_LIST_ITEMS = 1000     # items in one list of the variables
MAX_TRACKED_TOKENS = 100_000


class RateLimiter:
    """Token buckets of ``per_minute`` requests, refilled continuously; thread-safe."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key → (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """Spend one request of ``key``'s bucket: 0 when allowed, else the seconds until one is available."""
        if self.per_minute <= 0:
            return 0.0
        at = time.monotonic() if now is None else now
        rate = self.per_minute / 60.0
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(self.per_minute), at))
            tokens = min(float(self.per_minute), tokens + (at - last) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, at)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, at)
                wait = (1.0 - tokens) / rate
            while len(self._buckets) > MAX_TRACKED_TOKENS:
                self._buckets.popitem(last=False)  # the longest idle: a full bucket again when it comes back
        return wait


def _json_error(error: ApiError, headers: dict[str, str] | None = None) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    body = orjson.dumps({"errors": [{"message": str(error), "extensions": {"code": error.code}}]})
    pairs = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    pairs += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return error.status, pairs, body


class RequestLimits:
    """ASGI middleware: rate limit per bearer token, then the body size, for the limited paths."""

    def __init__(self, app: ASGIApp, rate_limit: int, max_body: int) -> None:
        self.app = app
        self.limiter = RateLimiter(rate_limit)
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in LIMITED_PATHS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        authorization = headers.get(b"authorization")
        if authorization:
            wait = self.limiter.take(hashlib.sha256(authorization).hexdigest())
            if wait > 0:
                retry = str(max(1, math.ceil(wait)))
                await _send(send, *_json_error(RateLimited(
                    f"too many requests for this token (GRIDGRAPH_RATE_LIMIT): retry in {retry} s"),
                    {"Retry-After": retry}))
                return
        declared = headers.get(b"content-length")
        too_large = TooLarge(f"the request body is larger than {self.max_body} bytes (GRIDGRAPH_MAX_BODY_SIZE)")
        try:
            if declared is not None and int(declared) > self.max_body:
                await _send(send, *_json_error(too_large))
                return
        except ValueError:
            await _send(send, *_json_error(BadInput("the Content-Length header is not a number")))
            return
        # Read the body here, up to the limit, and hand it on whole (a chunked body declares no length).
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await _send(send, *_json_error(too_large))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def check_json(value: Any, where: str) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH or with a list longer than MAX_LIST_ITEMS (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise BadInput(f"{where} are nested more than {MAX_JSON_DEPTH} levels deep")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            if len(item) > MAX_LIST_ITEMS:
                raise BadInput(f"{where} hold a list of {len(item)} items, more than {MAX_LIST_ITEMS}")
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise BadInput(f"{where} hold {item}, which is not a number GraphQL accepts")
