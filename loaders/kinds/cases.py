"""Ledgers of cases: dispute ledgers (矛盾纠纷台账), 12345 hotline tickets (12345工单), micro-wishes (微心愿).

Each row is a ``(:Case {code, kind, category, title, description, status, level: 'grid', reportedAt,
deadline, closedAt, satisfaction, gridPath})-[:IN_GRID]->(:Grid)`` with the people around it:
``INVOLVES {role: 'party'|'beneficiary'}`` persons (by ID number when given, else by name within the grid),
``(:Person)-[:MEDIATED {outcome, on}]->``, ``-[:ASSIGNED_TO]->(:Organization)`` (承办单位),
``(:Person)-[:CLAIMED {at}]->`` (wishes), and a first ``(:CaseEvent {id: code + '#1', action: 'imported'})``.
A later import that changes the status adds the next event; events are never rewritten.

Case times are DATETIME at +08:00. 办理时限 may be a date or a limit (``3个工作日`` counts the working
calendar's days, ``15天``, ``当日``); without one the kind's default applies (hotline tickets by their 紧急程度).
Both are :mod:`schema.deadlines`' rule, the same the API uses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from neo4j import ManagedTransaction

from loaders.headers import DISPUTES, HOTLINE, WISHES, SheetKind
from loaders.kinds.base import BatchResult, Emit, KindHandler, Problem, Rejected, Row, Skip, changed, native
from loaders.kinds.staff import MERGE_STAFF, staff_key, staff_person
from loaders.report import RowStatus
from loaders.state import GridInfo
from loaders.values import case_status, clean_code, parse_datetime, satisfaction, split_list, split_names
from schema.deadlines import URGENCY_ZH, DeadlineError, Urgency, deadline_after, default_limit, limit_from_text
from schema.freetext import has_numbers, mask_optional
from schema.idnumber import IdNumberError, parse_id_number
from schema.sensitive import mask_id_number
from schema.text import ValueProblem, clean_name, clean_text
from schema.vocabulary import CASE_CODE_PREFIX, MEDIATION_OUTCOME_ZH, CaseKind

TITLE_LENGTH = 40


@dataclass
class CaseRecord:
    row: int
    code: str
    props: dict[str, Any]
    grid: str
    involves: list[dict[str, Any]]
    mediators: list[dict[str, Any]]
    organization: dict[str, str] | None
    claimers: list[dict[str, Any]]


FETCH = """
UNWIND $rows AS row
OPTIONAL MATCH (c:Case {code: row.code})
RETURN row.i AS i, CASE WHEN c IS NULL THEN null ELSE c {.kind, .category, .title, .description, .status, .level,
  .reportedAt, .deadline, .closedAt, .satisfaction, .gridPath,
  grids: [(c)-[:IN_GRID]->(g:Grid) | g.code],
  involves: [(c)-[r:INVOLVES]->(p:Person) | [p.key, r.role]],
  mediators: [(p:Person)-[m:MEDIATED]->(c) | [p.key, m.outcome, m.on]],
  organizations: [(c)-[:ASSIGNED_TO]->(o:Organization) | o.code],
  claimers: [(p:Person)-[m:CLAIMED]->(c) | [p.key, m.at]],
  events: COUNT { (c)-[:HAS_EVENT]->(:CaseEvent) }} END AS case
