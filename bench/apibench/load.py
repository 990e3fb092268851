"""A bounded closed-loop load: N clients, each sending its next request as soon as the last one is answered.

Python asyncio with one keep-alive ``httpx.AsyncClient`` per run. Requests are prepared (encoded JSON) before
the clock starts, so the generator's work per request is small; its own CPU time is measured and reported,
since it shares the machine with the servers.
"""

from __future__ import annotations

import asyncio
import json
import resource
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

from apibench.mix import KINDS, Request

ERROR_MARK = b'"errors":'


@dataclass(frozen=True)
class Prepared:
    """One request as bytes on the wire, and its kind."""

    kind: str
    body: bytes


def prepare(mix: Sequence[Request], server: str) -> list[Prepared]:
    """The mix encoded for ``server``."""
    return [Prepared(r.kind, json.dumps({"query": KINDS[r.kind].queries[server],
                                         "variables": r.variables[server]}).encode()) for r in mix]


@dataclass
class RunResult:
    """What one server did at one concurrency level."""

    server: str
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None
    generator_cpu: float = 0.0
    server_cpu: dict[str, float] = field(default_factory=dict)

    def add(self, other: RunResult) -> None:
        """Fold in another slice of the same server and level."""
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.kinds += other.kinds
        self.errors += other.errors
        self.first_error = self.first_error or other.first_error
        self.generator_cpu += other.generator_cpu
        for name, seconds in other.server_cpu.items():
            self.server_cpu[name] = self.server_cpu.get(name, 0.0) + seconds

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def throughput(self) -> float:
        """Successful requests per second."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float, kind: str | None = None) -> float:
        """Latency at percentile ``p`` (0–100) in milliseconds, nearest rank; of one kind if given."""
        values = sorted(v for v, k in zip(self.latencies, self.kinds, strict=True) if kind is None or k == kind)
        if not values:
            return float("nan")
        rank = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
        return values[rank] * 1000


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _client(http: httpx.AsyncClient, url: str, requests: list[Prepared], start: int, stop_at: float,
                  result: RunResult | None) -> None:
    position = start
    while time.perf_counter() < stop_at:
        item = requests[position % len(requests)]
        position += 1
        began = time.perf_counter()
        try:
            answer = await http.post(url, content=item.body)
            ok = answer.status_code == 200 and ERROR_MARK not in answer.content
            problem = None if ok else f"HTTP {answer.status_code}: {answer.text[:300]}"
        except httpx.HTTPError as exc:
            problem = f"{type(exc).__name__}: {exc!r} (cause: {exc.__cause__!r})"
        elapsed = time.perf_counter() - began
        if result is None:
            continue
        if problem is None:
            result.latencies.append(elapsed)
            result.kinds.append(item.kind)
        else:
            result.errors += 1
            result.first_error = result.first_error or f"{item.kind}: {problem}"


async def _drive(url: str, token: str, requests: list[Prepared], clients: int, seconds: float,
                 result: RunResult | None) -> float:
    """Run the clients for ``seconds``; return the time from the first request to the last answer."""
    # One keep-alive connection per client, each in its own httpx client: a shared pool of N connections
    # costs the generator time in N on every request (httpcore scans its pool).
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    # Plain HTTP on the loopback: no certificates to load for each client.
    https = [httpx.AsyncClient(limits=limits, headers=headers, timeout=60.0, verify=False) for _ in range(clients)]
    try:
        began = time.perf_counter()
        spacing = max(1, len(requests) // clients)
        await asyncio.gather(*(_client(http, url, requests, i * spacing, began + seconds, result)
                               for i, http in enumerate(https)))
        return time.perf_counter() - began
    finally:
        for http in https:
            await http.aclose()


def run(server: str, url: str, token: str, requests: list[Prepared], clients: int, seconds: float,
        warmup: float) -> RunResult:
    """Warm up for ``warmup`` seconds (not counted), then load ``url`` with ``clients`` clients for ``seconds``."""
    if warmup > 0:
        asyncio.run(_drive(url, token, requests, clients, warmup, None))
    result = RunResult(server=server, clients=clients, seconds=seconds)
    cpu_before = _cpu_seconds()
    result.seconds = asyncio.run(_drive(url, token, requests, clients, seconds, result))
    result.generator_cpu = _cpu_seconds() - cpu_before
    return result
