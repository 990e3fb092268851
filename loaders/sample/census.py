"""Census sheets (人口信息采集表), one per village, shaped and spoiled the way clerks keep them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from loaders.sample import defects
from loaders.sample.cells import Cell
from loaders.sample.identity import mobile_number
from loaders.sample.manifest import DefectRecord, Manifest
from loaders.sample.sheets import Sheet
from loaders.sample.world import Household, Person, Village

CENSUS_HEADERS = ("户号", "姓名", "性别", "民族", "身份证号", "出生日期", "与户主关系", "现住址", "政治面貌",
                  "联系电话", "所属网格", "所属单元", "人员类别", "备注")
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "身份证号": ("公民身份号码", "身份证号码"),
    "联系电话": ("手机号码", "联系方式"),
    "出生日期": ("出生年月",),
    "所属网格": ("网格",),
}
_COLUMN = {name: i for i, name in enumerate(CENSUS_HEADERS)}


@dataclass(slots=True)
class CensusLayout:
    """How one village's sheet looks."""

    title: bool = False
    blank_above: int = 0
    merged: bool = False
    blank_between: bool = False
    footer: bool = False
    headers: tuple[str, ...] = CENSUS_HEADERS
    date_cells: bool = False

    @classmethod
    def draw(cls, rng: random.Random, messy: bool | None) -> CensusLayout:
        """A random layout; ``messy`` True forces every feature, False none, None draws each."""
        def pick(p: float) -> bool:
            return rng.random() < p if messy is None else messy
        headers = tuple(rng.choice((h, *HEADER_SYNONYMS[h])) if h in HEADER_SYNONYMS and pick(0.5) else h
                        for h in CENSUS_HEADERS)
        if messy:   # every synonym somewhere: the messy sheet takes the first of each
            headers = tuple(HEADER_SYNONYMS[h][0] if h in HEADER_SYNONYMS else h for h in CENSUS_HEADERS)
        title = pick(0.7)
        return cls(title=title, blank_above=rng.randint(1, 2) if title and pick(0.6) else 0, merged=pick(0.35),
                   blank_between=pick(0.2), footer=pick(0.5), headers=headers,
                   date_cells=rng.random() < 0.4 and messy is not False)


@dataclass(slots=True)
class Mover:
    """Someone registered in one village and again in the next after moving, with a new phone."""

    person: Person
    first_file: str = ""
    first_sheet: str | None = None
    first_row: int = 0
    new_phone: str = ""


@dataclass(slots=True)
class HouseholdDefects:
    no_head: set[int] = field(default_factory=set)       # id() of households whose head row is left out
    two_heads: set[int] = field(default_factory=set)     # id() of households with a second 户主
    left_out: set[int] = field(default_factory=set)      # id() of the heads left out
    marked: set[int] = field(default_factory=set)        # id() of persons whose row carries a household defect


class CensusWriter:
    """Writes villages into census sheets and records their layout and defects in the manifest."""

    def __init__(self, rng: random.Random, manifest: Manifest, town_name: str, as_of: date) -> None:
        self.rng = rng
        self.manifest = manifest
        self.town_name = town_name
        self.as_of = as_of

    def write(self, sheet: Sheet, village: Village, layout: CensusLayout, row_defects: dict[int, str],
              household_defects: HouseholdDefects, incoming: Mover | None, outgoing: Mover | None) -> int:
        """Write the village; returns the number of rows of persons written.

        ``row_defects`` maps ``id(person)`` to a defect code; ``incoming`` is a person who moved here from
        the previous village (added to a household as 其他), ``outgoing`` one who will appear in the next.
        """
        return _VillageSheet(self, sheet, village, layout, row_defects, household_defects, incoming,
                             outgoing).write()


