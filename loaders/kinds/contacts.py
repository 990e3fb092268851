"""Party contact sheets (党员联系户): which party member contacts which households.

One row per member with a list of 户号 in one cell, or one row per pair. An empty 联系户号 is information too:
the member contacts no household (the row still links the member to their party organisation). Writes
``(:PartyMember)-[:CONTACTS {since}]->(:Household)`` and ``(:PartyMember)-[:BELONGS_TO]->(:PartyOrg)``.
The member (by ID number) must be a party member of the census and each household must exist: import the
census first (in the same command is enough); otherwise the row, or the missing households, are rejected.
Assignments are only added: removing one is not something an import does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from neo4j import ManagedTransaction

from loaders.headers import CONTACTS
from loaders.kinds.base import BatchResult, Emit, KindHandler, Problem, Rejected, Row, Skip, native
from loaders.report import RowStatus
from loaders.values import household_numbers, parse_date
from schema.idnumber import IdNumberError, parse_id_number
from schema.sensitive import mask_id_number
from schema.text import ValueProblem, clean_name, clean_text
from schema.vocabulary import CONTACT_EXEMPT_AGE, CONTACT_LIMIT


@dataclass
class ContactRecord:
    row: int
    member: str
    masked: str
    org: str | None
    households: list[str]
    since: date | None
    party_in_run: bool | None  # what this run's census said, for a dry run
    known_here: list[str]


FETCH = """
UNWIND $rows AS row
OPTIONAL MATCH (p:Person {key: row.member})
RETURN row.i AS i, p IS NOT NULL AS found, coalesce(p:PartyMember, false) AS party,
  CASE WHEN p IS NULL THEN [] ELSE [(p)-[:BELONGS_TO]->(o:PartyOrg) | o.code] END AS orgs,
  [c IN row.households WHERE EXISTS { MATCH (:Household {code: c}) }] AS existing,
  CASE WHEN p IS NULL THEN [] ELSE
    [(p)-[r:CONTACTS]->(h:Household) WHERE h.code IN row.households | [h.code, r.since]] END AS contacts
