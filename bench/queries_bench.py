"""Benchmark of the named queries on a county-scale graph (not a test).

Runs its own Neo4j (home ``bench/out/neo4j``, port 7790 — never the developer's ``var/neo4j``). When that graph
holds fewer than 300,000 persons, it is filled the way a deployment is: ``gridgraph sample --scale county``
(≈ 302,000 persons in 110,000 households, 12 towns, 3,274 grids, 10,800 cases) into ``bench/out/county``, then
``gridgraph load``. Each query then runs ``--runs`` times with parameters drawn at random from the graph — the
identity questions with random households, members and disputes, the list questions scoped to a random
management area (the view of an area's grid chief) and, for information, to the whole county; the queries taking
``gridCode`` also for a random management area and a random village grid given by code with the whole county as
scope (the view of the town's administrators asking about one grid) — after a warm-up, and the p50 and p95 of
the wall time seen by the caller (driver round trip included) are printed, with the load average before and
after (the machine's other work shows in every figure).
Goal: every p95 under 50 ms, ``similar-disputes`` under 100 ms.

    .venv/bin/python bench/queries_bench.py [--runs 50] [--seed 1] [--stop]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.database import Database  # noqa: E402
from graph.migrations import migrate  # noqa: E402
from graph.server import LocalNeo4j  # noqa: E402
from graph.settings import Settings  # noqa: E402
from queries.library import Library, library  # noqa: E402
from schema.sensitive import SensitiveData  # noqa: E402

OUT = ROOT / "bench" / "out"
PORT = 7790
PASSWORD = "bench-password-1"
MIN_PERSONS = 300_000
GOALS_MS = {"similar-disputes": 100.0}
DEFAULT_GOAL_MS = 50.0
WARM_UP = 5

Arguments = Callable[[random.Random], dict[str, Any]]


def server() -> LocalNeo4j:
    return LocalNeo4j(home=OUT / "neo4j", port=PORT, password=PASSWORD, heap="2g",
                      pagecache_bytes=1024**3, start_timeout=300)


def ensure_county(db: Database, seed: int) -> None:
    """Generate and load the county unless the graph already holds it."""
    persons = db.read("MATCH (p:Person) RETURN count(p) AS n")[0]["n"]
    if persons >= MIN_PERSONS:
        return
    data = OUT / "county"
    env = {**os.environ, "NEO4J_URI": f"bolt://127.0.0.1:{PORT}", "NEO4J_PASSWORD": PASSWORD,
           "GRIDGRAPH_VAR_DIR": str(OUT / "var")}
    gridgraph = str(ROOT / ".venv" / "bin" / "gridgraph")
    print(f"graph has {persons:,} persons; generating and loading the county (takes a while)…", flush=True)
    subprocess.run([gridgraph, "sample", str(data), "--scale", "county", "--format", "csv", "--seed", str(seed),
                    "--as-of", "2026-11-25", "--force"], env=env, check=True)
    subprocess.run([gridgraph, "load", str(data), "--report", str(OUT / "county-load.json")], env=env, check=True)


def draw(db: Database) -> dict[str, Arguments]:
    """Parameter makers per query, drawing households, members, disputes and scopes from the graph."""
    households = [r["code"] for r in db.read("MATCH (h:Household) RETURN h.code AS code")]
    members = [r["key"] for r in db.read(
        "MATCH (m:PartyMember) WHERE EXISTS { (m)-[:CONTACTS]->() } RETURN m.key AS key")]
    disputes = [r["code"] for r in db.read("MATCH (c:Case) WHERE c.kind = 'dispute' RETURN c.code AS code")]
    areas = [r["path"] for r in db.read("MATCH (g:Grid) WHERE g.level = 1 RETURN g.path AS path")]
    grids = {level: [r["code"] for r in db.read("MATCH (g:Grid) WHERE g.level = $level RETURN g.code AS code",
                                                {"level": level})] for level in (1, 2)}
    GRID_CODES.update(grids)

    def area(rng: random.Random) -> dict[str, Any]:
        return {"scopePath": rng.choice(areas)}

    return {
        "contacts-of-households": lambda rng: {"householdCodes": rng.sample(households, 3)},
        "households-of-member": lambda rng: {"memberKey": rng.choice(members)},
        "uncontacted-households": area,
        "overloaded-members": area,
        "similar-disputes": lambda rng: {"caseCode": rng.choice(disputes)},
        "responsibility-chain": lambda rng: {"householdCodes": [rng.choice(households)]},
        "overdue-cases": area,
        "conflict-hotspots": area,
        "open-wishes": area,
        "grid-coverage": area,
    }


# Codes of the management areas (1) and village grids (2), filled by draw().
GRID_CODES: dict[int, list[str]] = {}


def county_wide(make: Arguments) -> Arguments:
    """The same parameters with the whole county as scope."""
    return lambda rng: {**make(rng), "scopePath": "/"}


def by_grid_code(make: Arguments, level: int) -> Arguments:
    """The same parameters for a random grid of ``level`` given by its code, the whole county as scope."""
    return lambda rng: {**make(rng), "scopePath": "/", "gridCode": rng.choice(GRID_CODES[level])}


def measure(queries: Library, db: Database, name: str, make: Arguments, rng: random.Random,
            runs: int) -> tuple[list[float], int]:
    """Wall times in ms of ``runs`` runs after a warm-up, and the mean number of rows."""
    for _ in range(WARM_UP):
        queries.run(db, name, make(rng))
    times: list[float] = []
    rows = 0
    for _ in range(runs):
        params = make(rng)
        began = time.perf_counter()
        result = queries.run(db, name, params)
        times.append((time.perf_counter() - began) * 1000)
        rows += len(result.rows)
    return times, rows // runs


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stop", action="store_true", help="stop the bench's Neo4j afterwards")
    args = parser.parse_args()

    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    local = server()
    local.start()
    db = Database(local.uri, "neo4j", PASSWORD, timeout=120)
    try:
        # The loaders' PII key (var/pii.key of the bench), for migrations that re-key stored data.
        bench_settings = Settings.from_env({"GRIDGRAPH_VAR_DIR": str(OUT / "var")})
        migrate(db, keys=lambda: SensitiveData.from_settings(bench_settings))
        ensure_county(db, args.seed)
        counts = db.read("MATCH (p:Person) WITH count(p) AS persons MATCH (h:Household) "
                         "WITH persons, count(h) AS households MATCH (c:Case) "
                         "RETURN persons, households, count(c) AS cases")[0]
        print(f"county: {counts['persons']:,} persons, {counts['households']:,} households, "
              f"{counts['cases']:,} cases; {args.runs} runs per query after {WARM_UP} warm-up runs\n")
        queries = library()
        rng = random.Random(args.seed)
        makers = draw(db)
        print(f"{'query':<24} {'scope':<14} {'rows':>5} {'p50 ms':>8} {'p95 ms':>8} {'goal':>6}")
        floor = []
        for _ in range(args.runs):
            began = time.perf_counter()
            db.read("RETURN 1 AS one")
            floor.append((time.perf_counter() - began) * 1000)
        # The round trip of a trivial query: what the machine and driver cost before any query work.
        print(f"{'(RETURN 1)':<24} {'-':<14} {1:>5} {statistics.median(floor):>8.1f} {percentile(floor, 0.95):>8.1f}")
        failed = []
        for name in queries.names():
            scoped = makers[name]
            variants: list[tuple[str, Arguments]] = [("area" if "scopePath" in scoped(rng) else "-", scoped)]
            if variants[0][0] == "area":
                if queries.get(name).param("gridCode") is not None:
                    variants += [("gridCode area", by_grid_code(scoped, 1)),
                                 ("gridCode grid", by_grid_code(scoped, 2))]
                variants.append(("whole county", county_wide(scoped)))
            for scope, make in variants:
                times, rows = measure(queries, db, name, make, rng, args.runs)
                p50, p95 = statistics.median(times), percentile(times, 0.95)
                goal = GOALS_MS.get(name, DEFAULT_GOAL_MS)
                mark = "ok" if p95 < goal else "over"
                if scope != "whole county" and p95 >= goal:
                    failed.append(name)
                print(f"{name:<24} {scope:<14} {rows:>5} {p50:>8.1f} {p95:>8.1f} {goal:>5.0f} {mark}", flush=True)
        print("\nall p95 within their goals (area scope)" if not failed else f"\nover the goal: {', '.join(failed)}")
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        db.close()
        if args.stop:
            local.stop()


if __name__ == "__main__":
    main()