"""

WRITE = """
UNWIND $rows AS row
MERGE (c:Case {code: row.code})
SET c += row.props
WITH c, row
MATCH (g:Grid {code: row.grid})
MERGE (c)-[:IN_GRID]->(g)
WITH c, row, g
CALL (c, g) {
  MATCH (c)-[old:IN_GRID]->(o) WHERE o <> g
  DELETE old
}
CALL (c, row) {
  MATCH (c)-[old:INVOLVES]->(x) WHERE NOT [x.key, old.role] IN [i IN row.involves | [i.key, i.role]]
  DELETE old
}
CALL (c, row) {
  UNWIND row.involves AS i
  MERGE (p:Person {key: i.key})
    ON CREATE SET p += i.props
  MERGE (c)-[:INVOLVES {role: i.role}]->(p)
}
CALL (c, row) {
  MATCH (x)-[old:MEDIATED]->(c) WHERE NOT x.key IN [m IN row.mediators | m.key]
  DELETE old
}
CALL (c, row) {
  UNWIND row.mediators AS s
""" + MERGE_STAFF + """
  MERGE (p)-[r:MEDIATED]->(c)
  SET r.outcome = s.outcome, r.on = s.on
}
CALL (c, row) {
  MATCH (c)-[old:ASSIGNED_TO]->(o) WHERE o.code <> coalesce(row.organization.code, '')
  DELETE old
}
CALL (c, row) {
  UNWIND CASE WHEN row.organization IS NULL THEN [] ELSE [row.organization] END AS org
  MERGE (o:Organization {code: org.code})
    ON CREATE SET o.name = org.name
  MERGE (c)-[:ASSIGNED_TO]->(o)
}
CALL (c, row) {
  MATCH (x)-[old:CLAIMED]->(c) WHERE NOT x.key IN [m IN row.claimers | m.key]
  DELETE old
}
CALL (c, row) {
  UNWIND row.claimers AS s
""" + MERGE_STAFF + """
  MERGE (p)-[r:CLAIMED]->(c)
  SET r.at = s.at
}
CALL (c, row) {
  MERGE (e:CaseEvent {id: row.code + '#1'})
    ON CREATE SET e.seq = 1, e.at = row.props.reportedAt, e.action = 'imported', e.toStatus = row.props.status
  MERGE (c)-[:HAS_EVENT]->(e)
}
CALL (c, row) {
  UNWIND CASE WHEN row.statusChange IS NULL THEN [] ELSE [row.statusChange] END AS change
  MERGE (e:CaseEvent {id: row.code + '#' + toString(change.seq)})
    ON CREATE SET e.seq = change.seq, e.at = coalesce(row.props.closedAt, datetime()), e.action = 'imported',
                  e.fromStatus = change.fromStatus, e.toStatus = change.toStatus
  MERGE (c)-[:HAS_EVENT]->(e)
}
"""


class CaseHandler(KindHandler):
    """Shared by the three ledgers; subclasses say which columns name the people."""

    case_kind: CaseKind

    def records(self, rows: Iterator[Row], emit: Emit) -> Iterator[CaseRecord | Skip]:
        for row in rows:
            try:
                yield self._record(row, emit)
            except _Rejected as problem:
                emit(Problem(problem.code, "rejected", str(problem), row.number, problem.field, problem.value))
                yield Skip(row.number, "rejected")

    def _record(self, row: Row, emit: Emit) -> CaseRecord:
        grid = self.grid_of(row)
        reported = self._time(row, "reported", emit)
        if reported is None:
            emit(Problem("case_date_missing", "warning", "the date the case was registered is empty or unreadable; "
                         "its deadline cannot be computed.", row.number, "reported"))
        closed = self._time(row, "closed", emit)
        deadline = self._deadline(row, reported, emit)
        try:
            status = case_status(row.get("status"))
        except ValueProblem as problem:
            emit(Problem(problem.code, "warning", str(problem), row.number, "status", clean_text(row.get("status"))))
            status = None
        if status is None:
            status = "closed" if closed is not None else "reported"
        description = clean_text(row.get("description"))
        title = clean_text(row.get("title")) or (description[:TITLE_LENGTH] if description else None)
        involves = self._involves(row, grid, emit)
        code = clean_code(row.get("code")) or self._generated_code(grid, reported, description, involves)
        rating = None
        if clean_text(row.get("satisfaction")) is not None:
            try:
                rating = satisfaction(row.get("satisfaction"))
            except ValueProblem as problem:
                emit(Problem(problem.code, "warning", str(problem), row.number, "satisfaction",
                             clean_text(row.get("satisfaction"))))
        # Numbers typed into the text are stored masked, the original text encrypted (see schema.freetext).
        props = {"kind": self.case_kind.value, "category": clean_text(row.get("category")),
                 "title": mask_optional(title), "description": mask_optional(description),
                 "descriptionCipher": self.state.sensitive.encrypt(description)
                 if description and has_numbers(description) else None,
                 "status": status, "level": "grid", "reportedAt": reported,
                 "deadline": deadline, "closedAt": closed, "satisfaction": rating, "gridPath": grid.path}
        return CaseRecord(row.number, code, props, grid.code, involves, self._mediators(row, grid, closed or reported,
                                                                                        emit),
                          self._organization(row), self._claimers(row, grid, emit))

    def _deadline(self, row: Row, reported: datetime | None, emit: Emit) -> datetime | None:
        """办理时限 as a limit or a date; else the kind's default limit counted from the report."""
        text = clean_text(row.get("deadline"))
        limit = limit_from_text(text) if text is not None else None
        if limit is None and text is not None:
            return self._time(row, "deadline", emit)
        if reported is None:
            return None
        if limit is None:
            limit = default_limit(self.case_kind, self._urgency(row, emit))
        if limit.working and not self.state.calendar.covers(reported.year):
            emit(Problem("holidays_unknown", "warning", f"there is no holiday schedule for {reported.year}, so the "
                         "working days of this deadline are counted Monday to Friday. Add "
                         f"{reported.year}.toml to the folder named by GRIDGRAPH_HOLIDAYS_DIR (see README, Cases) "
                         "and import again.", row.number, "reported"))
        try:
            return deadline_after(limit, reported, self.state.calendar)
        except DeadlineError as problem:
            emit(Problem("case_deadline_out_of_range", "warning", f"{problem}; the deadline is left empty.",
                         row.number, "reported"))
            return None

    def _urgency(self, row: Row, emit: Emit) -> Urgency:
        return Urgency.NORMAL

    def _time(self, row: Row, field: str, emit: Emit) -> datetime | None:
        if clean_text(row.get(field)) is None:
            return None
        try:
            return parse_datetime(row.get(field))
        except ValueProblem as problem:
            emit(Problem(problem.code, "warning", str(problem), row.number, field, clean_text(row.get(field))))
            return None

    def _people(self, row: Row, grid: GridInfo, names_field: str, ids_field: str, role: str) -> list[dict[str, Any]]:
        names = split_names(row.get(names_field))
        ids = split_list(row.get(ids_field)) if ids_field else []
        people: list[dict[str, Any]] = []
        for index, name in enumerate(names):
            raw = ids[index] if index < len(ids) else None
            if raw is None:
                village = self.state.grids.village_code(grid)
                key = self.state.name_only(staff_key(self.state.sensitive, name, village), name, village, None, role,
                                           self.source, row.number)
                people.append({"key": key, "role": role, "props": {"name": name}, "village": village})
                continue
            try:
                parsed = parse_id_number(raw)
            except IdNumberError as error:
                raise _Rejected(error.code, f"{name}: {error}", ids_field, mask_id_number(raw)) from None
            sensitive = self.state.sensitive
            id_hash = sensitive.hash("id", parsed.number)
            people.append({"key": sensitive.person_key(id_hash), "role": role, "props": {
                "name": name, "sex": parsed.sex, "birthDate": parsed.birth_date, "idHash": id_hash,
                "idMasked": mask_id_number(parsed.number), "idCipher": sensitive.encrypt(parsed.number),
                "regionCodeKnown": parsed.region_known}})
        return people

    def _involves(self, row: Row, grid: GridInfo, emit: Emit) -> list[dict[str, Any]]:
        return []

    def _staff(self, row: Row, grid: GridInfo, role: str, emit: Emit) -> list[dict[str, Any]]:
        """The persons a role column names (调解员, 认领人), linked by the role's ID-number column when there is one."""
        names = split_names(row.get(role))
        ids = split_list(row.get(f"{role}_id"))
        phones = split_list(row.get(f"{role}_phone"))
        village = self.state.grids.village_code(grid)
        return [staff_person(self.state, self.source, role, name, village, phones[i] if i < len(phones) else None,
                             row.number, f"{role}_phone", emit, ids[i] if i < len(ids) else None, f"{role}_id")
                for i, name in enumerate(names)]

    def _mediators(self, row: Row, grid: GridInfo, on: datetime | None, emit: Emit) -> list[dict[str, Any]]:
        return []

    def _organization(self, row: Row) -> dict[str, str] | None:
        return None

    def _claimers(self, row: Row, grid: GridInfo, emit: Emit) -> list[dict[str, Any]]:
        return []

    def _generated_code(self, grid: GridInfo, reported: datetime | None, description: str | None,
                        involves: list[dict[str, Any]]) -> str:
        # Stable across runs, so an import without case numbers is still idempotent; names, not keys, because a
        # name-only party linked to the census later must keep the case it is in.
        seed = "|".join([self.case_kind, grid.code, reported.isoformat() if reported else "", description or "",
                         *sorted(p["props"]["name"] for p in involves)])
        day = reported.strftime("%Y%m%d") if reported else "00000000"
        digest = hashlib.sha1(seed.encode()).hexdigest()[:8].upper()
        return f"{CASE_CODE_PREFIX[self.case_kind]}-{grid.code}-{day}-{digest}"

    def touches(self, record: CaseRecord) -> list[str]:
        # Persons first named by a ledger are created with that row's details: the first row must win.
        people = (*record.involves, *record.mediators, *record.claimers)
        return [f"case {record.code}", *(f"person {p['key']}" for p in people)]

    def apply(self, tx: ManagedTransaction, records: list[CaseRecord], write: bool) -> BatchResult:
        stored = {r["i"]: r["case"] for r in tx.run(FETCH, rows=[{"i": i, "code": c.code}
                                                                 for i, c in enumerate(records)])}
        result = BatchResult()
        rows: list[dict[str, Any]] = []
        for i, record in enumerate(records):
            old = stored[i]
            status: RowStatus = "created" if old is None else "unchanged"
            change = None
            if old is not None:
                differs = bool(changed(old, record.props)) or native(old["grids"]) != [record.grid]
                differs |= sorted(map(tuple, old["involves"])) != sorted((p["key"], p["role"])
                                                                          for p in record.involves)
                differs |= sorted(map(tuple, native(old["mediators"]))) != sorted(
                    (m["key"], m["outcome"], m["on"]) for m in record.mediators)
                differs |= old["organizations"] != ([record.organization["code"]] if record.organization else [])
                differs |= sorted(map(tuple, native(old["claimers"]))) != sorted((m["key"], m["at"])
                                                                                  for m in record.claimers)
                status = "updated" if differs else "unchanged"
                if old["status"] != record.props["status"]:
                    change = {"seq": int(old["events"]) + 1, "fromStatus": old["status"],
                              "toStatus": record.props["status"]}
            if status != "unchanged":
                rows.append({"code": record.code, "props": record.props, "grid": record.grid,
                             "involves": record.involves, "mediators": record.mediators,
                             "organization": record.organization, "claimers": record.claimers,
                             "statusChange": change})
            result.statuses.append((record.row, status))
        if write and rows:
            tx.run(WRITE, rows=rows).consume()
        return result