"""

WRITE = """
UNWIND $rows AS row
MATCH (p:Person {key: row.member})
CALL (p, row) {
  UNWIND CASE WHEN row.org IS NULL THEN [] ELSE [row.org] END AS orgCode
  MATCH (o:PartyOrg {code: orgCode})
  MERGE (p)-[:BELONGS_TO]->(o)
  WITH p, o
  MATCH (p)-[old:BELONGS_TO]->(x) WHERE x <> o
  DELETE old
}
CALL (p, row) {
  UNWIND row.households AS hc
  MATCH (h:Household {code: hc})
  MERGE (p)-[c:CONTACTS]->(h)
  SET c.since = coalesce(row.since, c.since)
}
"""


class ContactsHandler(KindHandler):
    kind = CONTACTS

    def records(self, rows: Iterator[Row], emit: Emit) -> Iterator[ContactRecord | Skip]:
        load: Counter[str] = Counter()
        warned: set[str] = set()
        aged: set[str] = set()
        for row in rows:
            name = clean_name(row.get("member_name"))
            try:
                numbers = household_numbers(row.get("households"))
                born: date | None = None
                if clean_text(row.get("member_id")) is not None:
                    parsed = parse_id_number(row.get("member_id"))
                    key = self.state.sensitive.person_key(self.state.sensitive.hash("id", parsed.number))
                    masked, born = mask_id_number(parsed.number), parsed.birth_date
                else:
                    key, masked = self._member_by_name(row, name), name or ""
                village = self._village(row, key)
                households = [f"{village}-{n}" for n in numbers] or self._households_by_head(row, village)
            except IdNumberError as error:
                emit(Problem(error.code, "rejected", f"党员身份证号: {error}", row.number, "member_id",
                             mask_id_number(clean_text(row.get("member_id")) or "")))
                yield Skip(row.number, "rejected")
                continue
            except Rejected as problem:
                emit(Problem(problem.code, "rejected", str(problem), row.number, problem.field, problem.value))
                yield Skip(row.number, "rejected")
                continue
            except ValueProblem as problem:
                emit(Problem(problem.code, "rejected", str(problem), row.number, "households",
                             clean_text(row.get("households"))))
                yield Skip(row.number, "rejected")
                continue
            org = None
            if clean_text(row.get("party_org")) is not None:
                org = self.state.party_orgs.resolve(row.get("party_org"))
                if org is None:
                    org_text = clean_text(row.get("party_org"))
                    emit(Problem("party_org_unknown", "warning", f"所属党组织 {org_text!r} is not imported; import the "
                                 "党组织 sheet first. The contacts are imported without it.",
                                 row.number, "party_org", clean_text(row.get("party_org"))))
            since = None
            if clean_text(row.get("since")) is not None:
                try:
                    since = parse_date(row.get("since"))
                except ValueProblem as problem:
                    emit(Problem(problem.code, "warning", f"联系时间: {problem}", row.number, "since",
                                 clean_text(row.get("since"))))
            age = _age(born) if born else 0
            if age >= CONTACT_EXEMPT_AGE and key not in aged:
                aged.add(key)
                emit(Problem("contact_member_exempt_age", "warning", f"{name or masked} is {age}; members aged "
                             f"{CONTACT_EXEMPT_AGE}+ are normally exempt from contacting households.", row.number,
                             "member_id", masked))
            load[key] += len(households)
            if load[key] > CONTACT_LIMIT and key not in warned:
                warned.add(key)
                emit(Problem("contact_over_limit", "warning", f"{name or masked} is assigned more than {CONTACT_LIMIT} "
                             "households in this sheet.", row.number, "households"))
            seen = self.state.seen_person(key)
            known = [h for h in households if h in self.state.households]
            yield ContactRecord(row.number, key, masked, org, households, since,
                                None if seen is None else seen.party, known)

    def _village(self, row: Row, member: str) -> str:
        """The village of a row's households: its grid or village column, the sheet's or file's name, else the
        village the member lives in (from this run's census)."""
        if clean_text(row.get("grid")) is not None:
            return self.state.grids.village_code(self.grid_of(row))
        village = self.village_of(row)
        if village is None:
            village = self.state.party_villages.get(member)
            if village is not None:
                return village
            raise Rejected("grid_missing", "the row names no grid or village, and the member's household is not "
                           "in this import's census: write 所属网格 or 所属村, or import the census with it.", "grid")
        return village

    def _member_by_name(self, row: Row, name: str | None) -> str:
        """A member the row names without an ID number: the one party member of that name in the village (or,
        without a village, in this run's census)."""
        if name is None:
            raise Rejected("contact_member_missing", "党员姓名 and 党员身份证号 are empty.", "member_name")
        village = self.village_of(row)
        if clean_text(row.get("grid")) is not None:
            village = self.state.grids.village_code(self.grid_of(row))
        names = self.state.party_names
        found = names.get((village, name), set()) if village else set().union(
            *(keys for (_, other), keys in names.items() if other == name))
        if len(found) == 1:
            return next(iter(found))
        problem = "several party members" if found else "no party member of this import's census"
        raise Rejected("contact_member_unresolved", f"党员身份证号 is empty and {problem} is named {name!r}"
                       f"{' in the village' if village else ''}: write the member's ID number.", "member_id", name)

    def _households_by_head(self, row: Row, village: str) -> list[str]:
        """The household a row names by its head (户主姓名) when it gives no 户号."""
        head = clean_name(row.get("head_name"))
        if head is None:
            return []
        found = self.state.heads.get((village, head), set())
        if len(found) == 1:
            return list(found)
        problem = "several households have" if found else "no household of this import's census has"
        raise Rejected("household_head_unresolved", f"户号 is empty and {problem} a head named {head!r} in the "
                       "village: write the 户号.", "head_name", head)

    def touches(self, record: ContactRecord) -> tuple[str, ...]:
        # The member's rows replace their organisation and set dates on their contacts: in the sheet's order.
        return (f"person {record.member}",)

    def apply(self, tx: ManagedTransaction, records: list[ContactRecord], write: bool) -> BatchResult:
        params = [{"i": i, "member": r.member, "households": r.households} for i, r in enumerate(records)]
        stored = {row["i"]: row for row in tx.run(FETCH, rows=params)}
        result = BatchResult()
        rows: list[dict[str, Any]] = []
        for i, record in enumerate(records):
            found = stored[i]
            exists = found["found"] or record.party_in_run is not None
            party = found["party"] or bool(record.party_in_run)
            if not exists:
                result.problems.append((i, Problem(
                    "contact_member_missing", "rejected", "this party member (by 党员身份证号) is not in the census; "
                    "import the census first (in the same command is enough) or correct the ID number.", record.row,
                    "member_id", record.masked)))
                result.statuses.append((record.row, "rejected"))
                continue
            if not party:
                result.problems.append((i, Problem(
                    "contact_member_not_party", "rejected", "the census does not record this person as a party member "
                    "(政治面貌 中共党员 or 中共预备党员); correct the census or this row.", record.row, "member_id",
                    record.masked)))
                result.statuses.append((record.row, "rejected"))
                continue
            existing = set(found["existing"]) | set(record.known_here)
            missing = [h for h in record.households if h not in existing]
            if missing:
                numbers = "、".join(h.rsplit("-", 1)[-1] for h in missing)
                result.problems.append((i, Problem(
                    "household_not_found", "rejected", f"户号 {numbers} not found in the census of this village; "
                    "those contacts were not imported. Import the census first, or correct the numbers.",
                    record.row, "households", numbers)))
            households = [h for h in record.households if h in existing]
            if record.households and not households:
                result.statuses.append((record.row, "rejected"))
                continue
            current = {code: native(since) for code, since in found["contacts"]}
            status: RowStatus = "unchanged"
            if any(h not in current for h in households):
                status = "created"
            elif (record.org is not None and found["orgs"] != [record.org]) or (
                    record.since is not None and any(current[h] != record.since for h in households)):
                status = "updated"
            if status != "unchanged":
                rows.append({"member": record.member, "org": record.org, "households": households,
                             "since": record.since})
            result.statuses.append((record.row, status))
        if write and rows:
            tx.run(WRITE, rows=rows).consume()
        return result


def _age(born: date, today: date | None = None) -> int:
    today = today or date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
