"""Ad-hoc Cypher is read-only: a corpus of write and escape attempts is refused with a clear message and leaves
the graph exactly as it was; each later layer holds even when the ones before it are switched off."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

import queries.adhoc as adhoc
from graph.audit import AuditEntry, recent, record
from graph.database import Database
from graph.settings import Settings
from queries.adhoc import run_adhoc
from queries.errors import (
    CypherInvalid,
    CypherRefused,
    ForbiddenClause,
    ForbiddenProcedure,
    MultipleStatements,
    NotReadOnly,
    ProtectedLabel,
    ProtectedProperty,
)
from queries.neo4j_values import to_jsonable
from queries.statement import check_statement

ATTEMPTS: list[tuple[str, type[CypherRefused]]] = [
    ("CREATE (n:Person {key: 'x'})", ForbiddenClause),
    ("MERGE (g:Grid {code: 'X'}) RETURN g", ForbiddenClause),
    ("MATCH (g:Grid) SET g.name = 'x'", ForbiddenClause),
    ("MATCH (g:Grid) SET g:Hacked", ForbiddenClause),
    ("MATCH (g:Grid) REMOVE g.name", ForbiddenClause),
    ("MATCH (e:CaseEvent) DELETE e", ForbiddenClause),
    ("MATCH (h:Household) DETACH DELETE h", ForbiddenClause),
    ("MATCH (g:Grid) FOREACH (x IN [1] | SET g.hacked = true)", ForbiddenClause),
    ("MATCH (g:Grid) CALL (g) { SET g.hacked = true } RETURN count(*) AS n", ForbiddenClause),
    ("MATCH (g:Grid) CALL { WITH g MATCH (g)<-[r]-() DELETE r } RETURN 1", ForbiddenClause),
    ("CALL { MATCH (n) DETACH DELETE n } IN TRANSACTIONS", ForbiddenClause),
    ("MATCH (n) CALL { MATCH (m) RETURN m } IN TRANSACTIONS OF 10 ROWS RETURN n", ForbiddenClause),
    ("MATCH (n) WITH n INSERT (m:Hacked)", ForbiddenClause),
    ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", ForbiddenClause),
    ("WITH 1 AS x LOAD CSV WITH HEADERS FROM 'https://example.com/a.csv' AS row RETURN row", ForbiddenClause),
    ("USING PERIODIC COMMIT LOAD CSV FROM 'file:///x.csv' AS l CREATE (:X)", ForbiddenClause),
    ("CALL dbms.listConfig()", ForbiddenProcedure),
    ("CALL dbms.security.createUser('mallory', 'secret123', false)", ForbiddenProcedure),
    ("CALL `dbms`.`listConfig`() YIELD name RETURN name", ForbiddenProcedure),
    ("CALL db.createLabel('Hacked')", ForbiddenProcedure),
    ("UNWIND [1] AS x CALL db.clearQueryCaches() YIELD value RETURN x", ForbiddenProcedure),
    ("CALL apoc.cypher.runWrite('CREATE (n:Hacked)', {})", ForbiddenProcedure),
    ("WITH 'CRE' + 'ATE (n:Hacked)' AS q CALL apoc.cypher.doIt(q, {}) YIELD value RETURN value", ForbiddenProcedure),
    ("RETURN apoc.text.join(['a', 'b'], ',') AS s", ForbiddenProcedure),
    ("SHOW USERS", ForbiddenClause),
    ("SHOW TRANSACTIONS", ForbiddenClause),
    ("SHOW SETTINGS YIELD name RETURN name", ForbiddenClause),
    ("CREATE USER mallory SET PASSWORD 'secret123'", ForbiddenClause),
    ("ALTER USER neo4j SET PASSWORD 'changed-123'", ForbiddenClause),
    ("GRANT ROLE admin TO mallory", ForbiddenClause),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", ForbiddenClause),
    ("STOP DATABASE neo4j", ForbiddenClause),
    ("USE system SHOW USERS", ForbiddenClause),
    ("CREATE INDEX hack FOR (n:Person) ON (n.name)", ForbiddenClause),
    ("CREATE CONSTRAINT hack FOR (g:Grid) REQUIRE g.name IS UNIQUE", ForbiddenClause),
    ("DROP INDEX person_name", ForbiddenClause),
    ("DROP CONSTRAINT grid_code", ForbiddenClause),
    ("MATCH (n) RETURN count(n) AS n; MATCH (m) DETACH DELETE m", MultipleStatements),
    ("RETURN 1 ; ; CREATE (n:Hacked)", MultipleStatements),
    ("/* MATCH (n) RETURN n */ CREATE (n:Hacked)", ForbiddenClause),
    ("MATCH (n) // RETURN n\nDETACH DELETE n", ForbiddenClause),
    ("MATCH (n) // a line separator ends this comment\u2028SET n.x = 1", ForbiddenClause),
    ("MATCH (n) WITH n /* ; */ cReAtE (m:Hacked)", ForbiddenClause),
    ("match (n:Grid) set n.name = 'x'", ForbiddenClause),
    ("MATCH (g:Grid) ＳＥＴ g.name = 'x'", ForbiddenClause),            # full-width letters
    ("MATCH (g:Grid) SE\u200bT g.name = 'x'", ForbiddenClause),        # a zero-width space inside the keyword
    ("\ufeffMATCH (g:Grid) DETACH\u00a0DELETE g", ForbiddenClause),    # a BOM and a no-break space
    ("EXPLAIN CREATE (n:Hacked)", ForbiddenClause),
    ("PROFILE MATCH (n) RETURN n", ForbiddenClause),
    ("CYPHER runtime=slotted CREATE (n:Hacked)", ForbiddenClause),
    # Neo4j decodes \uXXXX escapes anywhere in the text, before it reads keywords, comments and names.
    (r"CR\u0045ATE (n:Hacked)", ForbiddenClause),
    (r"MATCH (n) //\u000aDETACH DELETE n", ForbiddenClause),
    (r"MATCH (n) /* \u002a/ SET n.hacked = true /* */ RETURN n", ForbiddenClause),
    (r"LO\u0041D CSV FROM 'file:///etc/passwd' AS line RETURN line", ForbiddenClause),
    (r"RETURN 1 AS x\u003b MATCH (n) DETACH DELETE n", MultipleStatements),
    (r"CALL dbms\u002elistConfig()", ForbiddenProcedure),
    (r"MATCH (p:Person) RETURN p.id\u0048ash AS h", ProtectedProperty),
    (r"MATCH (p:Person) RETURN p.\u0060phoneCipher\u0060 AS c", ProtectedProperty),
    ("MATCH (p:Person) RETURN p.idHash AS h", ProtectedProperty),
    ("MATCH (p:Person) RETURN p.`idCipher` AS c", ProtectedProperty),
    ("MATCH (p:Person {phoneHash: $hash}) RETURN p.name", ProtectedProperty),
    ("MATCH (p:Person) RETURN p {.IDHASH} AS p", ProtectedProperty),
    ("MATCH (p:Person) RETURN p['id' + 'Hash'] AS h", ProtectedProperty),
    ("MATCH (p:Person) WITH p, keys(p) AS ks RETURN [k IN ks | properties(p)[k]] AS values", ProtectedProperty),
    ("MATCH (p:Person) RETURN p.tags AS tags", ProtectedProperty),
    ("MATCH (t:ApiToken) RETURN t.tokenHash", ProtectedLabel),
    # Subscripts on variables whose names are keywords are subscripts all the same.
    ("MATCH (p:Person) WITH p AS skip RETURN skip['idCipher'] AS c", ProtectedProperty),
    ("MATCH (p:Person) WITH p AS when RETURN when['tags'] AS t", ProtectedProperty),
    ("MATCH (p:Person) WITH p AS `limit` RETURN limit['phone' + 'Cipher'] AS c", ProtectedProperty),
    ("MATCH (p:Person) UNWIND [p] AS where RETURN where[$hash] AS v", ProtectedProperty),
    ("MATCH (in:Person) RETURN [x IN [1] | in['idHash']] AS v", ProtectedProperty),
    ("MATCH (p:Person) RETURN [distinct IN [p] | distinct['id' + 'Cipher']] AS v", ProtectedProperty),
    # Whole property maps, and person keys (they embed the ID hash).
    ("MATCH (p:Person) RETURN p {.*} AS everything", ProtectedProperty),
    ("MATCH (p:Person) RETURN p{.name, .*} AS everything", ProtectedProperty),
    ("MATCH (p:Person) WITH properties(p) AS m RETURN m ORDER BY m", ProtectedProperty),
    ("MATCH (p:Person) RETURN substring(p.key, 3) AS h", ProtectedProperty),
    ("MATCH (p:Person) RETURN p {.key} AS k", ProtectedProperty),
    ("MATCH (p:Person) WHERE p.`key` STARTS WITH 'id:a' RETURN count(p) AS n", ProtectedProperty),
    # Audit entries and tokens, by label or by a label chosen at run time.
    ("MATCH (a:AuditEntry) RETURN a.reason AS reason", ProtectedLabel),
    ("MATCH (t:`ApiToken`) RETURN t.name AS name", ProtectedLabel),
    ("MATCH (n:Grid|AuditEntry) RETURN n", ProtectedLabel),
    ("MATCH (n) WHERE n:AuditEntry RETURN n.target AS t", ProtectedLabel),
    ("MATCH (n:$($label)) RETURN n", ForbiddenClause),
    ("MATCH (n:$any(['Audit' + 'Entry'])) RETURN n", ForbiddenClause),
]

# Refused from the plan: nodes reached without a label would include audit entries and tokens.
PLAN_ATTEMPTS = [
    "MATCH (n) WHERE 'AuditEntry' IN labels(n) RETURN n.reason AS reason",
    "MATCH (n) RETURN n.target AS target, n.detail AS detail",
    "MATCH (n:!Grid) RETURN n.name AS name",
    "MATCH (n:%) RETURN n",
    "MATCH (n) WHERE elementId(n) = $hash RETURN n",
    "MATCH (n) WHERE id(n) = 0 RETURN n",
]


def test_corpus_is_large_enough() -> None:
    assert len(ATTEMPTS) >= 30
    assert len({statement for statement, _ in ATTEMPTS}) == len(ATTEMPTS)


@pytest.mark.parametrize(("statement", "refusal"), ATTEMPTS, ids=[s[:40] for s, _ in ATTEMPTS])
def test_statement_check_refuses(statement: str, refusal: type[CypherRefused]) -> None:
    with pytest.raises(refusal) as caught:
        check_statement(statement)
    message = str(caught.value)
    assert len(message) > 30 and caught.value.code.startswith("cypher.refused")


@pytest.mark.parametrize("statement", PLAN_ATTEMPTS)
def test_plans_reaching_unlabelled_nodes_are_refused(town_graph: Database, settings: Settings,
                                                     statement: str) -> None:
    record(town_graph, AuditEntry("alice", "townAdmin", "reveal.idNumber", "id:secret", "checking", ""))
    with pytest.raises(ProtectedLabel, match="without a label"):
        run_adhoc(town_graph, settings, statement, {"hash": "x"}, actor="eve", role="analyst")


def test_audit_entries_come_back_empty_where_a_plan_cannot_tell(town_graph: Database, settings: Settings) -> None:
    # A relationship scan reaches only connected nodes; audit entries have no relationships, and should one ever
    # come back, it comes back without properties.
    result = run_adhoc(town_graph, settings, "MATCH (a)-[:IN_GRID]->(g:Grid) RETURN a LIMIT 1",
                       actor="alice", role="analyst")
    assert result.rows and result.rows[0][0]["properties"]
    [entry] = town_graph.execute_read(lambda tx: [r["a"] for r in tx.run("MATCH (a:AuditEntry) RETURN a LIMIT 1")])
    assert to_jsonable(entry, frozenset(), frozenset({"AuditEntry"}))["properties"] == {}


def test_admins_read_the_audit_trail_analysts_do_not(town_graph: Database, settings: Settings) -> None:
    statement = "MATCH (a:AuditEntry) RETURN count(a) AS n"
    with pytest.raises(ProtectedLabel):
        run_adhoc(town_graph, settings, statement, actor="alice", role="analyst")
    assert run_adhoc(town_graph, settings, statement, actor="root", role="townAdmin",
                     allow_audit=True).rows[0][0] > 0
    with pytest.raises(ProtectedLabel):
        run_adhoc(town_graph, settings, "MATCH (t:ApiToken) RETURN count(t) AS n", actor="root", role="townAdmin",
                  allow_audit=True, allow_keys=True)


def graph_fingerprint(db: Database) -> dict[str, Any]:
    """Counts and a checksum of every label, property and relationship outside the audit trail, and the schema."""
    nodes = db.read("MATCH (n) WHERE NOT n:AuditEntry RETURN labels(n) AS labels, properties(n) AS properties")
    relationships = db.read(
        "MATCH (a)-[r]->(b) RETURN elementId(a) AS a, type(r) AS type, properties(r) AS properties, "
        "elementId(b) AS b")
    schema = db.read("SHOW INDEXES YIELD name, type, labelsOrTypes, properties RETURN * ORDER BY name")
    texts = sorted(json.dumps(row, sort_keys=True, default=str, ensure_ascii=False) for row in nodes)
    texts += sorted(json.dumps(row, sort_keys=True, default=str, ensure_ascii=False) for row in relationships)
    return {"nodes": len(nodes), "relationships": len(relationships), "schema": schema,
            "labels": sorted(r["label"] for r in db.read("CALL db.labels() YIELD label RETURN label")),
            "checksum": hashlib.sha256("\n".join(texts).encode()).hexdigest()}


def test_attempts_are_refused_audited_and_change_nothing(town_graph: Database, settings: Settings) -> None:
    before = graph_fingerprint(town_graph)
    assert before["nodes"] > 200
    for statement, refusal in ATTEMPTS:
        with pytest.raises(refusal):
            run_adhoc(town_graph, settings, statement, {"hash": "x"}, actor="mallory", role="analyst")
    assert graph_fingerprint(town_graph) == before
    entries = recent(town_graph, limit=1000, actor="mallory")
    assert len(entries) == len(ATTEMPTS), "every attempt is in the audit trail"
    assert {e["action"] for e in entries} == {"cypher.refused"}
    assert {e["target"] for e in entries} == {statement for statement, _ in ATTEMPTS}


@pytest.mark.parametrize("statement", [
    "CREATE (n:Hacked)",
    "MATCH (g:Grid) SET g.name = 'hacked'",
    "MATCH (g:Grid) CALL (g) { SET g.name = 'hacked' } RETURN count(*) AS n",
    "CREATE INDEX hack IF NOT EXISTS FOR (n:Person) ON (n.sex)",
    "CALL db.createLabel('Hacked')",
])
def test_later_layers_hold_without_the_statement_check(town_graph: Database, settings: Settings,
                                                        monkeypatch: pytest.MonkeyPatch, statement: str) -> None:
    before = graph_fingerprint(town_graph)
    monkeypatch.setattr(adhoc, "check_statement", lambda query, **_: query)
    with pytest.raises(NotReadOnly, match="not a read"):
        run_adhoc(town_graph, settings, statement, actor="mallory", role="analyst")
    # Without EXPLAIN's verdict as well, the read transaction refuses the write.
    monkeypatch.setattr(adhoc, "explain_plan", lambda db, statement, params, seconds: adhoc.Explained("r", None))
    with pytest.raises(NotReadOnly, match="read transaction"):
        run_adhoc(town_graph, settings, statement, actor="mallory", role="analyst")
    assert graph_fingerprint(town_graph) == before


@pytest.mark.parametrize("statement", [
    "MATCH (c:Case) WHERE c.title CONTAINS 'CREATE' OR c.title = \"DELETE; DROP\" RETURN c.code AS code",
    "MATCH (g:Grid) // DELETE everything\nRETURN g.code AS code",
    "MATCH (g:Grid) /* SET g.x = 1; */ RETURN g.code AS code ORDER BY code LIMIT 1;",
    "MATCH (g:Grid) RETURN g.`name` AS name, g {.code, .level} AS grid",
    "MATCH (g:Grid) WHERE NOT g:`Create` RETURN count(g) AS n",
    "CALL db.labels() YIELD label RETURN label",
    "CALL db.index.fulltext.queryNodes('case_text', '宅基地') YIELD node, score RETURN node.code AS code, score",
    "CALL db.schema.nodeTypeProperties()",
    "SHOW INDEXES YIELD name RETURN name",
    "SHOW RANGE INDEXES",
    "SHOW CONSTRAINTS",
    "MATCH path = (:Household)-[:IN_UNIT]->(:Unit) RETURN nodes(path)[0].code AS code, relationships(path)[-1] AS r",
    "UNWIND [1, 2, 3] AS x WITH collect(x) AS xs RETURN xs[1..2] AS some, xs[-1] AS last, [y IN xs | y * 2] AS d",
    "RETURN date.truncate('month', date('2026-11-25')) AS d, "
    "duration.between(date('2026-01-01'), date('2026-11-25')).days AS n",
    "MATCH (h:Household) WHERE h.gridPath STARTS WITH $scope RETURN count(h) AS n",
    "OPTIONAL MATCH (n:Nothing) RETURN n",
    "WITH 'LOAD CSV' AS text RETURN text",
    r"RETURN 'it\\u0027s' AS s, '\u5b85\u57fa\u5730' AS escaped",
])
def test_reads_are_not_refused(town_graph: Database, settings: Settings, statement: str) -> None:
    result = run_adhoc(town_graph, settings, statement, {"scope": "/A1/"}, actor="alice", role="analyst")
    assert result.columns
    json.dumps(result.rows)


def test_escaped_backslash_is_refused(town_graph: Database, settings: Settings) -> None:
    with pytest.raises(CypherInvalid, match="unicode escape of a backslash"):
        run_adhoc(town_graph, settings, r"RETURN '\u005cu0041' AS s", actor="alice", role="analyst")


def test_tags_only_when_allowed(town_graph: Database, settings: Settings) -> None:
    statement = "MATCH (p:Person) WHERE size(p.tags) > 0 RETURN p.tags AS tags, p AS person LIMIT 1"
    with pytest.raises(ProtectedProperty, match="person tags need a role that may see them"):
        run_adhoc(town_graph, settings, statement, actor="alice", role="analyst")
    result = run_adhoc(town_graph, settings, statement, actor="alice", role="townAdmin", allow_tags=True)
    tags, person = result.rows[0]
    assert tags and person["properties"]["tags"] == tags
    assert "idHash" not in person["properties"]
