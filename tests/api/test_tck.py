"""The Cypher each GraphQL document compiles to, pinned as text: no database involved.

Every root field of Query, with nesting, filters, paging and sort, and most mutations, are compiled for two
callers — a town admin (no scope) and a grid staff member of ``A1-V1`` (the ``$scopePath`` predicates) — and what
would be sent to Neo4j (each statement, its parameters, the audit entries it would write, the errors the caller gets) is
compared with the snapshot in ``tests/api/tck/<rootField>.md``. A change to the compiler or the catalog shows up
as a diff of those files, reviewed like code. The printed GraphQL schema is pinned the same way
(``tests/api/tck/schema.graphql``).

No statement runs: the request's context records each one and answers it with no rows (so a mutation stops at
its first lookup, as for a code that does not exist). ID and phone numbers are sent as variables and never written
to a snapshot: their values are shown as ``<redacted>``, keyed hashes as ``<keyed hash>``, ciphertext as
``<ciphertext>``.

After an intended change, regenerate the snapshots and review the diff::

    GRIDGRAPH_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/api/test_tck.py
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, cast

import pytest
from graphql import parse
from graphql.language import FieldNode, OperationDefinitionNode

from api.auth import Caller, Role
from api.context import ApiContext, CountingTransaction
from api.errors import MASKED_MESSAGE
from api.schema import build_schema
from graph.audit import AuditEntry
from graph.database import Database
from graph.pii_key import sensitive_data
from graph.settings import Settings
from tests.fixtures.town import TEST_PII_KEY

T = TypeVar("T")
SNAPSHOTS = Path(__file__).parent / "tck"
UPDATE = os.environ.get("GRIDGRAPH_UPDATE_SNAPSHOTS") == "1"

ID_NUMBER = "11010519491231002X"  # a well-formed ID number (valid check character); never written to a snapshot
PHONE = "13812345678"
SECRET_VARIABLES = {"idNumber", "phone"}  # variables (and input fields) holding numbers shown as <redacted>

PERSON = "key name sex birthDate age tags idMasked phoneMasked relation isPartyMember"
PAGE = "totalCount pageInfo { hasNextPage endCursor }"
CURSOR = "b2Zmc2V0OjE="  # offset 1

# (name, document, variables): the name is unique within the document's root field (its snapshot file).
CORPUS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("me", "{ me { name role scope scopePath } }", None),
    # -- regions ---------------------------------------------------------------------------------------------
    ("by code, nested", '{ region(code: "370781001000") { code name level parent { code } children { code } '
     "grids { code } households(first: 2) { totalCount nodes { code } } persons(first: 2) { nodes { key } } "
     "partyOrgs(first: 2) { nodes { code } } openCases(first: 2) { nodes { code } } } }", None),
    ("by name", '{ region(name: "东村") { code name } }', None),
    ("level, filter, sort, page", '{ regions(level: VILLAGE, first: 5, after: "' + CURSOR + '", '
     'filter: {name: "东村"}, orderBy: [{field: NAME, direction: DESC}]) { ' + PAGE + " nodes { code name } } }",
     None),
    # -- grids ---------------------------------------------------------------------------------------------
    ("every field", '{ grid(code: "A1-V1") { code name level kind starRating path parent { code } '
     "children { code } region { code } village { code } units { code } chiefs { key } "
     "ratings { period start stars score at } staff { kind department person { key } grid { code } } "
     "organizations { code } partyOrgs { code } households(first: 2) { totalCount } "
     "allHouseholds(first: 2) { nodes { code } } cases(first: 2, filter: {open: true}) { nodes { code } } } }",
     None),
    ("filter, sort, under a grid", '{ grids(gridCode: "A1", filter: {level: 3, kind: LIFE, parentCode: "A1-V1"}, '
     "orderBy: [{field: STAR_RATING, direction: DESC}, {field: NAME}]) { " + PAGE + " nodes { code } } }", None),
    ("edges", "{ grids(first: 3) { edges { cursor node { code name } } } }", None),
    # -- units ---------------------------------------------------------------------------------------------
    ("every field", '{ unit(code: "A1-V1-M1/1单元") { code name grid { code } chiefs { key } '
     "households { code } } }", None),
    # -- households ----------------------------------------------------------------------------------------
    ("by code, every field", '{ household(code: "A1-V1-001") { code number address villageCode grid { code } '
     "village { code } unit { code } members { " + PERSON + " } head { key } contactingMembers { key } "
     "contacted lastVisitedAt visits { id at mode note visitor { key } household { code } raised { code } } "
     "cases(first: 1) { nodes { code } } } }", None),
    ("by village and number", '{ household(villageCode: "A1-V1", number: "1") { code } }', None),
    ("by village name", '{ household(villageName: "东村", number: "001") { code } }', None),
    ("filters", '{ households(gridCode: "A1", filter: {codes: ["A1-V1-001", "A1-V1-002"], gridCode: "A1-V1", '
     'villageCode: "A1-V1", number: "01", contacted: false}, orderBy: [{field: ADDRESS}]) { ' + PAGE
     + " nodes { code } } }", None),
    ("village filter", '{ households(filter: {village: "东村"}, first: 3) { totalCount nodes { code } } }', None),
    ("contacted, page after", '{ households(first: 2, after: "' + CURSOR + '", filter: {contacted: true}) '
     "{ edges { cursor node { code } } } }", None),
    # -- persons -------------------------------------------------------------------------------------------
    ("by key, every field", '{ person(key: "pid:1") { ' + PERSON + " household { code } "
     "partyMember { key contactCount } chiefOf { code } memberOf { kind department grid { code } } "
     "unitChiefOf { code } mediations { outcome on case { code } mediator { key } } claimedWishes { code } "
     "worksFor { code } visits { id } cases(first: 2, orderBy: [{field: DEADLINE}]) { nodes { code } } } }", None),
    ("by ID number", "query P($idNumber: String) { person(idNumber: $idNumber) { key idMasked } }",
     {"idNumber": ID_NUMBER}),
    ("filters", "query P($f: PersonFilter) { persons(filter: $f, orderBy: [{field: BIRTH_DATE, direction: DESC}]) "
     "{ " + PAGE + " nodes { key name } } }",
     {"f": {"name": "张三", "householdCode": "A1-V1-001", "tag": "LIVING_ALONE"}}),
    ("by phone", "query P($f: PersonFilter) { persons(filter: $f) { totalCount nodes { key phoneMasked } } }",
     {"f": {"phone": PHONE}}),
    ("prefix", '{ searchPersons(name: "张", first: 3) { ' + PAGE + " nodes { key name } } }", None),
    ("contains", '{ searchPersons(name: "三", match: CONTAINS) { nodes { key } } }', None),
    # -- party ---------------------------------------------------------------------------------------------
    ("every field", '{ partyMember(key: "pid:1") { key name person { key } partyOrg { code } contactCount '
     "overloaded exempt households(first: 2) { totalCount nodes { code } } } }", None),
    ("filter, sort", "{ partyMembers(first: 5, filter: {tag: EMPTY_NEST}, orderBy: [{field: NAME}]) { "
     + PAGE + " nodes { key contactCount } } }", None),
    ("every field", '{ partyOrg(code: "P-A1-V1") { code name kind parent { code } children { code } '
     "grid { code } members(first: 3, orderBy: [{field: KEY}]) { totalCount nodes { key } } } }", None),
    ("filter, sort", "{ partyOrgs(filter: {kind: BRANCH}, orderBy: [{field: CODE, direction: DESC}]) { "
     + PAGE + " nodes { code } } }", None),
    # -- organisations -------------------------------------------------------------------------------------
    ("every field", '{ organization(code: "ORG-1") { code name kind grid { code } staff { key } '
     "cases(first: 2) { nodes { code } } } }", None),
    ("filter, under a grid", '{ organizations(gridCode: "A1", filter: {kind: "school"}, '
     "orderBy: [{field: NAME}]) { " + PAGE + " nodes { code } } }", None),
    # -- cases ---------------------------------------------------------------------------------------------
    ("every field", '{ case(code: "D001") { code kind category title description status level reportedAt '
     "deadline closedAt satisfaction source overdue timeLeft hoursLeft extensionRequested extensionUntil "
     "extensionReason extensionRequestedBy extensions allowedMoves grid { code } "
     "events { id seq at action fromStatus toStatus actor note assignee coHandlers case { code } } "
     "involvedPersons { key } caller { key } parties { key } beneficiaries { key } involvedHouseholds { code } "
     "involvedOrganizations { code } assignee { key } assignedOrganization { code } coHandlers { key } "
     "assignments { role since until person { key } organization { code } } "
     "mediations { outcome on mediator { key } } claimedBy { key } } }", None),
    ("filters, sort", '{ cases(gridCode: "A1-V1", filter: {kind: DISPUTE, status: IN_PROGRESS, category: "邻里", '
     'gridCode: "A1-V1-M1", overdue: true, open: true}, orderBy: [{field: REPORTED_AT, direction: DESC}, '
     "{field: STATUS}]) { " + PAGE + " nodes { code } } }", None),
    ("not overdue, closed", "{ cases(first: 2, filter: {overdue: false, open: false}) { totalCount } }", None),
    # -- audit and notifications -------------------------------------------------------------------------------
    ("filter", '{ auditTrail(first: 5, filter: {actor: "admin", action: "reveal.phone"}) { ' + PAGE
     + " nodes { id at actor role action target reason detail } } }", None),
    ("unread", '{ notifications(gridCode: "A1-V1", first: 5) { ' + PAGE + " nodes { id caseCode threshold at "
     "deadline recipientKey recipientName role title read readAt readBy case { code } } } }", None),
    ("all", "{ notifications(unreadOnly: false) { totalCount } }", None),
    # -- questions -----------------------------------------------------------------------------------------
    ("by codes", '{ householdContacts(householdCodes: ["A1-V1-001", "A1-V1-003"]) { code '
     "contactingMembers { key contactCount } } }", None),
    ("by ID number", "query Q($idNumber: String) { householdContacts(idNumber: $idNumber) { code } }",
     {"idNumber": ID_NUMBER}),
    ("by village and number", '{ householdContacts(village: "东村", number: "1") { code } }', None),
    ("by member key", '{ memberHouseholds(memberKey: "pid:1", first: 2, orderBy: [{field: NUMBER}]) { '
     + PAGE + " nodes { code } } }", None),
    ("by ID number", "query Q($idNumber: String) { memberHouseholds(idNumber: $idNumber) { totalCount } }",
     {"idNumber": ID_NUMBER}),
    ("in a grid", '{ uncontactedHouseholds(gridCode: "A1-V1", first: 3) { ' + PAGE + " nodes { code "
     "members { key tags } } } }", None),
    ("by tags", '{ vulnerablePersons(gridCode: "A1", tags: [LIVING_ALONE, LEFT_BEHIND_CHILD], '
     "orderBy: [{field: NAME}]) { " + PAGE + " nodes { key tags household { code } } } }", None),
    ("limit", '{ overloadedMembers(gridCode: "A1", limit: 25, first: 2) { ' + PAGE + " nodes { key "
     "contactCount overloaded } } }", None),
    ("age", "{ exemptMembers(age: 75) { totalCount nodes { key age exempt } } }", None),
    ("nested", '{ similarDisputes(caseCode: "D001", first: 3) { disputes { score textScore sameCategory '
     "closeness case { code } } mediators { cases successes similarCases mediator { key } } } }", None),
    ("by household", '{ responsibilityChain(householdCode: "A1-V1-001") { household { code } '
     "links { rank role person { key phoneMasked } grid { code } unit { code } } town { code } } }", None),
    ("by ID number", "query Q($idNumber: String) { responsibilityChain(idNumber: $idNumber) { "
     "household { code } } }", {"idNumber": ID_NUMBER}),
    ("by level", '{ overdueByGrid(gridCode: "A1", level: 2) { grid { code } openCases overdueCases closedCases '
     "totalCases closureRate satisfactionRate overdue { code deadline } } }", None),
    ("min disputes", '{ conflictHotspots(gridCode: "A1", minDisputes: 3) { disputes person { key } '
     "household { code } cases { code } } }", None),
    ("sorted", '{ openWishes(gridCode: "A1-V1", orderBy: [{field: REPORTED_AT}]) { ' + PAGE
     + " nodes { code claimedBy { key } beneficiaries { key } } } }", None),
    ("within hours", '{ dueSoon(gridCode: "A1", withinHours: 48, first: 5) { ' + PAGE
     + " nodes { code deadline hoursLeft } } }", None),
    ("vulnerable only", '{ unvisitedHouseholds(gridCode: "A1-V1", days: 30, vulnerableOnly: true) { ' + PAGE
     + " nodes { code lastVisitedAt } } }", None),
    ("every part", '{ departureImpact(personKey: "pid:1") { person { key } households { code } units { code } '
     "grids { code } openCases { code } claimedWishes { code } } }", None),
    ("first", '{ successorCandidates(personKey: "pid:1", first: 3) { score load visits reasons '
     "member { key } } }", None),
    ("one grid", '{ gridScorecard(gridCode: "A1-V1", period: "2026-Q3") { gridCode name level period periodStart '
     "periodEnd households contactedHouseholds cases overdueCases closedCases closedInTime ratedCases satisfiedCases "
     "closedAtGridOrVillage contactCoverage onTime closedInTimeShare satisfaction resolvedLow score stars } }", None),
    ("by level", '{ gridRanking(period: "2026-Q3", level: 2) { gridCode score stars } }', None),
    # -- mutations: the statements up to the first lookup (which finds nothing here) ---------------------
    ("accept", 'mutation { acceptCase(code: "D001", note: "已受理") { code status } }', None),
    ("dispatch", 'mutation { dispatchCase(code: "D001", assigneeKey: "pid:1", coHandlerKeys: ["pid:2"]) '
     "{ code } }", None),
    ("report", 'mutation { reportCase(input: {kind: DISPUTE, gridCode: "A1-V1-M1", title: "噪音", '
     'description: "楼上装修", reportedAt: "2026-11-02T09:00:00+08:00", personKeys: ["pid:1"]}) { code } }', None),
    ("request", 'mutation { requestExtension(code: "H001", until: "2026-12-30T00:00:00+08:00", reason: "待鉴定") '
     "{ code } }", None),
    ("claim", 'mutation { claimWish(code: "W001", personKey: "pid:1") { code claimedBy { key } } }', None),
    ("ids", 'mutation { markRead(ids: ["N1", "N2"]) }', None),
    ("a visit", 'mutation { logVisit(input: {householdCode: "A1-V1-001", visitorKey: "pid:1", '
     'at: "2026-11-02T09:00:00+08:00", note: "在家"}) { id } }', None),
    ("plan", 'mutation { reassign(fromKey: "pid:1", reason: "调离", plan: [{kind: HOUSEHOLD, code: "A1-V1-001", '
     'toKey: "pid:2"}]) { __typename } }', None),
    ("assign", 'mutation { assignContact(memberKey: "pid:1", householdCode: "A1-V1-001") { warnings } }', None),
    ("unassign", 'mutation { unassignContact(memberKey: "pid:1", householdCode: "A1-V1-001") { warnings } }', None),
    ("reject", 'mutation { rejectCase(code: "D001", reason: "不属实") { code status } }', None),
    ("rate", 'mutation { rateCase(code: "D001", satisfaction: SATISFIED) { code satisfaction } }', None),
    ("by level", 'mutation { rateGrids(period: "2026-Q3", level: 2) { gridCode stars } }', None),
    ("phone", 'mutation { revealPerson(key: "pid:1", field: PHONE, reason: "上门走访") { __typename } }', None),
]

CALLERS = (
    ("town admin (no scope)", Caller("admin", Role.TOWN_ADMIN)),
    ("grid staff of A1-V1 (scoped)", Caller("staff", Role.GRID_STAFF, "A1-V1", "/A1/A1-V1/")),
)
# Documents also compiled for a role that may not read person tags (restricted personal data): (root field, name).
ANALYST = ("analyst (no scope, no person tags)", Caller("analyst", Role.ANALYST))
ALSO_AS_ANALYST = {("person", "by key, every field"), ("persons", "filters"), ("uncontactedHouseholds", "in a grid")}


@dataclass
class Recorded:
    """What one request would have sent: statements with their parameters, and audit entries."""

    statements: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)
    audits: list[AuditEntry] = field(default_factory=list)


class RecordingTransaction:
    """A write transaction that records each statement and answers it with no rows."""

    def __init__(self, recorded: Recorded) -> None:
        self.recorded = recorded

    def run(self, query: str, parameters: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        self.recorded.statements.append((query, dict(parameters or {})))
        return []


@dataclass
class RecordingContext(ApiContext):
    """The request context with the database replaced by a recorder: nothing is sent anywhere."""

    recorded: Recorded = field(default_factory=Recorded)

    def read(self, query: str, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
        self.recorded.statements.append((query, dict(parameters)))
        return []

    def write(self, work: Callable[[CountingTransaction], T]) -> T:
        return work(cast(CountingTransaction, RecordingTransaction(self.recorded)))

    def run(self, fn: Callable[[], T]) -> T:
        # Library calls that use the database directly: only the audit trail's record(db, entry) is expected.
        assert isinstance(fn, partial) and fn.func.__name__ == "record", fn
        self.recorded.audits.append(fn.args[1])
        return cast(T, None)


def compile_document(document: str, caller: Caller, variables: dict[str, Any] | None = None,
                     settings: Settings | None = None) -> list[tuple[str, Mapping[str, Any]]]:
    """The statements (with parameters) a request would send, without a database (for one-off checks)."""
    settings = settings or Settings.from_env({"GRIDGRAPH_PII_KEY": TEST_PII_KEY, "GRIDGRAPH_MAX_PAGE_SIZE": "50"})
    context = RecordingContext(db=cast(Database, None), settings=settings,
                               sensitive=sensitive_data(settings), caller=caller)
    result = build_schema().execute_sync(document, variables, context)
    assert not result.errors, result.errors
    return context.recorded.statements


def root_field(document: str) -> str:
    operation = next(d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode))
    first = operation.selection_set.selections[0]
    assert isinstance(first, FieldNode)
    return first.name.value


# A clause starts a line; not the WITH of STARTS WITH/ENDS WITH, nor the second word of OPTIONAL MATCH.
CLAUSE = re.compile(r"(?<=\S)(?<!STARTS)(?<!ENDS)(?<!OPTIONAL)(?<!DETACH) (?=(?:OPTIONAL MATCH|MATCH|WHERE|WITH|RETURN|"
                    r"UNWIND|CALL|UNION|CREATE|MERGE|SET|DETACH DELETE|DELETE|REMOVE|ORDER BY|SKIP|LIMIT|FOREACH)\b)")


def layout(cypher: str) -> str:
    """Cypher on several lines for reading in a diff: a clause per line, indented by the braces it is in (the
    named queries' own lines keep their indentation under that)."""
    lines: list[str] = []
    depth = 0
    for line in cypher.splitlines():
        for part in CLAUSE.split(line.rstrip()) if line.strip() else []:
            lines.append("  " * depth + part)
            depth = max(0, depth + part.count("{") - part.count("}"))
    return "\n".join(lines)


def shown(value: Any, name: str = "") -> Any:
    """A parameter or variable value as the snapshot shows it, with nothing sensitive."""
    if name in SECRET_VARIABLES:
        return "<redacted>"
    if name.lower().endswith("cipher") and value is not None:
        return "<ciphertext>"
    if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{40}", value):
        return "<keyed hash>"
    if isinstance(value, str):
        return re.sub(r"^([A-Z]+\d{8})-(?:[0-9a-f]{6}|[0-9a-f]{8})$", r"\1-<random>", value)  # generated codes
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: shown(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [shown(v, name) for v in value]
    return value


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings with the tests' PII key and no database (overrides the session's, which starts Neo4j)."""
    var_dir = tmp_path_factory.mktemp("var")
    return Settings.from_env({"GRIDGRAPH_PII_KEY": TEST_PII_KEY, "GRIDGRAPH_VAR_DIR": str(var_dir),
                              "GRIDGRAPH_MAX_PAGE_SIZE": "50"})


@pytest.fixture(scope="module")
def compiled(settings: Settings) -> dict[str, str]:
    """Every snapshot file's text as compiled now, by root field."""
    schema = build_schema()
    sensitive = sensitive_data(settings)
    files: dict[str, list[str]] = {}
    for name, document, variables in CORPUS:
        field_name = root_field(document)
        section = [f"## {name}", "", "```graphql", document, "```", ""]
        if variables:
            section += [f"variables: `{as_json(shown(variables))}`", ""]
        for who, caller in (*CALLERS, ANALYST) if (field_name, name) in ALSO_AS_ANALYST else CALLERS:
            context = RecordingContext(db=cast(Database, None), settings=settings, sensitive=sensitive, caller=caller)
            result = schema.execute_sync(document, variables, context)
            section += [f"### {who}", ""]
            for query, parameters in context.recorded.statements:
                section += ["```cypher", layout(query), "```", ""]
                section += [f"- `${key}` = `{as_json(shown(value, key))}`" for key, value in parameters.items()]
                section += [""] if parameters else []
            for entry in context.recorded.audits:
                section += [f"audit: `{entry.action}` target=`{entry.target}` detail=`{entry.detail}`", ""]
            for error in result.errors or []:
                if error.message == MASKED_MESSAGE:  # e.g. a statement that always returns a row answered with none
                    section += ["stops here: the recorder answers no rows", ""]
                else:
                    section += [f"error: {error.message}", ""]
        files.setdefault(field_name, [f"# {field_name}", ""]).extend(section)
    return {field_name: "\n".join(lines).rstrip() + "\n" for field_name, lines in files.items()}


def check(path: Path, text: str) -> None:
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"{path} is missing: run with GRIDGRAPH_UPDATE_SNAPSHOTS=1 to write it"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{path.name} changed: run with GRIDGRAPH_UPDATE_SNAPSHOTS=1 and review the diff"


def test_every_root_field_is_in_the_corpus() -> None:
    schema = build_schema()._schema
    assert schema.query_type is not None and schema.mutation_type is not None
    covered = {root_field(document) for _, document, _ in CORPUS}
    assert set(schema.query_type.fields) <= covered, set(schema.query_type.fields) - covered
    names = [(root_field(document), name) for name, document, _ in CORPUS]
    assert len(names) == len(set(names)), "two documents of one root field share a name"
    assert set(names) >= ALSO_AS_ANALYST


@pytest.mark.parametrize("field_name", sorted({root_field(document) for _, document, _ in CORPUS}))
def test_compiled_cypher_matches_the_snapshot(compiled: dict[str, str], field_name: str) -> None:
    check(SNAPSHOTS / f"{field_name}.md", compiled[field_name])


def test_no_snapshot_is_left_over(compiled: dict[str, str]) -> None:
    stale = {p.stem for p in SNAPSHOTS.glob("*.md")} - set(compiled)
    if UPDATE:
        for stem in stale:
            (SNAPSHOTS / f"{stem}.md").unlink()
    assert UPDATE or not stale, f"snapshots of no document in the corpus: {sorted(stale)}"


def test_no_number_in_clear_in_any_snapshot(compiled: dict[str, str]) -> None:
    for text in compiled.values():
        assert ID_NUMBER not in text and PHONE not in text and ID_NUMBER[:-1] not in text


def test_the_printed_schema_matches_the_snapshot() -> None:
    check(SNAPSHOTS / "schema.graphql", build_schema().as_str() + "\n")