class DisputesHandler(CaseHandler):
    kind: SheetKind = DISPUTES
    case_kind = CaseKind.DISPUTE

    def _involves(self, row: Row, grid: GridInfo, emit: Emit) -> list[dict[str, Any]]:
        names, ids = split_names(row.get("parties")), split_list(row.get("party_ids"))
        if ids and len(ids) != len(names):
            emit(Problem("party_ids_mismatch", "warning", f"{len(names)} 当事人 but {len(ids)} ID numbers; they are "
                         "matched in order.", row.number, "party_ids"))
        return self._people(row, grid, "parties", "party_ids", "party")

    def _mediators(self, row: Row, grid: GridInfo, on: datetime | None, emit: Emit) -> list[dict[str, Any]]:
        text = clean_text(row.get("outcome"))
        outcome = MEDIATION_OUTCOME_ZH.get(text or "")
        if text and outcome is None:
            emit(Problem("mediation_outcome_unknown", "warning", f"调解结果 {text!r} is not known (调解成功, 调解不成, "
                         "调解中); left empty.", row.number, "outcome", text))
        return [{**person, "outcome": outcome.value if outcome else None, "on": on.date() if on else None}
                for person in self._staff(row, grid, "mediator", emit)]


class HotlineHandler(CaseHandler):
    kind: SheetKind = HOTLINE
    case_kind = CaseKind.HOTLINE

    def _urgency(self, row: Row, emit: Emit) -> Urgency:
        text = clean_code(row.get("urgency"))
        if text is None:
            return Urgency.NORMAL
        if text in URGENCY_ZH:
            return URGENCY_ZH[text]
        emit(Problem("urgency_unknown", "warning", f"紧急程度 {text!r} is not known ({', '.join(URGENCY_ZH)}); the "
                     "normal time limit applies.", row.number, "urgency", text))
        return Urgency.NORMAL

    def _organization(self, row: Row) -> dict[str, str] | None:
        name = clean_name(row.get("organization"))
        return {"code": f"ORG:{name}", "name": name} if name else None

    def _involves(self, row: Row, grid: GridInfo, emit: Emit) -> list[dict[str, Any]]:
        return [{"key": person["key"], "role": "caller", "props": _props(person), "village": person["village"]}
                for person in self._staff(row, grid, "caller", emit)]


class WishesHandler(CaseHandler):
    kind: SheetKind = WISHES
    case_kind = CaseKind.WISH

    def _involves(self, row: Row, grid: GridInfo, emit: Emit) -> list[dict[str, Any]]:
        return self._people(row, grid, "person", "person_id", "beneficiary")

    def _claimers(self, row: Row, grid: GridInfo, emit: Emit) -> list[dict[str, Any]]:
        at = self._time(row, "claimed", emit)
        return [{**person, "at": at} for person in self._staff(row, grid, "claimer", emit)]


_Rejected = Rejected


def _props(person: dict[str, Any]) -> dict[str, Any]:
    """What a person first named by a ledger is created with: name, phone and ID fields when given."""
    props = {"name": person["name"]}
    if person["phoneHash"] is not None:
        props.update(phoneHash=person["phoneHash"], phoneMasked=person["phoneMasked"],
                     phoneCipher=person["phoneCipher"])
    return {**props, **(person["id"] or {})}
