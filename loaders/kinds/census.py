"""Census sheets (人口信息): persons, their households, membership, party members and tags.

Graph written per row: ``(:Person {key})-[:MEMBER_OF {relation}]->(:Household)-[:IN_GRID]->(:Grid)``, the
household also ``-[:IN_UNIT]->(:Unit)`` when the row names a unit, and the label ``PartyMember`` for 中共党员
and 中共预备党员 (``probationary`` true for the latter). A person is a member of one household: a newer
census that moves them replaces the membership. Within one run the first row of a person wins; later rows
for the same ID are reported (as conflicts when they differ) and not written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from neo4j import ManagedTransaction

from loaders.headers import CENSUS
from loaders.kinds.base import BatchResult, Emit, KindHandler, Problem, Rejected, Row, Skip, changed, native
from loaders.report import RowStatus
from loaders.state import RunState, SeenHousehold, field_digest
from loaders.values import household_key, household_number, parse_date_parts, parse_sex, political_status, split_list
from schema.idnumber import IdNumberError, parse_id_number
from schema.phone import parse_phone
from schema.sensitive import mask_id_number, mask_phone
from schema.text import ValueProblem, clean_name, clean_text
from schema.vocabulary import PERSON_TAG_ZH

HEAD_RELATIONS = frozenset({"户主", "本人", "户主本人"})
PARTY_CODES = frozenset({"partyMember", "probationaryMember"})
CONFLICT_FIELDS = ("name", "ethnicity", "politicalStatus", "phoneHash", "household", "relation", "tags", "note")
CONFLICT_HEADERS = {"name": "姓名", "ethnicity": "民族", "politicalStatus": "政治面貌", "phoneHash": "联系电话",
                    "household": "户号", "relation": "与户主关系", "tags": "人员类别", "note": "备注"}


@dataclass
class CensusRecord:
    row: int
    key: str
    props: dict[str, Any]
    id_number: str | None  # plain, in memory only: encrypted when written (new or changed numbers only)
    phone: str | None
    party: bool | None
    household: str
    relation: str | None
    grid: str
    village: str
    household_props: dict[str, Any] | None  # set on the household's first row in this run
    unit: dict[str, str] | None


# Which persons and households of the batch exist at all: cheap, and on a first import the only read.
EXISTING = """
CALL () { UNWIND $persons AS key MATCH (p:Person {key: key}) RETURN collect(key) AS persons }
CALL () { UNWIND $households AS code MATCH (h:Household {code: code}) RETURN collect(code) AS households }
RETURN persons, households
"""

# What is stored for the rows whose person or household exists, to compare field by field.
FETCH = """
UNWIND $rows AS row
OPTIONAL MATCH (p:Person {key: row.key})
OPTIONAL MATCH (h:Household {code: row.household})
RETURN row.i AS i,
  CASE WHEN p IS NULL THEN null ELSE p {.name, .sex, .birthDate, .ethnicity, .politicalStatus, .tags, .note,
       .idHash, .idMasked, .phoneHash, .phoneMasked, .regionCodeKnown, .probationary, party: p:PartyMember,
       households: [(p)-[m:MEMBER_OF]->(x:Household) | [x.code, m.relation]]} END AS person,
  CASE WHEN h IS NULL THEN null ELSE h {.number, .address, .villageCode, .gridPath,
       grids: [(h)-[:IN_GRID]->(g:Grid) | g.code], units: [(h)-[:IN_UNIT]->(u:Unit) | u.code]} END AS household
