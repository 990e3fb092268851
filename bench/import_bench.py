"""Import benchmark (not a test): a county-scale census through ``gridgraph load`` versus ``LOAD CSV``.

    .venv/bin/python bench/import_bench.py [--input DIR] [--batch-size N] [--writers N] [--work DIR]

Without ``--input`` it writes a county with ``gridgraph sample --scale county`` (about 300,000 persons) into
the work folder (default ``bench/out/import-bench/run-<time>``). It starts its own Neo4j there (free port,
never ``var/neo4j``), imports the folder end to end (reading the workbooks, validating, writing), and prints
persons per second and the peak memory of this process. Then, on the same server, it exports the census rows
exactly as they were written (persons, households, memberships, grid links) to a CSV file, empties the graph
but for the grids, and times ``LOAD CSV`` with the same MERGE statements, so the ratio compares the whole
loader with the server importing rows that are already clean. LOAD CSV thus runs on a warm server with grown
store files, so the import is then run once more from the same state (the graph emptied but for the grids),
and both ratios are printed; then once more with a single writer, to show what the concurrent writers bring.
Each figure comes with the CPU seconds the loader and the server spent, and the load average, since the machine
may be shared.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.database import Database
from graph.local_neo4j import LocalNeo4j
from graph.migrations import migrate
from graph.pii_key import sensitive_data
from graph.settings import Settings
from loaders.importer import DEFAULT_BATCH_SIZE, DEFAULT_WRITERS, Importer
from tests.neo4j_fixture import free_port

PASSWORD = "bench-password-123"
OUT = Path(__file__).resolve().parent / "out" / "import-bench"
COLUMNS = ("key", "name", "sex", "birthDate", "ethnicity", "politicalStatus", "tags", "note", "idHash", "idMasked",
           "idCipher", "phoneHash", "phoneMasked", "phoneCipher", "regionCodeKnown", "party", "relation",
           "household", "number", "address", "villageCode", "gridPath", "grid", "unit", "unitName", "unitGridPath")

EXPORT = """
MATCH (p:Person)-[m:MEMBER_OF]->(h:Household)-[:IN_GRID]->(g:Grid)
OPTIONAL MATCH (h)-[:IN_UNIT]->(u:Unit)
RETURN p {.*} AS p, p:PartyMember AS party, m.relation AS relation, h {.*} AS h, g.code AS grid, u {.*} AS u
"""

# What the census writes, to check that LOAD CSV wrote the same graph.
CENSUS_COUNTS = """
RETURN COUNT { (:Person)-[:MEMBER_OF]->(:Household) } AS memberships, COUNT { (:Household) } AS households,
  COUNT { (:PartyMember) } AS partyMembers, COUNT { (:Household)-[:IN_GRID]->(:Grid) } AS householdGrids,
  COUNT { (:Household)-[:IN_UNIT]->(:Unit) } AS householdUnits, COUNT { (:Unit)-[:IN_GRID]->(:Grid) } AS unitGrids
