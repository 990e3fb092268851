"""Benchmark gridgraph's GraphQL API against the Neo4j GraphQL Library over the same database.

    .venv/bin/python bench/api_bench.py [--clients 1,10,50] [--duration 15] [--workers 1]

Sets up everything itself, on 127.0.0.1 only: its own Neo4j under bench/out/api-bench (a generated town is
loaded the first time and reused after), ``gridgraph serve`` and the Library's minimal Node server
(bench/neo4j-graphql, ``npm ci`` on first use), a townAdmin token from ``gridgraph token create`` that both
servers check. It then checks that both answer a sample of the mix with the same data, runs the fixed mix at
each level of concurrent clients against each server in turn, and prints requests/s, p50/p95/p99 latency,
errors and the gridgraph / Library throughput ratio per level. This is a benchmark, not a test: it fails only
when it cannot run.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from apibench import load, mix, report, stack, verify

from api.auth import signing_key
from graph.settings import Settings


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--clients", default="1,10,50", help="concurrency levels, comma-separated")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured per server and level")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating slices per level (the duration is split between them)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of unmeasured load before each level")
    parser.add_argument("--workers", type=int, default=1, help="gridgraph serve --workers")
    parser.add_argument("--per-kind", type=int, default=32, help="distinct parameters per request kind")
    parser.add_argument("--check", type=int, default=5, help="requests per kind compared before timing")
    parser.add_argument("--scale", default="town", choices=["village", "town"], help="generated data")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data")
    parser.add_argument("--as-of", default="2026-06-30", help="reference date of the generated data")
    parser.add_argument("--heap", default="1g", help="heap of the benchmark's Neo4j")
    parser.add_argument("--pagecache", default="1g", help="page cache of the benchmark's Neo4j")
    parser.add_argument("--servers", default=",".join(mix.SERVERS),
                        help="servers to load, comma-separated (the answers are compared only with both)")
    parser.add_argument("--keep-db", action="store_true", help="leave the benchmark's Neo4j running afterwards")
    return parser.parse_args()


def slice_of(name: str, service: stack.Service, db_pid: int | None, token: str, requests: list[load.Prepared],
             clients: int, seconds: float, warmup: float) -> load.RunResult:
    """One measured slice, with the CPU the server and Neo4j used in it."""
    before = (stack.tree_cpu(service.process.pid), stack.tree_cpu(db_pid))
    result = load.run(name, service.url, token, requests, clients, seconds, warmup)
    after = (stack.tree_cpu(service.process.pid), stack.tree_cpu(db_pid))
    share = result.seconds / (result.seconds + warmup)  # CPU is sampled over warm-up and run
    result.server_cpu = {"server": (after[0] - before[0]) * share, "db": (after[1] - before[1]) * share}
    return result


def measure(args: argparse.Namespace, services: dict[str, stack.Service], db_pid: int | None, token: str,
            requests: list[mix.Request]) -> list[load.RunResult]:
    """Every level against every server, in ``--rounds`` alternating slices so that both see the same machine."""
    prepared = {name: load.prepare(requests, name) for name in services}
    results: list[load.RunResult] = []
    levels = [int(c) for c in args.clients.split(",") if c.strip()]
    for index, clients in enumerate(levels):
        order = [n for n in mix.SERVERS if n in services]
        totals: dict[str, load.RunResult] = {}
        for round_ in range(args.rounds):
            for name in order if (index + round_) % 2 == 0 else reversed(order):
                warmup = args.warmup if round_ == 0 else 0.0
                stack.say(f"{name}: {clients} client(s), round {round_ + 1}/{args.rounds} …")
                part = slice_of(name, services[name], db_pid, token, prepared[name], clients,
                                args.duration / args.rounds, warmup)
                if part.first_error:
                    stack.say(f"  first error: {part.first_error}")
                if name in totals:
                    totals[name].add(part)
                else:
                    totals[name] = part
        results += [totals[name] for name in order]
    return results


def main() -> int:
    args = arguments()
    load_before = os.getloadavg()[0]
    bench = stack.start_database(args.heap, args.pagecache)
    services: dict[str, stack.Service] = {}
    try:
        counts = stack.ensure_data(bench, args.scale, args.seed, args.as_of)
        token = stack.create_token(bench)
        jwt_key = signing_key(Settings.from_env(bench.env()))
        wanted = {name.strip() for name in args.servers.split(",")}
        if mix.GRIDGRAPH in wanted:
            services[mix.GRIDGRAPH] = stack.start_gridgraph(bench, args.workers)
        if mix.NEO4J_GRAPHQL in wanted:
            services[mix.NEO4J_GRAPHQL] = stack.start_neo4j_graphql(bench, jwt_key)
        for service in services.values():
            service.wait_ready(service.url, {"Authorization": f"Bearer {token}"})
        with bench.connect() as db:
            requests = mix.build_mix(mix.parameters(db, args.per_kind))
        urls = {name: s.url for name, s in services.items()}
        compared, problems = 0, list[str]()
        if len(urls) == len(mix.SERVERS):
            compared, problems = verify.compare(urls, token, mix.sample_for_check(requests, args.check))
        for problem in problems:
            print(f"WARNING: the servers' answers differ: {problem}")
        results = measure(args, services, bench.server.status().pid, token, requests)
    finally:
        for service in services.values():
            service.stop()
        if not args.keep_db:
            bench.stop()

    print(f"gridgraph API vs Neo4j GraphQL Library — {args.scale} of {counts.get('Person', 0):,} persons, "
          f"{counts.get('Household', 0):,} households, {counts.get('Case', 0):,} cases")
    print(f"machine: {os.cpu_count()} cores shared by Neo4j, both servers and the load generator; "
          f"gridgraph serve --workers {args.workers}; the Library's server is one Node process")
    print(f"mix: {', '.join(mix.KINDS)} in turn ({len(requests)} distinct requests); "
          f"{args.duration:.0f} s per server and level in {args.rounds} alternating slices, "
          f"after {args.warmup:.0f} s warm-up")
    print(f"load average (1 min) before / after: {load_before:.2f} / {os.getloadavg()[0]:.2f}"
          + ("  — the machine was busy with other work: figures are noisy" if load_before > 1.0 else ""))
    print(f"answers compared before timing: {compared}, " + (f"{len(problems)} DIFFER" if problems else "all equal"))
    print()
    print(report.results_table(results))
    print()
    print(report.ratio_table(results))
    print()
    print(report.kinds_table(results))
    print()
    print(report.generator_note(results) + "; srv/db cpu/1k: CPU seconds of the server / of Neo4j per 1000 answers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
