"""Cost limits under load: how fast a heavy GraphQL selection is refused, and how a one-line lookup answers while
the most expensive requests the budget accepts keep the database busy.

    .venv/bin/python bench/cost_bench.py [--scale town] [--seconds 20] [--heavy-clients 2]

Uses the API benchmark's own Neo4j and generated data (``bench/out/api-bench``, see bench/apibench/stack.py;
loaded the first time, reused later), and the API in this process (Starlette's test client, one thread per
client). Prints the refusal time of a selection over GRIDGRAPH_MAX_QUERY_COST, the latency of each accepted
heavy request, and p50/p95/max of a household lookup made meanwhile (the aim: under 1 s).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from starlette.testclient import TestClient

from api.app import create_app
from api.auth import Role, issue_token, signing_key
from bench.apibench.stack import ensure_data, start_database
from graph.settings import Settings

REFUSED = ("{ households(first: 100) { nodes { members { household { members { household { members { key } } } } } "
           "contactingMembers { households(first: 100) { totalCount nodes { code members { key } } } } } } }")
# Accepted, and among the most expensive the default budget lets through: whole-town questions and full pages.
HEAVY = [
    "{ conflictHotspots(minDisputes: 1) { person { key name } household { code } disputes cases { code title "
    "involvedPersons { key } mediations { outcome mediator { key } } } } }",
    "{ uncontactedHouseholds(first: 100) { totalCount nodes { code address members { key name tags age } "
    "grid { code } } } }",
    "{ overdueByGrid(level: 3) { grid { code } openCases overdueCases closureRate overdue { code deadline } } }",
    "{ overloadedMembers(first: 100) { totalCount nodes { key contactCount households(first: 30) { totalCount "
    "nodes { code } } } } }",
    "{ persons(first: 100) { totalCount nodes { key name household { code members { key } } cases { totalCount } "
    "} } }",
]
LOOKUP = "query($c: String!) { household(code: $c) { code members { key name } } }"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="town", choices=["village", "town", "county"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--heavy-clients", type=int, default=2)
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    args = parser.parse_args()

    bench = start_database(args.heap, args.pagecache)
    ensure_data(bench, args.scale, args.seed, "2026-11-25")
    settings = Settings.from_env({**bench.env(), "GRIDGRAPH_RATE_LIMIT": "0"})
    token = issue_token(signing_key(settings), "cost-bench", Role.TOWN_ADMIN)
    headers = {"Authorization": f"Bearer {token}"}
    with bench.connect() as db:
        codes = [r["code"] for r in db.read("MATCH (h:Household) RETURN h.code AS code LIMIT 200")]

    with TestClient(create_app(settings)) as client:
        client.post("/graphql", json={"query": "{ me { name } }"}, headers=headers)
        refusals = []
        for _ in range(20):
            began = time.perf_counter()
            body = client.post("/graphql", json={"query": REFUSED}, headers=headers).json()
            refusals.append(time.perf_counter() - began)
            assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_EXPENSIVE", body
        print(f"heavy selection refused: median {statistics.median(refusals) * 1000:.1f} ms, "
              f"max {max(refusals) * 1000:.1f} ms")

        stop = time.monotonic() + args.seconds
        heavy_times: dict[int, list[float]] = {i: [] for i in range(len(HEAVY))}
        errors: list[str] = []

        def heavy(worker: int) -> None:
            index = worker
            while time.monotonic() < stop:
                query = HEAVY[index % len(HEAVY)]
                began = time.perf_counter()
                body = client.post("/graphql", json={"query": query}, headers=headers).json()
                heavy_times[index % len(HEAVY)].append(time.perf_counter() - began)
                if body.get("errors"):
                    errors.append(f"{query[:40]}: {body['errors'][0]['message'][:120]}")
                index += 1

        threads = [threading.Thread(target=heavy, args=(i,)) for i in range(args.heavy_clients)]
        for thread in threads:
            thread.start()
        lookups: list[float] = []
        n = 0
        while time.monotonic() < stop:
            began = time.perf_counter()
            client.post("/graphql", json={"query": LOOKUP, "variables": {"c": codes[n % len(codes)]}},
                        headers=headers)
            lookups.append(time.perf_counter() - began)
            n += 1
            time.sleep(0.05)
        for thread in threads:
            thread.join()

    for index, times in heavy_times.items():
        if times:
            print(f"heavy {index} ({HEAVY[index][2:40]}…): {len(times)} runs, median "
                  f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")
    print(f"lookup during heavy load: {len(lookups)} runs, p50 {percentile(lookups, 0.5) * 1000:.0f} ms, "
          f"p95 {percentile(lookups, 0.95) * 1000:.0f} ms, max {max(lookups) * 1000:.0f} ms")
    for error in sorted(set(errors))[:5]:
        print("error:", error)
    bench.stop()


if __name__ == "__main__":
    main()
