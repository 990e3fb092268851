"""Grid roster sheets (网格): grids, their hierarchy and paths, region, chief and members.

A roster is small, so the whole sheet is read before anything is written: levels and paths need every
parent, and parents are written before their children. ``Grid.path`` is ``/`` + the codes from the root
down to the grid + ``/``. When a grid moves under another parent, the paths of its subtree and the
``gridPath`` of everything in it move with it.

Rosters other towns keep name each grid's village and town (``所属村``, ``所属乡镇``) instead of a parent, and
often no grid code. Such a grid is put under its village's grid (found by name, or created as a second-level
grid named after the village, coded by the village's division code when the roster gives one), and a grid
without a code gets ``<village grid code>-<short name>`` (``370781102201-1网格``). Villages and towns become
``Region`` nodes {code, name, level} when their division code is known; the village grid is ``IN_REGION`` its
village. Grid chiefs and members are linked to census persons by their ID-number columns (see
:mod:`loaders.kinds.staff`); the roster replaces the chiefs and members it lists, but not the posts a staff roster
added (``source: 'staffRoster'``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from neo4j import ManagedTransaction

from loaders.headers import GRIDS
from loaders.kinds.base import BatchResult, Emit, KindHandler, Problem, Row, Skip, changed, native
from loaders.kinds.staff import MERGE_STAFF, staff_matches, staff_person
from loaders.places import grid_short_name, village_key, village_variants
from loaders.report import RowStatus
from loaders.state import GridInfo
from loaders.values import (
    clean_code,
    grid_level,
    split_list,
    split_names,
    split_positions,
    star_rating,
)
from schema.text import ValueProblem, clean_name, clean_text
from schema.vocabulary import GRID_KIND_ZH, GRID_MEMBER_KIND_ZH


@dataclass
class GridRecord:
    row: int
    code: str
    props: dict[str, Any]
    parent: str | None
    region: str | None
    chiefs: list[dict[str, Any]]
    members: list[dict[str, Any]]
    old_path: str | None
    regions: list[dict[str, Any]] = field(default_factory=list)  # the village's and town's Region nodes


def region_level(code: str) -> str:
    """The level of a 12-digit division code from its trailing zeros."""
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "city"
    if code[6:] == "0" * 6:
        return "county"
    if code[9:] == "000":
        return "town"
    return "village"


FETCH = """
UNWIND $rows AS row
OPTIONAL MATCH (g:Grid {code: row.code})
RETURN row.i AS i, CASE WHEN g IS NULL THEN null ELSE g {.name, .level, .kind, .starRating, .path,
  parents: [(g)-[:PART_OF]->(p:Grid) | p.code], regions: [(g)-[:IN_REGION]->(r:Region) | r.code],
  places: [(g)-[:IN_REGION]->(r:Region) WHERE r.name IS NOT NULL | r.code] +
          [(g)-[:IN_REGION]->(:Region)-[:PART_OF]->(t:Region) WHERE t.name IS NOT NULL | t.code],
  chiefs: [(c:Person)-[r:GRID_CHIEF_OF]->(g) WHERE r.source IS NULL | [c.key, c.phoneHash]],
  members: [(m:Person)-[r:GRID_MEMBER_OF]->(g) WHERE r.source IS NULL | [m.key, m.phoneHash, r.kind, r.department]]
} END AS grid
"""

WRITE_GRIDS = """
UNWIND $rows AS row
MERGE (g:Grid {code: row.code})
SET g += row.props
WITH g, row
OPTIONAL MATCH (g)-[old:PART_OF]->(p) WHERE p.code <> coalesce(row.parent, '')
DELETE old
WITH DISTINCT g, row
OPTIONAL MATCH (g)-[old:IN_REGION]->(r) WHERE r.code <> coalesce(row.region, '')
DELETE old
WITH DISTINCT g, row
OPTIONAL MATCH (c)-[old:GRID_CHIEF_OF]->(g) WHERE NOT c.key IN [s IN row.chiefs | s.key] AND old.source IS NULL
DELETE old
WITH DISTINCT g, row
OPTIONAL MATCH (m)-[old:GRID_MEMBER_OF]->(g) WHERE NOT m.key IN [s IN row.members | s.key] AND old.source IS NULL
DELETE old
"""

WRITE_LINKS = """
UNWIND $rows AS row
MATCH (g:Grid {code: row.code})
CALL (g, row) {
  MATCH (p:Grid {code: row.parent})
  MERGE (g)-[:PART_OF]->(p)
}
CALL (g, row) {
  UNWIND row.regions AS place
  MERGE (r:Region {code: place.code})
  SET r.level = place.level, r.name = coalesce(place.name, r.name)
  WITH r, place
  UNWIND CASE WHEN place.parent IS NULL THEN [] ELSE [place.parent] END AS parentCode
  MATCH (up:Region {code: parentCode})
  MERGE (r)-[:PART_OF]->(up)
}
CALL (g, row) {
  UNWIND CASE WHEN row.region IS NULL THEN [] ELSE [row.region] END AS regionCode
  MERGE (r:Region {code: regionCode}) ON CREATE SET r.level = row.regionLevel
  MERGE (g)-[:IN_REGION]->(r)
}
CALL (g, row) {
  UNWIND row.chiefs AS s
""" + MERGE_STAFF + """
  MERGE (p)-[:GRID_CHIEF_OF]->(g)
}
CALL (g, row) {
  UNWIND row.members AS s
""" + MERGE_STAFF + """
  MERGE (p)-[r:GRID_MEMBER_OF]->(g)
  SET r.kind = s.kind, r.department = s.department
}
"""

# Everything under a grid that moved: its descendants' paths and the gridPath of what sits in them.
MOVE_SUBTREE = """
UNWIND $moves AS mv
CALL (mv) {
  MATCH (n:Grid) WHERE n.path STARTS WITH mv.old AND n.path <> mv.old
  SET n.path = mv.new + substring(n.path, size(mv.old))
}
CALL (mv) {
  MATCH (n:Unit) WHERE n.gridPath STARTS WITH mv.old SET n.gridPath = mv.new + substring(n.gridPath, size(mv.old))
}
CALL (mv) {
  MATCH (n:Household) WHERE n.gridPath STARTS WITH mv.old
  SET n.gridPath = mv.new + substring(n.gridPath, size(mv.old))
}
CALL (mv) {
  MATCH (n:Case) WHERE n.gridPath STARTS WITH mv.old SET n.gridPath = mv.new + substring(n.gridPath, size(mv.old))
}
CALL (mv) {
  MATCH (n:Organization) WHERE n.gridPath STARTS WITH mv.old
  SET n.gridPath = mv.new + substring(n.gridPath, size(mv.old))
}
"""


@dataclass
class _Parsed:
    row: Row
    code: str
    name: str
    level: int | None
    parent: str | None
    kind: str | None
    region: str | None
    stars: int | None
    village: str | None = None  # the village the roster names in 所属村
    town: str | None = None
    regions: list[dict[str, Any]] = field(default_factory=list)


class GridsHandler(KindHandler):
    kind = GRIDS

    def records(self, rows: Iterator[Row], emit: Emit) -> Iterator[GridRecord | Skip]:
        parsed: dict[str, _Parsed] = {}
        pending: list[_Parsed] = []  # rows that name a village: placed once all rows are read
        for row in rows:
            item = self._parse(row, emit)
            if item is None:
                yield Skip(row.number, "rejected")
            elif item.village is not None:
                pending.append(item)
            elif item.code in parsed:
                emit(Problem("grid_duplicate", "rejected", f"grid code {item.code} is already listed at row "
                             f"{parsed[item.code].row.number}; each grid once.", row.number, "code", item.code))
                yield Skip(row.number, "rejected")
            else:
                parsed[item.code] = item
        for item in pending:
            # A coded row for the village itself (网格名称 张庄村, 所属村 张庄村): the village's grid.
            if (item.code and item.parent is None and item.level in (2, None) and item.code not in parsed
                    and village_variants(item.name) & village_variants(item.village or "")):
                item.level = 2
                if item.region is not None:
                    item.regions = self._village_places(item.region, item.name, item.town)
                parsed[item.code] = item
        for item in pending:
            if parsed.get(item.code) is item:
                continue
            placed = self._place_in_village(item, parsed, emit)
            if placed == "grid":
                parsed[item.code] = item
            elif placed == "rejected":
                yield Skip(item.row.number, "rejected")
            elif placed == "known":
                yield Skip(item.row.number, "unchanged")  # the village's own row, its grid already listed
        grids = self.state.grids
        paths: dict[str, tuple[str, int]] = {}
        rejected: set[str] = set()

        def resolve(code: str, trail: tuple[str, ...]) -> tuple[str, int] | None:
            if code in paths:
                return paths[code]
            item = parsed.get(code)
            if item is None:
                known = grids.by_code.get(code)
                return (known.path, known.level) if known else None
            if code in trail:
                emit(Problem("grid_cycle", "rejected", f"grid {code} is its own ancestor ({' → '.join(trail)}).",
                             item.row.number, "parent", item.parent))
                rejected.add(code)
                return None
            if item.parent is None:
                result = (f"/{code}/", item.level or 1)
            else:
                above = resolve(item.parent, (*trail, code))
                if above is None:
                    if code not in rejected:
                        emit(Problem("grid_parent_unknown", "rejected",
                                     f"上级网格 {item.parent} is neither in this roster nor already imported; add it "
                                     "or correct the code.", item.row.number, "parent", item.parent))
                        rejected.add(code)
                    return None
                result = (f"{above[0]}{code}/", item.level or above[1] + 1)
            paths[code] = result
            return result

        for code in parsed:
            resolve(code, ())
        accepted = sorted((parsed[c] for c in paths if c in parsed), key=lambda p: paths[p.code][0].count("/"))
        for code in parsed.keys() - paths.keys():
            if parsed[code].row.number > 0:
                yield Skip(parsed[code].row.number, "rejected")
        old_paths: dict[str, str | None] = {}
        for item in accepted:
            path, level = paths[item.code]
            old = grids.by_code.get(item.code)
            old_paths[item.code] = old.path if old is not None and old.path != path else None
            grids.put(GridInfo(item.code, item.name, level, path, item.parent))
            if level == 2 and item.village:
                grids.name_village(item.code, item.village)
        for item in accepted:
            path, level = paths[item.code]
            village = grids.village_code(grids.by_code[item.code])
            chiefs, members = self._staff(item.row, village, emit) if item.row.number > 0 else ([], [])
            props = {"name": item.name, "level": level, "kind": item.kind, "starRating": item.stars, "path": path}
            yield GridRecord(item.row.number, item.code, props, item.parent, item.region, chiefs, members,
                             old_paths[item.code], item.regions)

    def _place_in_village(self, item: _Parsed, parsed: dict[str, _Parsed], emit: Emit) -> str:
        """Put a grid under the village its roster row names, creating the village's grid when needed.

        ``'grid'`` when placed; ``'village'`` when the row is the village's own (the village's new grid takes the
        row's details); ``'known'`` for the village's own row when its grid is listed or imported already;
        ``'rejected'`` for a grid listed twice."""
        assert item.village is not None
        village_name = village_key(item.village)
        region, item.region = item.region, None  # a roster that names the village gives the village's code
        variants = village_variants(item.village)
        village_code = next((code for code, other in parsed.items() if other.level in (2, None)
                             and other.parent is None and village_variants(other.name) & variants), None)
        if village_code is None:
            village_code = self.state.grids.village_named(item.village)
        if village_code is None:
            village_code = region or clean_code(f"{item.town or ''}{village_name}") or village_name
            if village_code not in parsed:
                places = self._village_places(region, village_name, item.town) if region else []
                parsed[village_code] = _Parsed(Row(0, {}), village_code, village_name, 2, None, None, region, None,
                                               None, item.town, places)
        if village_code == item.code or (village_key(item.name) == village_name and not item.code):
            village = parsed.get(village_code)
            if village is not None and village.row.number == 0:  # the village's grid made above: this is its row
                village.row, village.kind, village.stars = item.row, item.kind, item.stars
                return "village"
            return "known"
        if item.parent is None:
            item.parent = village_code
        elif item.parent not in parsed and item.parent not in self.state.grids.by_code:
            # A parent written by name: a grid of the same village.
            same = [c for c, other in parsed.items() if other.name == item.parent
                    and (other.parent == village_code or c == village_code)]
            if len(same) == 1:
                item.parent = same[0]
        if not item.code:
            names = {village_name, item.village}
            short = item.name
            for name in sorted(names, key=len, reverse=True):
                if short.startswith(name) and len(short) > len(name):
                    short = short[len(name):]
                    break
            item.code = f"{village_code}-{grid_short_name(short)}"
        if item.code in parsed:
            emit(Problem("grid_duplicate", "rejected", f"grid {item.name} of {item.village} is already listed at "
                         f"row {parsed[item.code].row.number}; each grid once.", item.row.number, "name", item.name))
            return "rejected"
        return "grid"

    @staticmethod
    def _village_places(region: str, village: str, town: str | None) -> list[dict[str, Any]]:
        """The Region nodes of a village the roster names with its division code: the town, then the village."""
        town_code = region[:9] + "000"
        places: list[dict[str, Any]] = []
        if town:
            places.append({"code": town_code, "name": town, "level": "town", "parent": None})
        places.append({"code": region, "name": village, "level": region_level(region),
                       "parent": town_code if town else None})
        return places

    def _parse(self, row: Row, emit: Emit) -> _Parsed | None:
        code = clean_code(row.get("code"))
        name = clean_name(row.get("name"))
        village = clean_name(row.get("village"))
        if name is None or (code is None and village is None):
            field_name = "name" if name is None else "code"
            emit(Problem(f"grid_{field_name}_missing", "rejected",
                         f"{'网格名称' if name is None else '网格编码 (or 所属村)'} is empty.", row.number, field_name))
            return None
        try:
            level = grid_level(row.get("level"))
        except ValueProblem as problem:
            emit(Problem(problem.code, "rejected", str(problem), row.number, "level", clean_text(row.get("level"))))
            return None
        kind_text = clean_text(row.get("kind"))
        kind = GRID_KIND_ZH.get(kind_text or "")
        if kind_text and kind is None:
            emit(Problem("grid_kind_unknown", "warning", f"网格类型 {kind_text!r} is not known (生活网格, 生产网格, "
                         "商业网格, 专属网格); left empty.", row.number, "kind", kind_text))
        region = clean_code(row.get("region"))
        if region is not None and not re.fullmatch(r"\d{12}", region):
            emit(Problem("region_code_invalid", "warning", f"区划代码 {region!r} is not a 12-digit division code; "
                         "left out.", row.number, "region", region))
            region = None
        try:
            stars = star_rating(row.get("stars"))
        except ValueProblem as problem:
            emit(Problem(problem.code, "warning", str(problem), row.number, "stars", clean_text(row.get("stars"))))
            stars = None
        places: list[dict[str, Any]] = []
        if region is not None and village is None and region_level(region) == "village" and level in (2, None):
            places.append({"code": region, "name": name, "level": "village", "parent": None})
        return _Parsed(row, code or "", name, level, clean_code(row.get("parent")), kind.value if kind else None,
                       region, stars, village, clean_name(row.get("town")), places)

    def _staff(self, row: Row, village: str, emit: Emit) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        chief_ids = split_list(row.get("chief_id"))
        chiefs = [staff_person(self.state, self.source, "grid chief", n, village, row.get("chief_phone"), row.number,
                               "chief_phone", emit,
                               chief_ids[0] if chief_ids else None, "chief_id")
                  for n in split_names(row.get("chief"))[:1]]
        names = split_names(row.get("members"))
        phones: list[object] = list(split_list(row.get("member_phones")))
        ids = split_list(row.get("member_ids"))
        if phones and len(phones) != len(names):
            emit(Problem("member_phones_mismatch", "warning", f"{len(names)} 网格员 but {len(phones)} phone numbers; "
                         "phones are matched in order.", row.number, "member_phones"))
        members = [staff_person(self.state, self.source, "grid member", n, village,
                                phones[i] if i < len(phones) else None, row.number,
                                "member_phones", emit, ids[i] if i < len(ids) else None, "member_ids")
                   for i, n in enumerate(names)]
        for member, (kind_of, department) in zip(members, self._member_roles(row, len(names), emit), strict=True):
            member.update(kind=kind_of, department=department)
        return chiefs, members

    @staticmethod
    def _member_roles(row: Row, count: int, emit: Emit) -> list[tuple[str | None, str | None]]:
        """网格员类别 and 网格员所属部门 of each 网格员, matched in order (blank places stay empty)."""
        kinds = split_positions(row.get("member_kinds"))
        departments = split_positions(row.get("member_departments"))
        for column, header, values in (("member_kinds", "网格员类别", kinds),
                                       ("member_departments", "网格员所属部门", departments)):
            if values and len(values) != count:
                emit(Problem(f"{column}_mismatch", "warning", f"{count} 网格员 but {len(values)} {header}; they are "
                             "matched in order.", row.number, column))
        roles: list[tuple[str | None, str | None]] = []
        for i in range(count):
            text = kinds[i] if i < len(kinds) else None
            kind = GRID_MEMBER_KIND_ZH.get(text or "")
            if text and kind is None:
                emit(Problem("grid_member_kind_unknown", "warning", f"网格员类别 {text!r} is not known (专职, 兼职, "
                             "专业); left empty.", row.number, "member_kinds", text))
            roles.append((kind, departments[i] if i < len(departments) else None))
        return roles

    def apply(self, tx: ManagedTransaction, records: list[GridRecord], write: bool) -> BatchResult:
        stored = {r["i"]: r["grid"] for r in tx.run(FETCH, rows=[{"i": i, "code": g.code}
                                                                  for i, g in enumerate(records)])}
        result = BatchResult()
        rows: list[dict[str, Any]] = []
        for i, record in enumerate(records):
            old = stored[i]
            status: RowStatus = "created" if old is None else "unchanged"
            if old is not None:
                differs = bool(changed(old, record.props))
                differs |= native(old["parents"]) != ([record.parent] if record.parent else [])
                differs |= native(old["regions"]) != ([record.region] if record.region else [])
                differs |= not staff_matches(old["chiefs"], record.chiefs)
                differs |= not staff_matches(old["members"], record.members, "kind", "department")
                differs |= any(place["code"] not in old["places"] for place in record.regions)
                status = "updated" if differs else "unchanged"
            if status != "unchanged":
                rows.append({"code": record.code, "props": record.props, "parent": record.parent,
                             "region": record.region, "regionLevel": region_level(record.region or "0" * 12),
                             "chiefs": record.chiefs, "members": record.members, "oldPath": record.old_path,
                             "regions": record.regions})
            result.statuses.append((record.row, status))
        if write and rows:
            tx.run(WRITE_GRIDS, rows=rows).consume()
            tx.run(WRITE_LINKS, rows=rows).consume()
            moves = [{"old": r["oldPath"], "new": r["props"]["path"]} for r in rows if r["oldPath"]]
            if moves:
                tx.run(MOVE_SUBTREE, moves=moves).consume()
        return result


def _pairs(items: list[Any]) -> list[tuple[Any, ...]]:
    return sorted((tuple(item) for item in items), key=repr)  # repr: the tuples may hold None
