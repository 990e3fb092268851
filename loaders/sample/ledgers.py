"""The town's other workbooks: grid roster, units, party organisations, party contacts and the case ledgers.

They are streamed row by row (``constant_memory``) as villages are generated.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from loaders.sample.cases import VillageCases
from loaders.sample.cells import Cell
from loaders.sample.defects import REJECTED
from loaders.sample.manifest import Manifest, SheetRecord
from loaders.sample.party import PartyOrg, VillageParty
from loaders.sample.sheets import Book, Sheet
from loaders.sample.world import Grid, Town, Unit, Village

ROSTER_HEADERS = ("网格编码", "网格名称", "层级", "上级网格", "网格类型", "区划代码", "网格长", "网格长电话", "网格员",
                  "网格员电话", "星级", "网格员类别", "网格员所属部门")
UNIT_HEADERS = ("单元名称", "所属网格", "单元长", "单元长电话", "包含户号")
PARTY_ORG_HEADERS = ("组织编码", "组织名称", "组织类型", "上级组织", "所在网格")
CONTACT_HEADERS = ("党员姓名", "党员身份证号", "所属党组织", "所属网格", "联系户号", "联系时间")
DISPUTE_HEADERS = ("编号", "登记日期", "所属网格", "当事人", "当事人身份证号", "纠纷类型", "纠纷简要情况", "调解员",
                   "调解结果", "办理状态", "办结日期")
HOTLINE_HEADERS = ("工单编号", "来电时间", "所属网格", "诉求类型", "诉求内容", "承办单位", "办理时限", "办理状态",
                   "办结时间", "满意度")
WISH_HEADERS = ("编号", "登记日期", "所属网格", "心愿人", "心愿人身份证号", "心愿内容", "认领人", "认领时间", "状态")

LEVEL_NAMES = {1: "一级网格", 2: "二级网格", 3: "微网格"}
# CSV encodings of the ledgers: WPS on older office PCs still saves GBK.
_ENCODINGS = {"gridRoster": "utf-8-sig", "units": "utf-8", "partyOrgs": "gbk", "partyContacts": "gbk",
              "disputes": "utf-8-sig", "hotline": "utf-8", "wishes": "gbk"}
_FILES = {"gridRoster": "网格信息表", "units": "网格单元表", "partyOrgs": "党组织信息表",
          "partyContacts": "党员联系户表", "disputes": "矛盾纠纷台账", "hotline": "12345热线工单",
          "wishes": "微心愿台账"}


class LedgerWriter:
    """Opens a town's ledgers and appends each village's rows to them."""

    def __init__(self, root: Path, folder: str, town: Town, fmt: str, manifest: Manifest, created: date) -> None:
        self.town = town
        self.manifest = manifest
        self.books: dict[str, Book] = {kind: Book(root, f"{folder}/{stem}", fmt, created, constant_memory=True,
                                                  encoding=_ENCODINGS[kind]) for kind, stem in _FILES.items()}
        self.sheets: dict[str, Sheet] = {}
        self.records: dict[str, SheetRecord] = {}
        self._contact_sheets: dict[str, tuple[Sheet, SheetRecord]] = {}
        for kind, headers, title in (
                ("gridRoster", ROSTER_HEADERS, None), ("units", UNIT_HEADERS, None),
                ("partyOrgs", PARTY_ORG_HEADERS, None),
                ("disputes", DISPUTE_HEADERS, f"{town.name}矛盾纠纷排查调处台账"),
                ("hotline", HOTLINE_HEADERS, None), ("wishes", WISH_HEADERS, f"{town.name}微心愿认领登记表")):
            sheet = self.books[kind].sheet("Sheet1")
            if title is not None:
                manifest.layout_at(sheet, sheet.title(title, len(headers)), "title_row")
            self.sheets[kind] = sheet
            self.records[kind] = manifest.add_sheet(sheet, kind, sheet.row(headers), list(headers))
        for area in town.areas:
            self._grid_row(area)

    def _row(self, kind: str, values: list[Cell], sheet: Sheet | None = None,
             record: SheetRecord | None = None) -> int:
        sheet = sheet or self.sheets[kind]
        record = record or self.records[kind]
        row = sheet.row(values)
        record.data_rows += 1
        record.first_data_row = record.first_data_row or row
        record.last_data_row = row
        return row

    def _grid_row(self, grid: Grid) -> None:
        members = grid.members
        # Departments in the same order as the members; blank unless someone is a professional member.
        departments = [m.department if m.kind == "专业" else "" for m in members]
        self._row("gridRoster", [
            grid.code, grid.name, LEVEL_NAMES[grid.level], grid.parent, grid.kind, grid.region_code,
            grid.chief.name if grid.chief else "", grid.chief.phone if grid.chief else "",
            "、".join(m.name for m in members), "、".join(m.phone for m in members), grid.star,
            "、".join(m.kind for m in members), "、".join(departments) if any(departments) else ""])
        self.manifest.counts[f"gridsLevel{grid.level}"] += 1
        if grid.level == 3:
            self.manifest.counts[f"microGrids{_KIND_KEYS[grid.kind]}"] += 1

    def party_org(self, org: PartyOrg) -> None:
        self._row("partyOrgs", [org.code, org.name, org.kind, org.parent, org.grid_code])
        self.manifest.counts["partyOrgs"] += 1

    def village(self, rng: random.Random, village: Village, party: VillageParty, cases: VillageCases,
                force: bool) -> None:
        """All ledger rows of one village."""
        self._grid_row(village.grid)
        for micro in village.micro_grids:
            self._grid_row(micro)
        ranges = rng.random() < 0.7
        for unit in village.units:
            self._unit_row(unit, ranges)
        for org in party.orgs:
            self.party_org(org)
        self._contacts(rng, village, party, force)
        self._cases(cases)

    def _unit_row(self, unit: Unit, ranges: bool) -> None:
        numbers = unit.numbers
        listed = f"{numbers[0]}-{numbers[-1]}" if ranges and len(numbers) > 2 else "、".join(numbers)
        chief = unit.chief
        self._row("units", [unit.name, unit.grid_code, chief.name if chief else "", chief.phone if chief else "",
                            listed])
        self.manifest.counts["units"] += 1

    def _contact_sheet(self, area: Grid) -> tuple[Sheet, SheetRecord]:
        if area.code not in self._contact_sheets:
            sheet = self.books["partyContacts"].sheet(area.name.removeprefix(self.town.name), single=False)
            record = self.manifest.add_sheet(sheet, "partyContacts", sheet.row(CONTACT_HEADERS), list(CONTACT_HEADERS))
            self._contact_sheets[area.code] = (sheet, record)
        return self._contact_sheets[area.code]

    def _contacts(self, rng: random.Random, village: Village, party: VillageParty, force: bool) -> None:
        sheet, record = self._contact_sheet(village.plan.area)
        # One row per member with the list in one cell, or one row per member and household.
        one_row_per_pair = (village.plan.index % 2 == 1) if force or village.plan.index < 2 else rng.random() < 0.4
        unknown_at = rng.randrange(len(party.contacts)) if party.contacts and (
            force or rng.random() < 0.08) else -1
        counts = self.manifest.counts
        for index, contact in enumerate(party.contacts):
            member = contact.member
            counts["partyMembers"] += 1
            counts["contacts"] += len(contact.numbers)
            numbers = list(contact.numbers)
            unknown = ""
            if index == unknown_at:
                unknown = f"{len(village.households) + rng.randint(5, 40):03d}"
                numbers.append(unknown)
            base = [member.name, member.id_number, contact.org_code, village.grid.code]
            if one_row_per_pair and numbers:
                for number in numbers:
                    row = self._row("partyContacts", [*base, number, contact.since], sheet, record)
                    if number == unknown:
                        self.manifest.defect(sheet, row, "联系户号", "contact_unknown_household", REJECTED, number)
            else:
                row = self._row("partyContacts", [*base, "、".join(numbers), contact.since], sheet, record)
                if unknown:
                    self.manifest.defect(sheet, row, "联系户号", "contact_unknown_household", REJECTED, unknown)
        counts["households"] += len(village.households)
        counts["uncontactedHouseholds"] += len(party.uncontacted)

    def _cases(self, cases: VillageCases) -> None:
        counts = self.manifest.counts
        for d in cases.disputes:
            self._row("disputes", [d.code, d.reported, d.grid_code, "、".join(p.name for p in d.parties),
                                   "、".join(p.id_number for p in d.parties), d.category, d.description,
                                   "、".join(d.mediators), d.outcome, d.status, d.closed])
        for t in cases.tickets:
            self._row("hotline", [t.code, t.called, t.grid_code, t.kind, t.request, t.handler, t.time_limit,
                                  t.status, t.closed, t.satisfaction])
        for w in cases.wishes:
            self._row("wishes", [w.code, w.registered, w.grid_code, w.person.name, w.person.id_number, w.content,
                                 w.claimer, w.claimed, w.status])
        counts["disputes"] += len(cases.disputes)
        counts["hotlineTickets"] += len(cases.tickets)
        counts["wishes"] += len(cases.wishes)

    def close(self) -> list[Sheet]:
        """Close every book; returns all sheets written (for their final CSV encodings)."""
        sheets = []
        for book in self.books.values():
            book.close()
            sheets += book.sheets
        return sheets


_KIND_KEYS = {"生活网格": "Life", "生产网格": "Production", "商业网格": "Commercial", "专属网格": "Exclusive"}
