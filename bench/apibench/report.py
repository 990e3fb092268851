"""The benchmark's tables: throughput and latency per server and level, the ratio, and where time went."""

from __future__ import annotations

from collections.abc import Sequence

from apibench.load import RunResult
from apibench.mix import GRIDGRAPH, KINDS, NEO4J_GRAPHQL


def _row(cells: Sequence[object], widths: Sequence[int]) -> str:
    return "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths,
                                                                                             strict=True)))


def results_table(results: Sequence[RunResult]) -> str:
    """One line per server and level: req/s, p50/p95/p99 (ms), errors, CPU seconds per 1000 requests."""
    widths = [14, 7, 9, 9, 8, 8, 8, 7, 12, 12]
    lines = [_row(["server", "clients", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors",
                   "srv cpu/1k", "db cpu/1k"], widths)]
    for r in results:
        done = max(1, len(r.latencies))
        lines.append(_row([
            r.server, r.clients, r.requests, f"{r.throughput:.1f}", f"{r.percentile(50):.1f}",
            f"{r.percentile(95):.1f}", f"{r.percentile(99):.1f}", r.errors,
            f"{1000 * r.server_cpu.get('server', 0.0) / done:.1f} s",
            f"{1000 * r.server_cpu.get('db', 0.0) / done:.1f} s",
        ], widths))
    return "\n".join(lines)


def ratio_table(results: Sequence[RunResult]) -> str:
    """gridgraph's throughput over the Library's, per level."""
    by_key = {(r.server, r.clients): r for r in results}
    levels = sorted({r.clients for r in results})
    lines = [_row(["clients", "gridgraph req/s", "neo4j-graphql req/s", "ratio"], [7, 16, 20, 7])]
    for clients in levels:
        ours, theirs = by_key.get((GRIDGRAPH, clients)), by_key.get((NEO4J_GRAPHQL, clients))
        if ours is None or theirs is None:
            continue
        ratio = ours.throughput / theirs.throughput if theirs.throughput else float("inf")
        lines.append(_row([clients, f"{ours.throughput:.1f}", f"{theirs.throughput:.1f}", f"{ratio:.2f}×"],
                          [7, 16, 20, 7]))
    return "\n".join(lines)


def kinds_table(results: Sequence[RunResult]) -> str:
    """p50 latency (ms) of each kind of request, per server, at the lowest level (no queueing)."""
    lowest = min(r.clients for r in results)
    runs = [r for r in results if r.clients == lowest]
    widths = [18] + [14] * len(runs)
    lines = [_row(["request", *(f"{r.server}" for r in runs)], widths)]
    for name in KINDS:
        lines.append(_row([name, *(f"{r.percentile(50, name):.1f}" for r in runs)], widths))
    return f"p50 ms per request kind at {lowest} client(s):\n" + "\n".join(lines)


def generator_note(results: Sequence[RunResult]) -> str:
    """How much CPU the load generator itself took (it shares the cores with the servers)."""
    worst = max(results, key=lambda r: r.generator_cpu / r.seconds if r.seconds else 0.0)
    share = worst.generator_cpu / worst.seconds if worst.seconds else 0.0
    return (f"load generator: at most {100 * share:.0f}% of one core "
            f"({worst.server}, {worst.clients} clients)")
