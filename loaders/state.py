"""What one import run knows beyond the row in hand: the grids and party organisations (from the database and
the sheets read so far), and the persons and households already seen in this run.

The persons index keeps a few bytes per person (a fingerprint of the fields that may conflict and where the
person was first seen), so that the same person in two sheets is imported once and differing fields are
reported as conflicts. Rows themselves are never kept.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from graph.database import Database
from loaders.values import ValueProblem, clean_code, clean_name
from schema.calendar import WorkingCalendar, working_calendar
from schema.sensitive import SensitiveData


@dataclass
class GridInfo:
    code: str
    name: str
    level: int
    path: str
    parent: str | None = None


class GridIndex:
    """Grids by code and by name; resolves what a sheet writes in 所属网格 (a code or a unique name)."""

    def __init__(self) -> None:
        self.by_code: dict[str, GridInfo] = {}
        self._by_name: dict[str, set[str]] = {}
        # A census names the same few grids thousands of times: remember what each cell resolved to.
        self._resolved: dict[object, GridInfo] = {}
        self._villages: dict[str, str] = {}

    @classmethod
    def load(cls, db: Database) -> GridIndex:
        index = cls()
        rows = db.read("MATCH (g:Grid) OPTIONAL MATCH (g)-[:PART_OF]->(p:Grid) "
                       "RETURN g.code AS code, g.name AS name, g.level AS level, g.path AS path, p.code AS parent")
        for row in rows:
            index.put(GridInfo(row["code"], row["name"] or row["code"], int(row["level"] or 2),
                               row["path"] or f"/{row['code']}/", row["parent"]))
        return index

    def put(self, info: GridInfo) -> None:
        old = self.by_code.get(info.code)
        if old is not None:
            self._by_name.get(old.name, set()).discard(info.code)
        self.by_code[info.code] = info
        self._by_name.setdefault(info.name, set()).add(info.code)
        self._resolved.clear()
        self._villages.clear()

    def resolve(self, raw: object) -> GridInfo:
        """The grid a cell names by code or unique name; raise ``grid_unknown`` / ``grid_ambiguous``."""
        cached = self._resolved.get(raw) if isinstance(raw, str) else None
        if cached is not None:
            return cached
        info = self._resolve(raw)
        if isinstance(raw, str):
            self._resolved[raw] = info
        return info

    def _resolve(self, raw: object) -> GridInfo:
        code = clean_code(raw)
        if code is None:
            raise ValueProblem("grid_missing", "the grid is empty: write the grid code from the grid roster.")
        if code in self.by_code:
            return self.by_code[code]
        name = clean_name(raw) or ""
        codes = self._by_name.get(name, set())
        if len(codes) == 1:
            return self.by_code[next(iter(codes))]
        if len(codes) > 1:
            raise ValueProblem("grid_ambiguous", f"several grids are named {name!r} ({', '.join(sorted(codes))}); "
                                                 "write the grid code instead.")
        raise ValueProblem("grid_unknown", f"grid {name!r} is not in the grid roster. Import the roster (网格 sheet) "
                                           "first, or correct the grid code.")

    def village_code(self, grid: GridInfo) -> str:
        """The code of the grid's second-level ancestor-or-self (one per administrative village)."""
        village = self._villages.get(grid.code)
        if village is None:
            village = self._villages[grid.code] = self._village_code(grid)
        return village

    def _village_code(self, grid: GridInfo) -> str:
        for code in reversed([c for c in grid.path.split("/") if c]):
            info = self.by_code.get(code)
            if info is not None and info.level == 2:
                return code
        return grid.code


class NamedIndex:
    """Party organisations (or other coded things) by code and by unique name."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self._by_name: dict[str, set[str]] = {}

    def put(self, code: str, name: str) -> None:
        self.names[code] = name
        self._by_name.setdefault(name, set()).add(code)

    def resolve(self, raw: object) -> str | None:
        code = clean_code(raw)
        if code is None:
            return None
        if code in self.names:
            return code
        codes = self._by_name.get(clean_name(raw) or "", set())
        return next(iter(codes)) if len(codes) == 1 else None


_PERSON = struct.Struct("<HI?8H")


@dataclass(frozen=True)
class SeenPerson:
    source: int
    row: int
    party: bool
    digests: tuple[int, ...]


@dataclass
class SeenHousehold:
    source: int
    row: int
    heads: int = 0
    members: int = 0
    second_head_row: int | None = None  # where a second 户主 is, to point the clerk at it


def field_digest(value: object) -> int:
    """16 bits of a value, enough to notice that two rows disagree on a field (within one process)."""
    return hash(value) & 0xFFFF


@dataclass
class RunState:
    """Shared by the sheets of one run; see the module docstring."""

    sensitive: SensitiveData
    grids: GridIndex
    party_orgs: NamedIndex
    sources: list[tuple[str, str | None]] = field(default_factory=list)
    persons: dict[str, bytes] = field(default_factory=dict)
    households: dict[str, SeenHousehold] = field(default_factory=dict)
    calendar: WorkingCalendar = field(default_factory=working_calendar)

    @classmethod
    def load(cls, db: Database, sensitive: SensitiveData, calendar: WorkingCalendar | None = None) -> RunState:
        orgs = NamedIndex()
        for row in db.read("MATCH (o:PartyOrg) RETURN o.code AS code, o.name AS name"):
            orgs.put(row["code"], row["name"] or row["code"])
        return cls(sensitive, GridIndex.load(db), orgs, calendar=calendar or working_calendar())

    def source_index(self, file: str, sheet: str | None) -> int:
        if (file, sheet) not in self.sources:
            self.sources.append((file, sheet))
        return self.sources.index((file, sheet))

    def seen_person(self, key: str) -> SeenPerson | None:
        packed = self.persons.get(key)
        if packed is None:
            return None
        source, row, party, *digests = _PERSON.unpack(packed)
        return SeenPerson(source, row, party, tuple(digests))

    def remember_person(self, key: str, source: int, row: int, party: bool, values: tuple[object, ...]) -> None:
        digests = [field_digest(v) for v in values][:8]
        digests += [0] * (8 - len(digests))
        self.persons[key] = _PERSON.pack(source, row, party, *digests)

    def where(self, source: int, row: int) -> str:
        file, sheet = self.sources[source]
        return f"{file}" + (f" [{sheet}]" if sheet else "") + f" row {row}"