"""

# Back to the graph the census import started from: the grids (the roster) and nothing else.
DELETE = """
MATCH (n) WHERE NOT n:Grid AND NOT n:SchemaMigration
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
"""

LOAD_CSV = """
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MERGE (h:Household {code: row.household})
  SET h.number = row.number, h.address = row.address, h.villageCode = row.villageCode, h.gridPath = row.gridPath
  WITH h, row
  MATCH (g:Grid {code: row.grid})
  MERGE (h)-[:IN_GRID]->(g)
  MERGE (p:Person {key: row.key})
  SET p.name = row.name, p.sex = row.sex, p.birthDate = date(row.birthDate), p.ethnicity = row.ethnicity,
      p.politicalStatus = row.politicalStatus,
      p.tags = CASE WHEN row.tags IS NULL THEN [] ELSE split(row.tags, ';') END, p.note = row.note,
      p.idHash = row.idHash, p.idMasked = row.idMasked, p.idCipher = row.idCipher, p.phoneHash = row.phoneHash,
      p.phoneMasked = row.phoneMasked, p.phoneCipher = row.phoneCipher,
      p.regionCodeKnown = toBoolean(row.regionCodeKnown)
  FOREACH (_ IN CASE WHEN row.party = 'true' THEN [1] ELSE [] END | SET p:PartyMember)
  MERGE (p)-[m:MEMBER_OF]->(h)
  SET m.relation = row.relation
  FOREACH (_ IN CASE WHEN row.unit IS NULL THEN [] ELSE [1] END |
    MERGE (u:Unit {code: row.unit})
      ON CREATE SET u.name = row.unitName, u.gridPath = row.unitGridPath
    MERGE (u)-[:IN_GRID]->(g)
    MERGE (h)-[:IN_UNIT]->(u))
} IN TRANSACTIONS OF $batch ROWS
"""


def load_average() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_rows(db: Database, path: Path) -> int:
    rows = db.read(EXPORT, timeout=600)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            p, h, u = row["p"], row["h"], row["u"] or {}
            values = {**{k: p.get(k) for k in COLUMNS}, "tags": ";".join(p.get("tags") or []) or None,
                      "birthDate": p["birthDate"].iso_format() if p.get("birthDate") else None,
                      "party": "true" if row["party"] else "false", "relation": row["relation"],
                      "household": h["code"], "number": h.get("number"), "address": h.get("address"),
                      "villageCode": h.get("villageCode"), "gridPath": h.get("gridPath"), "grid": row["grid"],
                      "unit": u.get("code"), "unitName": u.get("name"), "unitGridPath": u.get("gridPath")}
            writer.writerow(["" if values[c] is None else values[c] for c in COLUMNS])
    return len(rows)


@dataclass(frozen=True)
class Cpu:
    """CPU seconds (user + system) of this process and of the server, to see which side is busy."""

    loader: float
    server: float

    @classmethod
    def now(cls, server: psutil.Process) -> Cpu:
        mine, theirs = os.times(), server.cpu_times()
        return cls(mine.user + mine.system, theirs.user + theirs.system)

    def since(self, earlier: Cpu) -> str:
        return f"CPU: loader {self.loader - earlier.loader:.1f} s, server {self.server - earlier.server:.1f} s"


def run_import(db: Database, settings: Settings, source: Path, batch_size: int, writers: int, when: str,
               server: psutil.Process) -> tuple[float, float]:
    """Import ``source``, print the figures, and return the seconds end to end and for the census sheets."""
    cpu = Cpu.now(server)
    started = time.perf_counter()
    report = Importer(db, settings, batch_size=batch_size, writers=writers).run([source])
    ours = time.perf_counter() - started
    census = [s for f in report.files for s in f.sheets if s.kind == "census"]
    persons = sum(s.created + s.updated for s in census)
    totals = report.totals()
    print(f"gridgraph load {when}, {writers} writer(s): {totals['rows']:,} rows ({persons:,} census persons in "
          f"{len(census)} sheets) in {ours:.1f} s = {persons / ours:,.0f} persons/s end to end; "
          f"{totals['rejected']:,} rejected, {totals['warnings']:,} warnings "
          f"({Cpu.now(server).since(cpu)}; {load_average()})")
    census_seconds = max(report.kind_seconds.get("census", 0.0), 1e-9)
    print(f"  of which the census sheets: {census_seconds:.1f} s = {persons / census_seconds:,.0f} persons/s; "
          f"planning and the other kinds: {ours - census_seconds:.1f} s ("
          + ", ".join(f"{k} {s:.1f} s" for k, s in report.kind_seconds.items() if k != "census") + ")")
    return ours, census_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, help="folder to import (default: generate a county)")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--writers", type=int, default=DEFAULT_WRITERS)
    parser.add_argument("--work", type=Path, help="folder for the server and generated files "
                                                  "(default: bench/out/import-bench/run-<time>)")
    args = parser.parse_args()
    work = args.work or OUT / time.strftime("run-%Y%m%d-%H%M%S")
    work.mkdir(parents=True, exist_ok=True)
    source = args.input
    if source is None:
        source = work / "county"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from cli.main import main; main()", "sample", str(source),
                        "--scale", "county", "--seed", "7", "--jobs", "2"], check=True)
        print(f"generated the county in {time.perf_counter() - started:.1f} s")
    server = LocalNeo4j(home=work / "neo4j", port=free_port(), password=PASSWORD, heap="4g",
                        pagecache_bytes=2 * 1024**3, start_timeout=240, tx_timeout=3600)
    process = psutil.Process(server.start().pid)
    try:
        env = {"NEO4J_URI": server.uri, "NEO4J_PASSWORD": PASSWORD, "GRIDGRAPH_VAR_DIR": str(work / "var"),
               "GRIDGRAPH_QUERY_TIMEOUT": "600"}
        settings = Settings.from_env(env)
        with Database.from_settings(settings) as db:
            migrate(db, keys=lambda: sensitive_data(settings))
            rss_before = peak_rss_mb()
            cold, cold_census = run_import(db, settings, source, args.batch_size, args.writers, "on the new server",
                                           process)
            print(f"peak memory of the loader process: {peak_rss_mb():.0f} MB (before the import: {rss_before:.0f} MB)")

            import_dir = work / "neo4j" / "db" / "import"
            import_dir.mkdir(parents=True, exist_ok=True)
            csv_path = import_dir / "census.csv"
            imported = db.read(CENSUS_COUNTS)[0]
            exported = export_rows(db, csv_path)
            with db.driver.session(database=settings.neo4j_database) as session:
                session.run(DELETE).consume()
                cpu = Cpu.now(process)
                started = time.perf_counter()
                try:
                    session.run(LOAD_CSV, url=csv_path.resolve().as_uri(), batch=args.batch_size).consume()
                except Exception:  # the server may only allow files in its import folder
                    session.run(LOAD_CSV, url="file:///census.csv", batch=args.batch_size).consume()
                load_csv = time.perf_counter() - started
            loaded = db.read(CENSUS_COUNTS)[0]
            print(f"LOAD CSV of the same {exported:,} rows with the same MERGE statements: "
                  f"{load_csv:.1f} s = {exported / load_csv:,.0f} persons/s ({Cpu.now(process).since(cpu)}; "
                  f"{load_average()})")
            print(f"  graph written: {'the same as' if loaded == imported else 'DIFFERENT from'} the import's "
                  f"({', '.join(f'{k} {v:,}' for k, v in loaded.items())})")
            # LOAD CSV ran on a warm server whose store files had already grown; the first import had neither
            # (planning its queries on a cold JVM alone costs seconds a kind). So import again from the same
            # starting point as LOAD CSV.
            with db.driver.session(database=settings.neo4j_database) as session:
                session.run(DELETE).consume()
            warm, warm_census = run_import(db, settings, source, args.batch_size, args.writers,
                                           "again, after the same DELETE as LOAD CSV", process)
            runs = [("new server", cold, cold_census), ("warm server", warm, warm_census)]
            if args.writers != 1:
                with db.driver.session(database=settings.neo4j_database) as session:
                    session.run(DELETE).consume()
                one, one_census = run_import(db, settings, source, args.batch_size, 1,
                                             "again, after the same DELETE", process)
                runs.append(("warm server, 1 writer", one, one_census))
            print("ratio (LOAD CSV time / gridgraph load time), census sheets alone (the same rows as LOAD CSV) and "
                  "end to end (every sheet of the county, of which LOAD CSV does only the census):")
            for label, ours, census_seconds in runs:
                print(f"  {label}: {load_csv / census_seconds:.2f}x for the census sheets, "
                      f"{load_csv / ours:.2f}x end to end")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
