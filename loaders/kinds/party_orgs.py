"""Party organisation sheets (党组织): organisations, their parent, and the grid they are anchored in.

Small sheets: read whole, parents written before children. Without a 组织编码 column an organisation's name is
its code; its grid may be given by 所在网格 or by the village (所属村). ``(:PartyOrg)-[:PART_OF]->(:PartyOrg)`` and
``(:PartyOrg)-[:ANCHORED_IN]->(:Grid)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from neo4j import ManagedTransaction

from loaders.headers import PARTY_ORGS
from loaders.kinds.base import BatchResult, Emit, KindHandler, Problem, Row, Skip, changed, native
from loaders.report import RowStatus
from loaders.values import clean_code
from schema.text import ValueProblem, clean_name, clean_text
from schema.vocabulary import PartyOrgKind

PARTY_ORG_KIND_ZH: dict[str, PartyOrgKind] = {
    "党委": PartyOrgKind.COMMITTEE, "基层党委": PartyOrgKind.COMMITTEE,
    "大党委": PartyOrgKind.BIG_COMMITTEE,
    "党总支": PartyOrgKind.GENERAL_BRANCH, "总支": PartyOrgKind.GENERAL_BRANCH, "党总支部": PartyOrgKind.GENERAL_BRANCH,
    "党支部": PartyOrgKind.BRANCH, "支部": PartyOrgKind.BRANCH, "联合党支部": PartyOrgKind.BRANCH,
    "党小组": PartyOrgKind.GROUP, "小组": PartyOrgKind.GROUP,
}


@dataclass
class PartyOrgRecord:
    row: int
    code: str
    props: dict[str, Any]
    parent: str | None
    grid: str | None


FETCH = """
UNWIND $rows AS row
OPTIONAL MATCH (o:PartyOrg {code: row.code})
RETURN row.i AS i, CASE WHEN o IS NULL THEN null ELSE o {.name, .kind,
  parents: [(o)-[:PART_OF]->(p:PartyOrg) | p.code], grids: [(o)-[:ANCHORED_IN]->(g:Grid) | g.code]} END AS org
"""

WRITE = """
UNWIND $rows AS row
MERGE (o:PartyOrg {code: row.code})
SET o += row.props
WITH o, row
CALL (o, row) {
  MATCH (o)-[old:PART_OF]->(p) WHERE p.code <> coalesce(row.parent, '')
  DELETE old
}
CALL (o, row) {
  MATCH (o)-[old:ANCHORED_IN]->(g) WHERE g.code <> coalesce(row.grid, '')
  DELETE old
}
CALL (o, row) {
  MATCH (p:PartyOrg {code: row.parent})
  MERGE (o)-[:PART_OF]->(p)
}
CALL (o, row) {
  MATCH (g:Grid {code: row.grid})
  MERGE (o)-[:ANCHORED_IN]->(g)
}
"""


class PartyOrgsHandler(KindHandler):
    kind = PARTY_ORGS

    def records(self, rows: Iterator[Row], emit: Emit) -> Iterator[PartyOrgRecord | Skip]:
        items: dict[str, PartyOrgRecord] = {}
        raw_parents: dict[str, object] = {}
        for row in rows:
            name = clean_name(row.get("name"))
            # Without a code column an organisation is known by its name (unique in a town's sheet).
            code = clean_code(row.get("code")) or (clean_code(name) if "code" not in row.values else None)
            if code is None or name is None or code in items:
                message = ("组织编码 and 组织名称 are needed." if code is None or name is None
                           else f"组织编码 {code} is already listed at row {items[code].row}.")
                emit(Problem("party_org_invalid", "rejected", message, row.number, "code", code))
                yield Skip(row.number, "rejected")
                continue
            kind_text = clean_text(row.get("kind"))
            kind = PARTY_ORG_KIND_ZH.get(kind_text or "")
            if kind_text and kind is None:
                emit(Problem("party_org_kind_unknown", "warning", f"组织类型 {kind_text!r} is not known (党委, 党总支, "
                             "党支部, 党小组); left empty.", row.number, "kind", kind_text))
            grid = None
            if clean_text(row.get("grid")) is not None or clean_text(row.get("village")) is not None:
                try:
                    grid = self.grid_of(row).code
                except ValueProblem as problem:
                    emit(Problem(problem.code, "warning", f"{problem} The organisation is imported without it.",
                                 row.number, "grid", clean_text(row.get("grid"))))
            items[code] = PartyOrgRecord(row.number, code, {"name": name, "kind": kind.value if kind else None},
                                         None, grid)
            raw_parents[code] = row.get("parent")
            self.state.party_orgs.put(code, name)
        # Parents are resolved once the whole sheet is read: a parent may be listed further down.
        for code, item in items.items():
            raw = raw_parents[code]
            if clean_text(raw) is None:
                continue
            item.parent = self.state.party_orgs.resolve(raw)
            if item.parent is None or item.parent == code:
                item.parent = None
                emit(Problem("party_org_parent_unknown", "warning", f"上级组织 {clean_text(raw)!r} is neither in this "
                             "sheet nor already imported; the organisation is imported without a parent.", item.row,
                             "parent", clean_text(raw)))

        def depth(item: PartyOrgRecord, seen: tuple[str, ...] = ()) -> int:
            parent = items.get(item.parent or "")
            return 0 if parent is None or parent.code in seen else 1 + depth(parent, (*seen, item.code))

        yield from sorted(items.values(), key=depth)

    def apply(self, tx: ManagedTransaction, records: list[PartyOrgRecord], write: bool) -> BatchResult:
        stored = {r["i"]: r["org"] for r in tx.run(FETCH, rows=[{"i": i, "code": o.code}
                                                                for i, o in enumerate(records)])}
        result = BatchResult()
        rows: list[dict[str, Any]] = []
        for i, record in enumerate(records):
            old = stored[i]
            status: RowStatus = "created" if old is None else "unchanged"
            if old is not None and (changed(old, record.props)
                                    or native(old["parents"]) != ([record.parent] if record.parent else [])
                                    or native(old["grids"]) != ([record.grid] if record.grid else [])):
                status = "updated"
            if status != "unchanged":
                rows.append({"code": record.code, "props": record.props, "parent": record.parent,
                             "grid": record.grid})
            result.statuses.append((record.row, status))
        if write and rows:
            tx.run(WRITE, rows=rows).consume()
        return result
