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

Name search (the API's ``searchPersons``): the ways Neo4j can find persons by a part of their name — the range
index with ``STARTS WITH``, the text index with ``CONTAINS``, and a full-text index with the cjk analyzer (created
here for the comparison only) — each ranked (exact > prefix > contains) and cut to a page of 20 with its total, for
two-character prefixes of random persons' names; then the API's compiled query itself, for a management area and
for the whole county. Goal: p95 under 50 ms for a two-character prefix.

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

from api.auth import Caller, Role  # noqa: E402
from api.compile.catalog import SPECS  # noqa: E402
from api.compile.compiler import Compiler  # noqa: E402
from api.compile.selection import Selection  # noqa: E402
from api.resolvers.search import name_search  # noqa: E402
from graph.database import Database  # noqa: E402
from graph.local_neo4j import LocalNeo4j  # noqa: E402
from graph.migrations import migrate  # noqa: E402
from graph.pii_key import sensitive_data  # noqa: E402
from graph.settings import Settings  # noqa: E402
from queries.library import Library, library  # noqa: E402
from schema.graphql.enums import NameMatch  # noqa: E402

OUT = ROOT / "bench" / "out"
PORT = 7790
PASSWORD = "bench-password-1"
MIN_PERSONS = 300_000
GOALS_MS = {"similar-disputes": 100.0}
DEFAULT_GOAL_MS = 50.0
WARM_UP = 5

Arguments = Callable[[random.Random], dict[str, Any]]


def server(port: int = PORT) -> LocalNeo4j:
    return LocalNeo4j(home=OUT / "neo4j", port=port, password=PASSWORD, heap="2g",
                      pagecache_bytes=1024**3, start_timeout=300)


def ensure_county(db: Database, seed: int, port: int = PORT) -> None:
    """Generate and load the county unless the graph already holds it."""
    persons = db.read("MATCH (p:Person) RETURN count(p) AS n")[0]["n"]
    if persons >= MIN_PERSONS:
        return
    data = OUT / "county"
    env = {**os.environ, "NEO4J_URI": f"bolt://127.0.0.1:{port}", "NEO4J_PASSWORD": PASSWORD,
           "GRIDGRAPH_VAR_DIR": str(OUT / "var")}
    # The project's command, or the one installed next to the Python running this script.
    gridgraph = str(next((p for p in (ROOT / ".venv" / "bin" / "gridgraph", Path(sys.executable).parent / "gridgraph")
                          if p.exists()), "gridgraph"))
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


RANKED = ("WITH p ORDER BY CASE WHEN p.name = $t THEN 0 WHEN p.name STARTS WITH $t THEN 1 ELSE 2 END, p.name, p.key "
          "WITH collect(p) AS found RETURN size(found) AS total, [x IN found[0..20] | x {.key, .name}] AS page")
NAME_SEARCHES: dict[str, str] = {
    "range STARTS WITH": "MATCH (p:Person) WHERE p.name STARTS WITH $t " + RANKED,
    "text CONTAINS": "MATCH (p:Person) WHERE p.name CONTAINS $t " + RANKED,
    "fulltext cjk": "CALL db.index.fulltext.queryNodes('bench_person_name_cjk', '\"' + $t + '\"') YIELD node AS p "
                    + RANKED,
}


def api_search(db: Database, text: str, match: NameMatch, scope_path: str | None) -> Any:
    """The API's searchPersons query (its first page of keys and names, and the total) for ``text``."""
    caller = Caller("bench", Role.TOWN_ADMIN if scope_path is None else Role.GRID_STAFF, None, scope_path)
    compiler = Compiler(caller, SPECS, 100)
    selection = Selection("searchPersons", "searchPersons", {"first": 20}, [
        Selection("totalCount", "totalCount"),
        Selection("nodes", "nodes", children=[Selection("key", "key"), Selection("name", "name")])])
    query, shape = name_search(text, match)(compiler, selection)
    return shape.build(db.read(query, compiler.params)[0]["result"])


def bench_name_search(db: Database, rng: random.Random, runs: int) -> list[str]:
    """Time each way of searching names (see the module's docstring); the names of those over the goal."""
    db.run_schema("CREATE FULLTEXT INDEX bench_person_name_cjk IF NOT EXISTS FOR (p:Person) ON EACH [p.name] "
                  "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}")
    db.write("CALL db.awaitIndexes(600)")
    names = [r["name"] for r in db.read("MATCH (p:Person) WHERE size(p.name) >= 2 RETURN p.name AS name")]
    areas = [r["path"] for r in db.read("MATCH (g:Grid) WHERE g.level = 1 RETURN g.path AS path")]

    def prefix(_: random.Random) -> str:
        return rng.choice(names)[:2]

    def contained(_: random.Random) -> str:
        return rng.choice(names)[-2:]

    # (name, scope, what is typed, the search): the three index strategies with two-character prefixes.
    cases: list[tuple[str, str, Callable[[random.Random], str], Callable[[str], Any]]] = [
        (f"name: {how}", "whole county", prefix, lambda t, statement=statement: db.read(statement, {"t": t}))
        for how, statement in NAME_SEARCHES.items()]
    for label, match, typed in (("prefix", NameMatch.PREFIX, prefix), ("contains", NameMatch.CONTAINS, contained)):
        cases.append((f"searchPersons {label}", "area", typed,
                      lambda t, m=match: api_search(db, t, m, rng.choice(areas))))
        cases.append((f"searchPersons {label}", "whole county", typed,
                      lambda t, m=match: api_search(db, t, m, None)))
    failed: list[str] = []
    for name, scope, make_text, run in cases:
        for _ in range(WARM_UP):
            run(make_text(rng))
        times: list[float] = []
        for _ in range(runs):
            text = make_text(rng)
            began = time.perf_counter()
            run(text)
            times.append((time.perf_counter() - began) * 1000)
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        mark = "ok" if p95 < DEFAULT_GOAL_MS else "over"
        if name.startswith("searchPersons prefix") and p95 >= DEFAULT_GOAL_MS:
            failed.append(f"{name} ({scope})")
        print(f"{name:<24} {scope:<14} {'-':>5} {p50:>8.1f} {p95:>8.1f} {DEFAULT_GOAL_MS:>5.0f} {mark}", flush=True)
    return failed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stop", action="store_true", help="stop the bench's Neo4j afterwards")
    parser.add_argument("--names-only", action="store_true", help="time the name search only")
    parser.add_argument("--port", type=int, default=PORT, help=f"Bolt port of the bench's Neo4j (default {PORT})")
    args = parser.parse_args()

    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    local = server(args.port)
    local.start()
    db = Database(local.uri, "neo4j", PASSWORD, timeout=120)
    try:
        # The loaders' PII key (var/pii.key of the bench), for migrations that re-key stored data.
        bench_settings = Settings.from_env({"GRIDGRAPH_VAR_DIR": str(OUT / "var")})
        migrate(db, keys=lambda: sensitive_data(bench_settings))
        ensure_county(db, args.seed, args.port)
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
        for name in [] if args.names_only else queries.names():
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
        failed += bench_name_search(db, rng, args.runs)
        print("\nall p95 within their goals (area scope)" if not failed else f"\nover the goal: {', '.join(failed)}")
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        db.close()
        if args.stop:
            local.stop()


if __name__ == "__main__":
    main()