"""

# New nodes are created, not merged: the batch's read just found their keys absent, and should another import
# create one meanwhile, the uniqueness constraint fails this transaction and its retry takes the update path.
CREATE_HOUSEHOLDS = """
UNWIND $rows AS row
CREATE (h:Household {code: row.code})
SET h += row.props
WITH h, row
MATCH (g:Grid {code: row.grid})
CREATE (h)-[:IN_GRID]->(g)
WITH h, row
WHERE row.unit IS NOT NULL
MATCH (u:Unit {code: row.unit.code})
CREATE (h)-[:IN_UNIT]->(u)
"""

# The units new households sit in, once per batch rather than once per household (a unit holds dozens). Only
# missing units are created: merging the link to the grid would lock the grid, which every batch of a village
# links to, until the batch commits. A unit's code holds its grid's, so an existing unit has that link.
CREATE_UNITS = """
UNWIND $rows AS row
OPTIONAL MATCH (existing:Unit {code: row.code})
WITH row WHERE existing IS NULL
CREATE (u:Unit {code: row.code, name: row.name, gridPath: row.gridPath})
WITH u, row
MATCH (g:Grid {code: row.grid})
CREATE (u)-[:IN_GRID]->(g)
"""

CREATE_PERSONS = """
UNWIND $rows AS row
CREATE (p:Person {key: row.key})
SET p += row.props
FOREACH (_ IN CASE WHEN row.party = true THEN [1] ELSE [] END | SET p:PartyMember)
WITH p, row
MATCH (h:Household {code: row.household})
CREATE (p)-[:MEMBER_OF {relation: row.relation}]->(h)
"""

WRITE_HOUSEHOLDS = """
UNWIND $rows AS row
MERGE (h:Household {code: row.code})
SET h += row.props
WITH h, row
MATCH (g:Grid {code: row.grid})
MERGE (h)-[:IN_GRID]->(g)
WITH h, row, g
OPTIONAL MATCH (h)-[old:IN_GRID]->(other) WHERE other <> g
DELETE old
WITH DISTINCT h, row
WHERE row.unit IS NOT NULL
MERGE (u:Unit {code: row.unit.code})
  ON CREATE SET u.name = row.unit.name, u.gridPath = row.unit.gridPath
