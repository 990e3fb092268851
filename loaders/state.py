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
from loaders.places import grid_short_name, village_key, village_variants
from loaders.values import clean_code
from schema.calendar import WorkingCalendar, working_calendar
from schema.sensitive import SensitiveData
from schema.text import ValueProblem, clean_name


@dataclass
class GridInfo:
    code: str
    name: str
    level: int
    path: str
    parent: str | None = None


MAX_CANDIDATES = 8


class GridIndex:
    """Grids by code, by name, and by short name within their village; resolves what a sheet writes in 所属网格.

    A village is a second-level grid (or the ancestor-or-self that is one); its names are the grid's name and
    the name of its village Region (or a roster's 所属村 column). Short names (``第1网格``) are looked up within
    the village the row, the sheet or the file names, and are ambiguous without one when villages share them.
    """

    def __init__(self) -> None:
        self.by_code: dict[str, GridInfo] = {}
        self._by_name: dict[str, set[str]] = {}
        # A census names the same few grids thousands of times: remember what each cell resolved to.
        self._resolved: dict[tuple[object, str | None], GridInfo] = {}
        self._villages: dict[str, str] = {}
        self._village_names: dict[str, set[str]] = {}  # village grid code → names it is known by
        self._by_village_name: dict[str, set[str]] | None = None  # name variant → village grid codes
        self._short: dict[tuple[str | None, str], set[str]] | None = None  # (village, short name) → grids

    @classmethod
    def load(cls, db: Database) -> GridIndex:
        index = cls()
        rows = db.read("MATCH (g:Grid) OPTIONAL MATCH (g)-[:PART_OF]->(p:Grid) "
                       "OPTIONAL MATCH (g)-[:IN_REGION]->(r:Region) "
                       "RETURN g.code AS code, g.name AS name, g.level AS level, g.path AS path, p.code AS parent, "
                       "collect(r.name) AS regions")
        for row in rows:
            index.put(GridInfo(row["code"], row["name"] or row["code"], int(row["level"] or 2),
                               row["path"] or f"/{row['code']}/", row["parent"]))
            for region in row["regions"]:
                if region:
                    index.name_village(row["code"], region)
        return index

    def put(self, info: GridInfo) -> None:
        old = self.by_code.get(info.code)
        if old is not None:
            self._by_name.get(old.name, set()).discard(info.code)
        self.by_code[info.code] = info
        self._by_name.setdefault(info.name, set()).add(info.code)
        self._changed()

    def name_village(self, code: str, name: str) -> None:
        """Record another name of the village whose grid is ``code`` (its Region's, or a roster's 所属村)."""
        self._village_names.setdefault(code, set()).add(name)
        self._changed()

    def _changed(self) -> None:
        self._resolved.clear()
        self._villages.clear()
        self._by_village_name = None
        self._short = None

    # --- villages ---------------------------------------------------------------------------------------

    def _village_table(self) -> dict[str, set[str]]:
        if self._by_village_name is None:
            table: dict[str, set[str]] = {}
            for info in self.by_code.values():
                if info.level == 2:
                    for name in (info.name, *self._village_names.get(info.code, ())):
                        for variant in village_variants(name):
                            table.setdefault(variant, set()).add(info.code)
            self._by_village_name = table
        return self._by_village_name

    def village_named(self, raw: object) -> str | None:
        """The village grid a cell names (by name or code); ``None`` when none or several match."""
        text = clean_name(raw)
        if text is None:
            return None
        code = clean_code(text)
        if code in self.by_code:
            return self.village_code(self.by_code[code])
        table = self._village_table()
        found = table.get(village_key(text), set())
        if not found:  # 李庄村 for a village known as 李庄
            found = set().union(*(table.get(v, set()) for v in village_variants(text)))
        return next(iter(found)) if len(found) == 1 else None

    def village_in(self, text: str | None) -> str | None:
        """The one village whose name a sheet or file name contains (``东村人口信息`` → 东村's grid)."""
        if not text:
            return None
        compact = "".join(text.split())
        hits = [(len(variant), codes) for variant, codes in self._village_table().items()
                if len(variant) >= 2 and variant in compact]
        if not hits:
            return None
        longest = max(length for length, _ in hits)
        found = set().union(*(codes for length, codes in hits if length == longest))
        return next(iter(found)) if len(found) == 1 else None

    def villages(self) -> list[str]:
        """The codes of the village grids (second level)."""
        return [code for code, info in self.by_code.items() if info.level == 2]

    def village_label(self, code: str) -> str:
        info = self.by_code.get(code)
        return info.name if info else code

    # --- grids ------------------------------------------------------------------------------------------

    def _short_table(self) -> dict[tuple[str | None, str], set[str]]:
        if self._short is None:
            table: dict[tuple[str | None, str], set[str]] = {}
            for info in self.by_code.values():
                village = self.village_code(info)
                if village == info.code:
                    continue
                names = self._village_names.get(village, set()) | {self.village_label(village)}
                below = [c for c in info.path.split("/") if c][:-1]
                chain = [self.by_code[c] for c in below if c in self.by_code and self.by_code[c].level > 2
                         and self.village_code(self.by_code[c]) == village]
                keys = {grid_short_name(_without_village(info.name, names))}
                if chain:
                    keys.add("".join(grid_short_name(_without_village(g.name, names)) for g in [*chain, info]))
                for key in keys:
                    table.setdefault((village, key), set()).add(info.code)
                    table.setdefault((None, key), set()).add(info.code)
            self._short = table
        return self._short

    def resolve(self, raw: object, village: str | None = None) -> GridInfo:
        """The grid a cell names by code, full name, or short name within ``village`` (a village grid's code).

        Raises ``grid_missing``, ``grid_unknown`` or ``grid_ambiguous`` naming the candidates. An empty cell
        with a village is the village's own grid."""
        cache_key = (raw, village)
        cached = self._resolved.get(cache_key) if isinstance(raw, str) else None
        if cached is not None:
            return cached
        info = self._resolve(raw, village)
        if isinstance(raw, str):
            self._resolved[cache_key] = info
        return info

    def _resolve(self, raw: object, village: str | None) -> GridInfo:
        code = clean_code(raw)
        if code is None:
            if village is not None:
                return self.by_code[village]
            raise ValueProblem("grid_missing", "the grid is empty: write the grid (code or name) or the village.")
        if code in self.by_code:
            return self.by_code[code]
        name = clean_name(raw) or ""
        same_name = self._by_name.get(name, set())
        codes = same_name
        if village is not None:
            codes = {c for c in codes if self.village_code(self.by_code[c]) == village}
        if len(codes) == 1:
            found_code = next(iter(codes))
            if village is None:
                # 第1网格 is one grid's exact name, yet also the short name of other villages' first grids.
                own = self.village_code(self.by_code[found_code])
                villages = self._village_names.get(own, set()) | {self.village_label(own)}
                if _without_village(name, villages) == name:
                    same = self._short_table().get((None, grid_short_name(name)), set())
                    if len(same) > 1:
                        raise ValueProblem("grid_ambiguous", f"grid {name!r} could be {self._list(same)}; write the "
                                           "village in a 所属村 column, in the sheet name or in the file name, or "
                                           "write the grid code.")
            return self.by_code[found_code]
        if len(codes) > 1:
            raise ValueProblem("grid_ambiguous", f"several grids are named {name!r}: {self._list(codes)}; "
                                                 "write the grid code instead.")
        if village is None:
            # A full name that starts with its village's name: 东村第1网格.
            for length in range(len(name) - 1, 1, -1):
                prefix = self.village_named(name[:length])
                if prefix is not None:
                    return self._resolve(name[length:] or None, prefix)
            named = self.village_named(name)
            if named is not None:
                return self.by_code[named]
        elif self.village_named(name) == village:
            return self.by_code[village]
        names = self._village_names.get(village, set()) | {self.village_label(village)} if village else set()
        short = grid_short_name(_without_village(name, names))
        if short.isdigit():
            short += "网格"  # a grid column holding only its number: 1 is 第1网格
        found = self._short_table().get((village, short), set())
        if len(found) == 1:
            return self.by_code[next(iter(found))]
        if len(found) > 1:
            where = f" in {self.village_label(village)}" if village else ""
            hint = ("write the village in a 所属村 column, in the sheet name or in the file name, or write the "
                    "grid code" if village is None else "write the grid code")
            raise ValueProblem("grid_ambiguous", f"grid {name!r}{where} could be {self._list(found)}; {hint}.")
        if village is not None and len(same_name) == 1:
            return self.by_code[next(iter(same_name))]  # the one grid of that name, in another village
        if village is not None:
            inside = sorted(c for c, info in self.by_code.items() if self.village_code(info) == village)
            raise ValueProblem("grid_unknown", f"grid {name!r} is not a grid of {self.village_label(village)} "
                                               f"(its grids: {self._list(inside)}). Correct the grid, or import "
                                               "the roster (网格 sheet) first.")
        raise ValueProblem("grid_unknown", f"grid {name!r} is not in the grid roster. Import the roster (网格 sheet) "
                                           "first, or correct the grid code.")

    def _list(self, codes: set[str] | list[str]) -> str:
        ordered = sorted(codes)
        shown = [f"{self.village_label(self.village_code(self.by_code[c]))}/{self.by_code[c].name} ({c})"
                 if self.village_code(self.by_code[c]) != c else f"{self.by_code[c].name} ({c})"
                 for c in ordered[:MAX_CANDIDATES]]
        more = f" and {len(ordered) - MAX_CANDIDATES} more" if len(ordered) > MAX_CANDIDATES else ""
        return ", ".join(shown) + more

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


