"""Completing compiled answers in one walk (api.execution) gives byte for byte graphql-core's own answer.

Every query document of the API tests (string constants of tests/api, with the variables they are sent with)
and a corpus of shapes they may not cover — aliases, fragments, @skip/@include, variables, connections and
edges, nested lists, nulls, __typename, enums, dates, errors — run through a schema with each executor, for
callers of several roles; data, errors and the number of Cypher queries must be the same.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.graphql import OperationType as StrawberryOperation

from api.auth import Caller, Role
from api.context import ApiContext
from api.endpoint import format_error
from api.schema import build_schema
from graph.database import Database
from graph.pii_key import sensitive_data
from graph.settings import Settings
from tests.fixtures.town import Town

pytestmark = pytest.mark.usefixtures("town_once")
TESTS = Path(__file__).parent
PERSON = "key name sex birthDate age tags idMasked phoneMasked relation isPartyMember __typename"

CORPUS: list[tuple[str, dict[str, Any] | None]] = [
    ('{ household(code: "A1-V1-001") { code address members { ' + PERSON + " } } }", None),
    ('{ household(code: "NO-SUCH") { code } }', None),
    ('{ h: household(code: "A1-V1-001") { c: code, m: members { k: key, n: name } } '
     'g: household(code: "A1-V1-003") { code } }', None),
    ("query Q($c: String!) { household(code: $c) { ...H } } fragment H on Household { code members { key } }",
     {"c": "A1-V1-001"}),
    ('{ household(code: "A1-V1-001") { ... on Household { code __typename } head { ... on Person { name } } } }',
     None),
    ("query Q($s: Boolean!, $i: Boolean!) { households(first: 3) { totalCount @skip(if: $s) "
     "nodes { code @include(if: $i) address @skip(if: $i) } } }", {"s": True, "i": False}),
    ("query Q($s: Boolean!, $i: Boolean!) { households(first: 3) { totalCount @skip(if: $s) "
     "nodes { code @include(if: $i) address @skip(if: $i) } } }", {"s": False, "i": True}),
    ("{ households(first: 4) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } "
     "edges { cursor node { code grid { code name level } } } } }", None),
    ("query P($a: String) { households(first: 2, after: $a) { edges { cursor } nodes { code } } }",
     {"a": "b2Zmc2V0OjE="}),
    ('{ households(first: 2, after: "not-a-cursor") { totalCount } }', None),
    ("{ households(first: -1) { totalCount } }", None),
    ("{ households(first: 0) { totalCount pageInfo { startCursor endCursor hasNextPage } nodes { code } } }",
     None),
    ("{ households(first: 5, orderBy: [{field: CODE, direction: DESC}]) { nodes { code contacted } } }", None),
    ("{ cases(first: 10) { nodes { code kind status level reportedAt deadline closedAt overdue allowedMoves "
     "events { id seq at action fromStatus toStatus actor note case { code } } } } }", None),
    ("query C($f: CaseFilter) { cases(first: 10, filter: $f) { totalCount nodes { code status } } }",
     {"f": {"open": True}}),
    ('{ case(code: "D001") { code title mediations { __typename } involvedPersons { key household { code } } '
     "claimedBy { key } assignee { key } grid { code parent { code } } } }", None),
    ("{ grids(first: 50) { totalCount nodes { code name level kind starRating path children { code } "
     "households { totalCount } cases { totalCount } } } }", None),
    ('{ grid(code: "A1-V1") { code units { code } chiefs { key } staff { __typename } '
     "organizations { code } partyOrgs { code } allHouseholds(first: 3) { nodes { code } } } }", None),
    ("{ persons(first: 20) { nodes { " + PERSON + " household { code } partyMember { key } chiefOf { code } "
     "worksFor { code } } } }", None),
    ("{ partyMembers(first: 10) { nodes { key name households { totalCount nodes { code } } } } }", None),
    ('{ person(key: "id:00001") { key cases { totalCount } mediations { __typename } claimedWishes { code } } }',
     None),
    ('{ householdContacts(householdCodes: ["A1-V1-001", "A1-V1-003", "NONE"]) { code contactingMembers { key } } }',
     None),
    ('{ memberHouseholds(memberKey: "id:00001", first: 2) { totalCount pageInfo { hasNextPage } '
     "nodes { code } } }", None),
    ('{ uncontactedHouseholds(gridCode: "A1-V1") { totalCount nodes { code members { key tags } } } }', None),
    ("query V($t: [PersonTag!]) { vulnerablePersons(tags: $t) { totalCount nodes { key tags } } }",
     {"t": ["LOW_INCOME"]}),
    ("{ overloadedMembers(limit: 1) { nodes { key } } exemptMembers { totalCount nodes { key age } } }", None),
    ('{ similarDisputes(caseCode: "D001") { disputes { __typename case { code } } mediators { __typename } } }',
     None),
    ('{ responsibilityChain(householdCode: "A1-V1-001") { __typename links { role person { key } } } }', None),
    ("{ overdueByGrid(level: 2) { grid { code } overdue { code deadline } } }", None),
    ("{ conflictHotspots(minDisputes: 1) { __typename } openWishes { totalCount nodes { code claimedBy { key } } } }",
     None),
    ("{ me { name role scope } households(first: 1) { totalCount } }", None),
    ("{ __typename households(first: 1) { __typename nodes { __typename } } }", None),
    ('{ __type(name: "Household") { name } households(first: 1) { totalCount } }', None),
    ("{ regions { nodes { code } } partyOrgs { nodes { code } } organizations { nodes { code } } }", None),
    ("{ auditTrail { totalCount } }", None),
    ("{ nosuchfield }", None),
    ("query Q($c: String!) { household(code: $c) { code } }", None),
]


def _documents(path: Path) -> list[tuple[str, dict[str, Any] | None]]:
    """GraphQL query documents among a test module's strings — its constants (with the variables a call sends
    them with) and its module-level values (built with f-strings) — that parse as queries."""
    found: dict[str, dict[str, Any] | None] = {}
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and len(node.args) > 1 and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[1], ast.Dict):
            with contextlib.suppress(ValueError):
                found[node.args[0].value] = ast.literal_eval(node.args[1])
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.setdefault(node.value, None)
    module = importlib.import_module(f"tests.api.{path.stem}")
    for value in vars(module).values():
        values = value.values() if isinstance(value, dict) else value if isinstance(value, list | tuple) else [value]
        for text in values:
            if isinstance(text, str):
                found.setdefault(text, None)
    return [(text, variables) for text, variables in found.items() if _is_query(text)]


def _is_query(text: str) -> bool:
    if "{" not in text:
        return False
    try:
        document = parse(text)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return bool(operations) and all(o.operation == OperationType.QUERY for o in operations)


def harvested() -> list[tuple[str, dict[str, Any] | None]]:
    documents: list[tuple[str, dict[str, Any] | None]] = []
    for path in sorted(TESTS.glob("test_*.py")):
        if path.name != Path(__file__).name:
            documents += _documents(path)
    return documents


def answer(schema: Any, db: Database, settings: Settings, caller: Caller, query: str,
           variables: dict[str, Any] | None) -> str:
    """The response body as the endpoint writes it (JSON), with the number of Cypher queries run."""
    context = ApiContext(db=db, settings=settings, sensitive=sensitive_data(settings), caller=caller)
    result = schema.execute_sync(query, variables, context, None, None, {StrawberryOperation.QUERY})
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [format_error(e) for e in result.errors]
    body["queries"] = context.stats.queries
    return json.dumps(body, ensure_ascii=False)


@pytest.fixture(scope="module")
def schemas() -> tuple[Any, Any]:
    return build_schema(), build_schema(executor=StrawberryGraphQLCoreExecutionContext)


def callers(town: Town) -> list[Caller]:
    return [Caller("admin", Role.TOWN_ADMIN), Caller("analyst", Role.ANALYST),
            Caller("staff", Role.GRID_STAFF, "A1-V1", town.grid("A1-V1")["path"])]


def test_the_corpus_is_broad() -> None:
    assert len(harvested()) >= 30
    assert len(CORPUS) >= 30


@pytest.mark.parametrize(("query", "variables"), CORPUS + harvested())
def test_one_walk_answers_as_graphql_core_does(schemas: tuple[Any, Any], town_once: Database,
                                               api_settings: Settings, town: Town, query: str,
                                               variables: dict[str, Any] | None) -> None:
    walked, resolved = schemas
    for caller in callers(town):
        expected = answer(resolved, town_once, api_settings, caller, query, variables)
        assert answer(walked, town_once, api_settings, caller, query, variables) == expected, caller.role


def test_the_walk_replaces_field_resolution(schemas: tuple[Any, Any], town_once: Database,
                                            api_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A successful compiled answer never falls back to graphql-core's completion."""
    fallbacks: list[str] = []
    complete = StrawberryGraphQLCoreExecutionContext.complete_value

    def counting(self: Any, return_type: Any, *args: Any) -> Any:
        fallbacks.append(str(return_type))
        return complete(self, return_type, *args)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "complete_value", counting)
    query, variables = CORPUS[7]
    body = json.loads(answer(schemas[0], town_once, api_settings, Caller("admin", Role.TOWN_ADMIN), query, variables))
    assert "errors" not in body and body["data"]["households"]["edges"]
    assert fallbacks == []