WITH h, row, u
MATCH (ug:Grid {code: row.grid})
MERGE (u)-[:IN_GRID]->(ug)
MERGE (h)-[:IN_UNIT]->(u)
WITH h, u
OPTIONAL MATCH (h)-[old:IN_UNIT]->(other) WHERE other <> u
DELETE old
"""

WRITE_PERSONS = """
UNWIND $rows AS row
MERGE (p:Person {key: row.key})
SET p += row.props
FOREACH (_ IN CASE WHEN row.party = true THEN [1] ELSE [] END | SET p:PartyMember)
FOREACH (_ IN CASE WHEN row.party = false THEN [1] ELSE [] END | REMOVE p:PartyMember)
WITH p, row
MATCH (h:Household {code: row.household})
MERGE (p)-[m:MEMBER_OF]->(h)
SET m.relation = row.relation
WITH p, h
OPTIONAL MATCH (p)-[old:MEMBER_OF]->(other) WHERE other <> h
DELETE old
"""


class CensusHandler(KindHandler):
    kind = CENSUS

    def __init__(self, state: RunState, source: int, sheet_village: str | None = None) -> None:
        super().__init__(state, source, sheet_village)
        self._households: list[str] = []  # first seen in this sheet, for ``finish``
        self._today = date.today()  # once per sheet, not per row
        self._continued = 0  # rows whose empty 户号 continues the household above
        self._first_continued: int | None = None

    def records(self, rows: Iterator[Row], emit: Emit) -> Iterator[CensusRecord | Skip]:
        previous: dict[str, Any] = {}
        for row in rows:
            try:
                record = self._record(row, previous, emit)
            except ValueProblem as problem:
                emit(Problem(problem.code, "rejected", str(problem), row.number, getattr(problem, "field", None),
                             getattr(problem, "value", None)))
                yield Skip(row.number, "rejected")
                continue
            if self._continued and self._first_continued is None:
                self._first_continued = row.number
            yield self._deduplicate(record, emit)

    def _record(self, row: Row, previous: dict[str, Any], emit: Emit) -> CensusRecord:
        name = clean_name(row.get("name"))
        if name is None:
            raise _Rejected("name_missing", "姓名 is empty: every person needs a name.", "name")
        relation = clean_text(row.get("relation"))
        number = household_number(row.get("household"))
        if number is None:
            if previous.get("number") is None:
                raise _Rejected("household_missing", "户号 is empty: write the household number.", "household")
            if relation in HEAD_RELATIONS:
                raise _Rejected("household_missing", f"户号 is empty but this row is a 户主: it starts a new household "
                                f"(the row above is in {previous['number']}); write its 户号.", "household")
            # Merged 户号 cells saved as CSV: the value is in the household's first row only.
            number = previous["number"]
            self._continued += 1
        same_household = number == previous.get("number")
        grid_cell = row.get("grid") or (previous.get("grid_cell") if same_household else None)
        village_cell = row.get("village") or (previous.get("village_cell") if same_household else None)
        if village_cell is not None and row.get("village") is None:
            row = Row(row.number, {**row.values, "village": village_cell})
        grid = self.grid_of(row, grid_cell)
        address = clean_text(row.get("address")) or (previous.get("address") if same_household else None)
        previous.update(number=number, grid_cell=grid_cell, village_cell=village_cell, address=address)
        village = self.state.grids.village_code(grid)
        household = f"{village}-{household_key(number)}"
        sensitive = self.state.sensitive

        props: dict[str, Any] = {"name": name}
        id_number = None
        raw_id = row.get("id_number")
        sex = parse_sex(row.get("sex"))
        birth = None
        birth_cell = row.get("birth_date")
        if birth_cell not in (None, ""):
            try:
                birth = parse_date_parts(birth_cell)
            except ValueProblem as problem:
                emit(Problem(problem.code, "warning", f"出生日期: {problem}", row.number, "birth_date",
                             clean_text(birth_cell)))
        if raw_id in (None, ""):
            emit(Problem("id_missing", "warning", "身份证号 is empty: the person is imported without an ID number "
                         "and cannot be matched across sheets.", row.number, "id_number"))
            key = "nid:" + sensitive.hash("name", f"{name}|{household}")
            props.update(sex=sex, birthDate=birth[0].date() if birth else None, idHash=None, idMasked=None,
                         regionCodeKnown=None)
        else:
            try:
                parsed = parse_id_number(raw_id, self._today)
            except IdNumberError as error:
                raise _Rejected(error.code, str(error), "id_number", _mask_raw_id(raw_id)) from None
            id_hash = sensitive.hash("id", parsed.number)
            key = sensitive.person_key(id_hash)
            id_number = parsed.number
            masked = mask_id_number(parsed.number)
            if not parsed.region_known:
                emit(Problem("id_region_unknown", "warning",
                             f"the region code {parsed.region} of the ID number is not a current division code; "
                             "numbers keep the code they were issued under, so it is accepted. Check it if the "
                             "person is young.", row.number, "id_number", masked))
            if parsed.converted_from_15:
                emit(Problem("id_converted_15", "warning", "a 15-digit ID number was converted to 18 digits.",
                             row.number, "id_number", masked))
            if sex is not None and sex != parsed.sex:
                emit(Problem("sex_mismatch", "warning",
                             f"性别 says {_zh_sex(sex)} but the ID number says {_zh_sex(parsed.sex)}; the ID number "
                             "wins.", row.number, "sex", clean_text(row.get("sex"))))
            if birth is not None:
                day_given = birth[1]
                given = birth[0].date()
                differs = given != parsed.birth_date if day_given else (
                    (given.year, given.month) != (parsed.birth_date.year, parsed.birth_date.month))
                if differs:
                    emit(Problem("birth_date_mismatch", "warning",
                                 f"出生日期 {clean_text(birth_cell)} differs from the ID number's "
                                 f"{parsed.birth_date.isoformat()}; the ID number wins.", row.number, "birth_date",
                                 clean_text(birth_cell)))
            props.update(sex=parsed.sex, birthDate=parsed.birth_date, idHash=id_hash, idMasked=masked,
                         regionCodeKnown=parsed.region_known)

        phone = None
        phone_cell = row.get("phone")
        if phone_cell in (None, ""):
            props.update(phoneHash=None, phoneMasked=None)
        else:
            try:
                phone = parse_phone(phone_cell)
            except ValueProblem as problem:
                raise _Rejected(problem.code, str(problem), "phone", mask_phone(clean_text(phone_cell) or "")) from None
            props.update(phoneHash=sensitive.hash("phone", phone), phoneMasked=mask_phone(phone))

        status, unknown = political_status(row.get("political_status"))
        if unknown:
            emit(Problem("political_status_unknown", "warning",
                         f"政治面貌 {unknown!r} is not known (中共党员, 中共预备党员, 共青团员, 群众 …); "
                         "it is left empty.",
                         row.number, "political_status", unknown))
        party = None if status is None else status in PARTY_CODES
        tags: set[str] = set()
        for word in split_list(row.get("tags")):
            tag = PERSON_TAG_ZH.get(word)
            if tag is None:
                emit(Problem("tag_unknown", "warning",
                             f"人员类别 {word!r} is not a known tag (低保户, 五保户, 独居老人, 空巢老人, "
                             "留守儿童, 残疾人, 退役军人, 大病); it is left out.", row.number, "tags", word))
            else:
                tags.add(tag.value)
        props.update(ethnicity=clean_text(row.get("ethnicity")), politicalStatus=status,
                     probationary=(status == "probationaryMember") if party else None,
                     tags=sorted(tags), note=clean_text(row.get("note")))
        unit_name = clean_name(row.get("unit"))
        unit = ({"code": f"{grid.code}/{unit_name}", "name": unit_name, "gridPath": grid.path}
                if unit_name else None)
        household_props = {"number": number, "address": address, "villageCode": village, "gridPath": grid.path}
        return CensusRecord(row.number, key, props, id_number, phone, party, household, relation, grid.code, village,
                            household_props, unit)

    def _deduplicate(self, record: CensusRecord, emit: Emit) -> CensusRecord | Skip:
        state = self.state
        seen_household = state.households.get(record.household)
        is_head = record.relation in HEAD_RELATIONS
        seen = state.seen_person(record.key)
        values = _conflict_values(record)
        if seen is not None:
            differing = [CONFLICT_HEADERS[f] for f, digest, value in
                         zip(CONFLICT_FIELDS, seen.digests, values, strict=False)
                         if digest != field_digest(value)]
            where = state.where(seen.source, seen.row)
            if differing:
                emit(Problem("person_conflict", "warning",
                             f"this ID number was already imported from {where}; {', '.join(differing)} differ. "
                             "The first row is kept: correct the sheet that is wrong.", record.row, "id_number",
                             record.props.get("idMasked")))
            else:
                emit(Problem("person_duplicate", "warning", f"the same person is already listed at {where}; "
                             "imported once.", record.row, "id_number", record.props.get("idMasked")))
            return Skip(record.row, "unchanged")
        state.remember_person(record.key, self.source, record.row, bool(record.party), values)
        name = record.props["name"]
        if record.party:
            state.party_villages[record.key] = record.village
            state.party_names.setdefault((record.village, name), set()).add(record.key)
        if is_head:
            state.heads.setdefault((record.village, name), set()).add(record.household)
        if seen_household is None:
            seen_household = state.households[record.household] = SeenHousehold(self.source, record.row)
            self._households.append(record.household)
        else:
            record.household_props = None
        seen_household.members += 1
        if is_head and seen_household.heads == 1:
            seen_household.second_head_row = record.row
        seen_household.heads += int(is_head)
        return record

    def finish(self, emit: Emit) -> None:
        """Households of this sheet with no head or more than one (checked once all their rows are read), and
        one note for the rows whose empty 户号 was read as the household above."""
        if self._continued:
            emit(Problem("household_continued", "note", f"{self._continued} row(s) with an empty 户号 were read as "
                         "members of the household above (merged cells, or a CSV saved from them); a row marked "
                         "户主 with an empty 户号 is rejected instead.", self._first_continued, "household"))
        for code in self._households:
            seen = self.state.households[code]
            if seen.heads == 0:
                emit(Problem("household_no_head", "warning", f"household {code} has no member whose 与户主关系 is "
                             "户主; mark the household head.", seen.row, "relation"))
            elif seen.heads > 1:
                emit(Problem("household_two_heads", "warning", f"household {code} has {seen.heads} members marked "
                             "户主; a household has one head.", seen.second_head_row or seen.row, "relation"))

    def touches(self, record: CensusRecord) -> tuple[str, ...]:
        # A person is written once per run; their household may be created by an earlier batch. A unit is
        # listed too: the batch that creates it, or links a household to it, holds its lock until it commits,
        # so batches cut between units run side by side instead of queueing on that lock.
        household = f"household {record.household}"
        return (household, f"unit {record.unit['code']}") if record.unit else (household,)

    def apply(self, tx: ManagedTransaction, records: list[CensusRecord], write: bool) -> BatchResult:
        existing = tx.run(EXISTING, persons=[r.key for r in records],
                          households=[r.household for r in records if r.household_props is not None]).single()
        known_persons = set(existing["persons"]) if existing else set()
        known_households = set(existing["households"]) if existing else set()
        compare = [{"i": i, "key": r.key, "household": r.household} for i, r in enumerate(records)
                   if r.key in known_persons or r.household in known_households]
        stored = {row["i"]: row for row in tx.run(FETCH, rows=compare)} if compare else {}
        result = BatchResult()
        writes = _Writes()
        sensitive = self.state.sensitive
        for i, record in enumerate(records):
            found = stored.get(i)
            person = found["person"] if found else None
            status: RowStatus = "created" if person is None else "unchanged"
            if record.household_props is not None:
                old = found["household"] if found else None
                household_changes = changed(old, record.household_props)
                if old is not None and native(old["grids"]) != [record.grid]:
                    household_changes.append("grid")
                if old is not None and record.unit is not None and old["units"] != [record.unit["code"]]:
                    household_changes.append("unit")
                if old is None or household_changes:
                    (writes.new_households if old is None else writes.households).append(
                        {"code": record.household, "props": record.household_props, "grid": record.grid,
                         "unit": record.unit})
                    if status == "unchanged":
                        status = "updated"
            person_changes = changed(person, record.props)
            if person is not None:
                if record.party is not None and person["party"] != record.party:
                    person_changes.append("party")
                if [list(x) for x in person["households"]] != [[record.household, record.relation]]:
                    person_changes.append("household")
            if person is None or person_changes:
                props = dict(record.props)
                # Encrypting is the costly part of a row: only for a number that is new or changed.
                if person is None or person.get("idHash") != props.get("idHash"):
                    props["idCipher"] = sensitive.encrypt(record.id_number) if record.id_number else None
                if person is None or person.get("phoneHash") != props.get("phoneHash"):
                    props["phoneCipher"] = sensitive.encrypt(record.phone) if record.phone else None
                row: dict[str, Any] = {"key": record.key, "props": props, "party": record.party,
                                       "household": record.household, "relation": record.relation}
                (writes.new_persons if person is None else writes.persons).append(row)
                if status == "unchanged":
                    status = "updated"
            result.statuses.append((record.row, status))
        if write:
            writes.run(tx)
        return result


@dataclass
class _Writes:
    """A batch's writes: creations for keys the batch's read found absent, merges for the ones it found."""

    new_households: list[dict[str, Any]] = field(default_factory=list)
    households: list[dict[str, Any]] = field(default_factory=list)
    new_persons: list[dict[str, Any]] = field(default_factory=list)
    persons: list[dict[str, Any]] = field(default_factory=list)

    def run(self, tx: ManagedTransaction) -> None:
        units = {h["unit"]["code"]: {**h["unit"], "grid": h["grid"]} for h in self.new_households if h["unit"]}
        # Units, then households, then persons: each needs the ones before.
        for query, rows in ((CREATE_UNITS, list(units.values())), (CREATE_HOUSEHOLDS, self.new_households),
                            (WRITE_HOUSEHOLDS, self.households), (CREATE_PERSONS, self.new_persons),
                            (WRITE_PERSONS, self.persons)):
            if rows:
                tx.run(query, rows=rows).consume()


_Rejected = Rejected


def _conflict_values(record: CensusRecord) -> tuple[object, ...]:
    props = record.props
    return (props["name"], props.get("ethnicity"), props.get("politicalStatus"), props.get("phoneHash"),
            record.household, record.relation, tuple(props.get("tags") or ()), props.get("note"))


def _zh_sex(sex: str) -> str:
    return "男" if sex == "male" else "女"


def _mask_raw_id(raw: object) -> str:
    text = clean_text(raw) or ""
    return mask_id_number(text.replace(" ", ""))