def _without_village(name: str, villages: set[str]) -> str:
    """A grid's name without its village's name in front (东村第1网格 → 第1网格)."""
    for village in sorted((v for n in villages for v in village_variants(n)), key=len, reverse=True):
        if name.startswith(village) and len(name) > len(village):
            return name[len(village):]
    return name


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
class NamedPerson:
    """A person a sheet names by role without an ID number, to be linked to the census after the run."""

    name: str
    village: str
    phone_hash: str | None
    roles: set[str]
    source: int
    row: int


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
    # What this run's census says, for contact sheets that name members and households by name only.
    party_villages: dict[str, str] = field(default_factory=dict)  # party member key → village grid code
    party_names: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (village, name) → member keys
    heads: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (village, head's name) → households
    named: dict[str, NamedPerson] = field(default_factory=dict)  # name-only persons named in this run
    aliases: dict[str, str] = field(default_factory=dict)  # name-only key → the census person it was linked to

    @classmethod
    def load(cls, db: Database, sensitive: SensitiveData, calendar: WorkingCalendar | None = None) -> RunState:
        orgs = NamedIndex()
        for row in db.read("MATCH (o:PartyOrg) RETURN o.code AS code, o.name AS name"):
            orgs.put(row["code"], row["name"] or row["code"])
        state = cls(sensitive, GridIndex.load(db), orgs, calendar=calendar or working_calendar())
        for row in db.read("MATCH (p:Person) WHERE p.aliasKeys IS NOT NULL "
                           "UNWIND p.aliasKeys AS alias RETURN alias, p.key AS key"):
            state.aliases[row["alias"]] = row["key"]
        return state

    def name_only(self, key: str, name: str, village: str, phone_hash: str | None, role: str, source: int,
                  row: int) -> str:
        """The key to write for a person known by name in a village: the census person an earlier run linked
        the name to, or the name-only key (remembered, to be linked at the end of this run)."""
        linked = self.aliases.get(key)
        if linked is not None:
            return linked
        seen = self.named.get(key)
        if seen is None:
            self.named[key] = NamedPerson(name, village, phone_hash, {role}, source, row)
        else:
            seen.roles.add(role)
            seen.phone_hash = seen.phone_hash or phone_hash
        return key

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