class _VillageSheet:
    """The writing of one village's census sheet."""

    def __init__(self, writer: CensusWriter, sheet: Sheet, village: Village, layout: CensusLayout,
                 row_defects: dict[int, str], household_defects: HouseholdDefects, incoming: Mover | None,
                 outgoing: Mover | None) -> None:
        self.rng, self.manifest = writer.rng, writer.manifest
        self.writer = writer
        self.sheet, self.village, self.layout = sheet, village, layout
        self.row_defects, self.household_defects = row_defects, household_defects
        self.incoming, self.outgoing = incoming, outgoing
        self.merged: list[str] = []
        self.written = 0

    def write(self) -> int:
        sheet, layout, manifest = self.sheet, self.layout, self.manifest
        if layout.title:
            title = f"{self.writer.town_name}{self.village.plan.name}人口信息采集表"
            manifest.layout_at(sheet, sheet.title(title, len(CENSUS_HEADERS)), "title_row")
            for _ in range(layout.blank_above):
                manifest.layout_at(sheet, sheet.blank(), "blank_row_above_header")
        self.record = manifest.add_sheet(sheet, "census", sheet.row(layout.headers), list(layout.headers))
        host = self.rng.choice(self.village.households) if self.incoming else None
        for household in self.village.households:
            rows = self._household_rows(household)
            if household is host and self.incoming is not None:
                rows.append((self.incoming.person, "其他"))
            self._household(household, rows)
            if layout.blank_between and self.rng.random() < 0.04:
                manifest.layout_at(sheet, sheet.blank(), "blank_row_in_data")
        manifest.merged(sheet, self.merged)
        if layout.footer:
            manifest.layout_at(sheet, sheet.blank(), "blank_row_below_data")
            clerk, checker = (p.name for p in self.rng.sample(self.village.persons(), 2))
            on = self.writer.as_of
            footer = [f"填表人：{clerk}", None, None, f"审核人：{checker}", None, None,
                      f"填表日期：{on.year}年{on.month}月{on.day}日"]
            manifest.layout_at(sheet, sheet.row(footer), "footer")
        return self.written

    def _household_rows(self, household: Household) -> list[tuple[Person, str]]:
        rows = [(p, p.relation) for p in household.members]
        if id(household) in self.household_defects.no_head:
            rows = rows[1:]
        elif id(household) in self.household_defects.two_heads:
            rows[1] = (rows[1][0], "户主")
        return rows

    def _household(self, household: Household, rows: list[tuple[Person, str]]) -> None:
        sheet, layout = self.sheet, self.layout
        first = sheet.next_row
        for position, (person, relation) in enumerate(rows):
            values: list[Cell] = [
                household.number, person.name, person.sex, person.ethnicity, person.id_number,
                person.birth if layout.date_cells else person.birth.isoformat(), relation, household.address,
                person.political, person.phone, household.grid_code, household.unit_name, "、".join(person.tags),
                person.note]
            moved_in = self.incoming is not None and person is self.incoming.person
            if moved_in and self.incoming is not None:
                values[_COLUMN["联系电话"]] = self.incoming.new_phone
            code = self.row_defects.get(id(person))
            if code is not None:
                self._spoil(values, person, code)
            if layout.merged and position > 0:
                values[_COLUMN["户号"]] = values[_COLUMN["现住址"]] = None
            row = self._row(values)
            if code is not None:
                column, expect, _ = defects.ROW_DEFECTS[code]
                self.manifest.defect(sheet, row, column, code, expect, values[_COLUMN[column]])
            self._household_defect(row, household, position, relation)
            if self.outgoing is not None and person is self.outgoing.person:
                self.outgoing.first_file, self.outgoing.first_sheet = sheet.file, sheet.name
                self.outgoing.first_row = row
            if moved_in and self.incoming is not None:
                self._record_move(self.incoming, row)
        last = sheet.next_row - 1
        if layout.merged and last > first:
            for index, value in ((_COLUMN["户号"], household.number), (_COLUMN["现住址"], household.address)):
                sheet.merge_down(index, first, last, value)
                letter = chr(ord("A") + index)
                self.merged.append(f"{letter}{first}:{letter}{last}")

    def _row(self, values: list[Cell]) -> int:
        row = self.sheet.row(values)
        self.written += 1
        self.record.data_rows += 1
        self.record.first_data_row = self.record.first_data_row or row
        self.record.last_data_row = row
        return row

    def _spoil(self, values: list[Cell], person: Person, code: str) -> None:
        rng = self.rng
        if code.startswith("id_"):
            values[_COLUMN["身份证号"]] = defects.mangled_id(rng, person.id_number, code)
        elif code.startswith("date_") or code == "birth_date_disagrees_with_id":
            values[_COLUMN["出生日期"]] = defects.mangled_birth(rng, person.birth, code)
        elif code.startswith("phone_"):
            values[_COLUMN["联系电话"]] = defects.mangled_phone(rng, person.phone, code)
        elif code == "name_stray_spaces":
            values[_COLUMN["姓名"]] = defects.mangled_name(rng, person.name)
        elif code == "sex_disagrees_with_id":
            values[_COLUMN["性别"]] = "女" if person.sex == "男" else "男"
        elif code == "grid_unknown":
            values[_COLUMN["所属网格"]] = f"{self.village.grid.code}-{len(self.village.micro_grids) + 11:02d}"

    def _household_defect(self, row: int, household: Household, position: int, relation: str) -> None:
        if position == 0 and id(household) in self.household_defects.no_head:
            self.manifest.defect(self.sheet, row, "与户主关系", "household_no_head", defects.WARNING, relation)
        if position == 1 and id(household) in self.household_defects.two_heads:
            self.manifest.defect(self.sheet, row, "与户主关系", "household_two_heads", defects.WARNING, relation)

    def _record_move(self, mover: Mover, row: int) -> None:
        """Both rows of someone registered in two villages, with the phone that differs."""
        for file, name, at, phone in ((mover.first_file, mover.first_sheet, mover.first_row, mover.person.phone),
                                      (self.sheet.file, self.sheet.name, row, mover.new_phone)):
            self.manifest.defects.append(DefectRecord(file, name, at, "联系电话", "person_in_two_villages",
                                                      defects.CONFLICT, phone))


def choose_mover(rng: random.Random, village: Village, protected: set[int], as_of: date) -> Mover | None:
    """An adult (not a head, not referenced elsewhere) who will appear again in the next village."""
    candidates = [p for h in village.households for p in h.members[1:]
                  if 20 <= p.age(as_of) <= 45 and p.phone and id(p) not in protected]
    if not candidates:
        return None
    return Mover(rng.choice(candidates), new_phone=mobile_number(rng))


def choose_household_defects(rng: random.Random, village: Village, referenced: set[int], force: bool,
                             mover: Mover | None) -> HouseholdDefects:
    """Households that lose their head's row, and households that get two heads."""
    result = HouseholdDefects()
    pairs = [h for h in village.households if len(h.members) >= 2]
    no_head = [h for h in pairs if id(h.head) not in referenced and (mover is None or h.head is not mover.person)]
    count = max(int(force), int(0.003 * len(village.households) + rng.random()))
    for household in rng.sample(no_head, min(count, len(no_head))):
        result.no_head.add(id(household))
        result.left_out.add(id(household.head))
        result.marked.add(id(household.members[1]))  # the household's first row once its head is left out
    two = [h for h in pairs if id(h) not in result.no_head]
    count = max(int(force), int(0.003 * len(village.households) + rng.random()))
    for household in rng.sample(two, min(count, len(two))):
        result.two_heads.add(id(household))
        result.marked.add(id(household.members[1]))  # the second 户主
    return result
