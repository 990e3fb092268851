"""Staff rosters (网格员花名册): one row per person, with the grid they serve and their post.

A row whose 职务 names a grid chief (网格长) writes ``(:Person)-[:GRID_CHIEF_OF]->(:Grid)``; any other post
(专职网格员, 兼职网格员, 专业网格员 …) ``-[:GRID_MEMBER_OF {kind, department}]->``. The person is the census
person of the ID number when the row gives one, else known by name in the village and linked at the end of the
run (see :mod:`loaders.kinds.staff`). A roster only adds posts; the posts it adds carry ``source:
'staffRoster'``, so a grid roster (which replaces the chiefs and members it lists) leaves them alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from neo4j import ManagedTransaction

from loaders.headers import STAFF
from loaders.kinds.base import BatchResult, Emit, KindHandler, Problem, Rejected, Row, Skip
from loaders.kinds.staff import MERGE_STAFF, staff_person
from loaders.report import RowStatus
from schema.text import clean_name, clean_text
from schema.vocabulary import GRID_MEMBER_KIND_ZH

CHIEF_WORDS = ("网格长", "网格组长", "总网格长")


@dataclass
class StaffRecord:
    row: int
    grid: str
    chief: bool
    person: dict[str, Any]


FETCH = """
UNWIND $rows AS row
OPTIONAL MATCH (p:Person {key: row.key})
RETURN row.i AS i, CASE WHEN p IS NULL THEN [] ELSE
  [(p)-[r:GRID_CHIEF_OF|GRID_MEMBER_OF]->(g) WHERE g.code = row.grid | [type(r), r.kind, r.department]] END AS posts
"""

WRITE = """
UNWIND $rows AS row
MATCH (g:Grid {code: row.grid})
WITH g, row, row.person AS s
""" + MERGE_STAFF + """
FOREACH (_ IN CASE WHEN row.chief THEN [1] ELSE [] END |
  MERGE (p)-[r:GRID_CHIEF_OF]->(g) ON CREATE SET r.source = 'staffRoster')
FOREACH (_ IN CASE WHEN row.chief THEN [] ELSE [1] END |
  MERGE (p)-[r:GRID_MEMBER_OF]->(g) ON CREATE SET r.source = 'staffRoster'
  SET r.kind = s.kind, r.department = s.department)
"""


class StaffRosterHandler(KindHandler):
    kind = STAFF

    def records(self, rows: Iterator[Row], emit: Emit) -> Iterator[StaffRecord | Skip]:
        for row in rows:
            name = clean_name(row.get("name"))
            try:
                if name is None:
                    raise Rejected("staff_name_missing", "姓名 is empty.", "name")
                grid = self.grid_of(row)
            except Rejected as problem:
                emit(Problem(problem.code, "rejected", str(problem), row.number, problem.field, problem.value))
                yield Skip(row.number, "rejected")
                continue
            post = clean_text(row.get("role")) or ""
            chief = any(word in post for word in CHIEF_WORDS)
            village = self.state.grids.village_code(grid)
            person = staff_person(self.state, self.source, "grid chief" if chief else "grid member", name, village,
                                  row.get("phone"), row.number, "phone", emit, row.get("id_number"), "id_number")
            kind = next((value for word, value in GRID_MEMBER_KIND_ZH.items() if word in post), None)
            person.update(kind=None if chief else kind, department=clean_name(row.get("department")))
            yield StaffRecord(row.number, grid.code, chief, person)

    def touches(self, record: StaffRecord) -> tuple[str, ...]:
        return (f"person {record.person['key']}",)

    def apply(self, tx: ManagedTransaction, records: list[StaffRecord], write: bool) -> BatchResult:
        params = [{"i": i, "key": r.person["key"], "grid": r.grid} for i, r in enumerate(records)]
        stored = {row["i"]: row["posts"] for row in tx.run(FETCH, rows=params)}
        result = BatchResult()
        rows: list[dict[str, Any]] = []
        for i, record in enumerate(records):
            posts = [tuple(p) for p in stored[i] if p[0] is not None]
            wanted = (("GRID_CHIEF_OF", None, None) if record.chief else
                      ("GRID_MEMBER_OF", record.person["kind"], record.person["department"]))
            status: RowStatus = "unchanged" if wanted in posts else "created" if not posts else "updated"
            if status != "unchanged":
                rows.append({"grid": record.grid, "chief": record.chief, "person": record.person})
            result.statuses.append((record.row, status))
        if write and rows:
            tx.run(WRITE, rows=rows).consume()
        return result
