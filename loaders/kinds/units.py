"""Unit sheets (单元): units of a grid, their chief, and the households they contain.

``Unit.code`` is ``<grid code>/<unit name>`` unless the sheet has a 单元编码. Each listed household gets
``(:Household)-[:IN_UNIT]->(:Unit)`` (a household is in one unit; listing it again elsewhere moves it); its
``IN_GRID`` stays. Households must already be imported: import the census first (in the same command is
enough), or the missing numbers are reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from neo4j import ManagedTransaction

from loaders.headers import UNITS
from loaders.kinds.base import BatchResult, Emit, KindHandler, Problem, Rejected, Row, Skip, changed, native
from loaders.kinds.staff import MERGE_STAFF, staff_matches, staff_person
from loaders.report import RowStatus
from loaders.values import clean_code, household_numbers, split_names
from schema.text import ValueProblem, clean_name, clean_text


@dataclass
class UnitRecord:
    row: int
    code: str
    props: dict[str, Any]
    grid: str
    chiefs: list[dict[str, Any]]
    households: list[str]
    known_here: list[str]  # households seen in this run's census (they exist even in a dry run)


FETCH = """
UNWIND $rows AS row
OPTIONAL MATCH (u:Unit {code: row.code})
RETURN row.i AS i,
  CASE WHEN u IS NULL THEN null ELSE u {.name, .gridPath, grids: [(u)-[:IN_GRID]->(g:Grid) | g.code],
       chiefs: [(c:Person)-[:UNIT_CHIEF_OF]->(u) | [c.key, c.phoneHash]]} END AS unit,
  [c IN row.households WHERE EXISTS { MATCH (:Household {code: c}) }] AS existing,
  [c IN row.households WHERE EXISTS { MATCH (h:Household {code: c})
      WHERE all(x IN [(h)-[:IN_UNIT]->(y:Unit) | y.code] WHERE x = row.code) AND EXISTS { (h)-[:IN_UNIT]->(:Unit) } }
  ] AS linked
"""
# ``linked`` starts from the household (a unique index seek) and looks at its few units: a plan that starts from
# the unit or from the label scans thousands of households, and was chosen after statistics went stale.

WRITE = """
UNWIND $rows AS row
MERGE (u:Unit {code: row.code})
SET u += row.props
WITH u, row
MATCH (g:Grid {code: row.grid})
MERGE (u)-[:IN_GRID]->(g)
WITH u, row, g
CALL (u, g) {
  MATCH (u)-[old:IN_GRID]->(o) WHERE o <> g
  DELETE old
}
CALL (u, row) {
  MATCH (c)-[old:UNIT_CHIEF_OF]->(u) WHERE NOT c.key IN [s IN row.chiefs | s.key]
  DELETE old
}
CALL (u, row) {
  UNWIND row.chiefs AS s
""" + MERGE_STAFF + """
  MERGE (p)-[:UNIT_CHIEF_OF]->(u)
}
CALL (u, row) {
  UNWIND row.households AS hc
  MATCH (h:Household {code: hc})
  MERGE (h)-[:IN_UNIT]->(u)
  WITH h, u
  MATCH (h)-[old:IN_UNIT]->(o) WHERE o <> u
  DELETE old
}
"""


class UnitsHandler(KindHandler):
    kind = UNITS

    def records(self, rows: Iterator[Row], emit: Emit) -> Iterator[UnitRecord | Skip]:
        for row in rows:
            name = clean_name(row.get("name"))
            if name is None:
                emit(Problem("unit_name_missing", "rejected", "单元名称 is empty.", row.number, "name"))
                yield Skip(row.number, "rejected")
                continue
            try:
                grid = self.grid_of(row)
                numbers = household_numbers(row.get("households"))
            except Rejected as problem:
                emit(Problem(problem.code, "rejected", str(problem), row.number, problem.field, problem.value))
                yield Skip(row.number, "rejected")
                continue
            except ValueProblem as problem:
                emit(Problem(problem.code, "rejected", str(problem), row.number, "households",
                             clean_text(row.get("households"))))
                yield Skip(row.number, "rejected")
                continue
            households = [f"{self.state.grids.village_code(grid)}-{n}" for n in numbers]
            code = clean_code(row.get("code")) or f"{grid.code}/{name}"
            village = self.state.grids.village_code(grid)
            chiefs = [staff_person(self.state, self.source, "unit chief", n, village, row.get("chief_phone"),
                                   row.number, "chief_phone", emit, row.get("chief_id"), "chief_id")
                      for n in split_names(row.get("chief"))[:1]]
            known = [h for h in households if h in self.state.households]
            yield UnitRecord(row.number, code, {"name": name, "gridPath": grid.path}, grid.code, chiefs, households,
                             known)

    def touches(self, record: UnitRecord) -> list[str]:
        return [f"unit {record.code}", *(f"household {code}" for code in record.households)]

    def apply(self, tx: ManagedTransaction, records: list[UnitRecord], write: bool) -> BatchResult:
        params = [{"i": i, "code": r.code, "households": r.households} for i, r in enumerate(records)]
        stored = {row["i"]: row for row in tx.run(FETCH, rows=params)}
        result = BatchResult()
        rows: list[dict[str, Any]] = []
        for i, record in enumerate(records):
            found = stored[i]
            old = found["unit"]
            existing = set(found["existing"]) | set(record.known_here)
            missing = [h for h in record.households if h not in existing]
            if missing:
                numbers = "、".join(h.rsplit("-", 1)[-1] for h in missing)
                result.problems.append((i, Problem(
                    "household_not_found", "rejected",
                    f"户号 {numbers} not found in the census of this village; those households were not put in the "
                    "unit. Import the census first (or in the same command), or correct the numbers.",
                    record.row, "households", numbers)))
            status: RowStatus = "created" if old is None else "unchanged"
            if old is not None:
                differs = bool(changed(old, record.props)) or native(old["grids"]) != [record.grid]
                differs |= not staff_matches(old["chiefs"], record.chiefs)
                differs |= set(found["linked"]) != existing & set(record.households)
                status = "updated" if differs else "unchanged"
            if status != "unchanged":
                rows.append({"code": record.code, "props": record.props, "grid": record.grid,
                             "chiefs": record.chiefs, "households": [h for h in record.households if h in existing]})
            result.statuses.append((record.row, status))
        if write and rows:
            tx.run(WRITE, rows=rows).consume()
        return result


def _pairs(items: list[Any]) -> list[tuple[Any, ...]]:
    return sorted(tuple(item) for item in items)
