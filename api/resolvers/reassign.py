"""``reassign``: hand what a leaving person holds to others, all of it in one transaction or none of it.

A plan lists items — a household the person contacts, a unit or grid they lead or serve, an open case assigned to
them, a wish they claimed — each with the person who takes it over. Every item is checked before anything is
written (the person holds it, both are in the caller's scope, a household's new member is a party member under 70
with room under 20 households unless ``force``); then the old links go and the new ones are made with today's
date, each case moved gets a ``CaseEvent`` (its assignment closed, not deleted), and one audit entry records the
whole plan. A failure anywhere leaves the graph as it was.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from strawberry.types import Info

from api.auth import Role
from api.compile.catalog import OPEN_LIST
from api.compile.compiler import Compiler
from api.context import CountingTransaction
from api.errors import BadInput, ContactRefused, NotFound
from api.resolvers.common import context, new_compiler, where
from graph.audit import WRITE as AUDIT_WRITE
from graph.audit import AuditEntry, parameters
from schema.freetext import mask_numbers
from schema.graphql.answers import Reassignment
from schema.graphql.enums import ResponsibilityKind
from schema.graphql.inputs import ReassignItem
from schema.vocabulary import CONTACT_EXEMPT_AGE, CONTACT_LIMIT

MAX_ITEMS = 500


# Who may move what: party officers hand over contact households and wishes; town admins anything.
ALLOWED: dict[ResponsibilityKind, frozenset[Role]] = {
    ResponsibilityKind.HOUSEHOLD: frozenset({Role.TOWN_ADMIN, Role.PARTY_OFFICER}),
    ResponsibilityKind.WISH: frozenset({Role.TOWN_ADMIN, Role.PARTY_OFFICER}),
    ResponsibilityKind.UNIT: frozenset({Role.TOWN_ADMIN}),
    ResponsibilityKind.GRID: frozenset({Role.TOWN_ADMIN}),
    ResponsibilityKind.CASE: frozenset({Role.TOWN_ADMIN}),
}

# For each kind: whether the leaving person holds the object now, in the caller's scope ({scope} on {o}).
HOLDS: dict[ResponsibilityKind, str] = {
    ResponsibilityKind.HOUSEHOLD: "MATCH (p)-[:CONTACTS]->(o:Household {code: item.code})",
    ResponsibilityKind.UNIT: "MATCH (p)-[:UNIT_CHIEF_OF]->(o:Unit {code: item.code})",
    ResponsibilityKind.GRID: "MATCH (p)-[:GRID_CHIEF_OF|GRID_MEMBER_OF]->(o:Grid {code: item.code})",
    ResponsibilityKind.CASE: (f"MATCH (o:Case {{code: item.code}})-[a:ASSIGNED_TO]->(p) "
                              f"WHERE a.until IS NULL AND o.status IN {OPEN_LIST}"),
    ResponsibilityKind.WISH: f"MATCH (p)-[:CLAIMED]->(o:Case {{code: item.code}}) WHERE o.status IN {OPEN_LIST}",
}
SCOPE_OF = {ResponsibilityKind.HOUSEHOLD: "Household", ResponsibilityKind.UNIT: "Unit",
            ResponsibilityKind.GRID: "Grid", ResponsibilityKind.CASE: "Case", ResponsibilityKind.WISH: "Case"}

MOVE: dict[ResponsibilityKind, str] = {
    ResponsibilityKind.HOUSEHOLD: ("MATCH (p)-[old:CONTACTS]->(o:Household {code: item.code}) DELETE old "
                                   "MERGE (t)-[c:CONTACTS]->(o) ON CREATE SET c.since = date()"),
    ResponsibilityKind.UNIT: ("MATCH (p)-[old:UNIT_CHIEF_OF]->(o:Unit {code: item.code}) DELETE old "
                              "MERGE (t)-[:UNIT_CHIEF_OF]->(o)"),
    ResponsibilityKind.GRID: ("MATCH (p)-[old:GRID_CHIEF_OF|GRID_MEMBER_OF]->(o:Grid {code: item.code}) "
                              "WITH p, t, o, old, type(old) AS role, properties(old) AS kept DELETE old "
                              "FOREACH (x IN CASE WHEN role = 'GRID_CHIEF_OF' THEN [1] ELSE [] END | "
                              "  MERGE (t)-[:GRID_CHIEF_OF]->(o)) "
                              "FOREACH (x IN CASE WHEN role = 'GRID_MEMBER_OF' THEN [1] ELSE [] END | "
                              "  MERGE (t)-[m:GRID_MEMBER_OF]->(o) SET m += kept)"),
    # Setting a property takes the case's write lock, so event numbers do not race with other moves.
    ResponsibilityKind.CASE: ("MATCH (o:Case {code: item.code})-[old:ASSIGNED_TO]->(p) WHERE old.until IS NULL "
                              "SET o.status = o.status, old.until = datetime() "
                              "CREATE (o)-[:ASSIGNED_TO {role: coalesce(old.role, 'lead'), since: datetime()}]->(t) "
                              "WITH o, t, COUNT { (o)-[:HAS_EVENT]->() } + 1 AS seq "
                              "CREATE (o)-[:HAS_EVENT]->(:CaseEvent {id: o.code + '#' + toString(seq), seq: seq, "
                              "at: datetime(), action: 'reassign', fromStatus: o.status, toStatus: o.status, "
                              "actor: $actor, note: $reason, assignee: t.key})"),
    ResponsibilityKind.WISH: ("MATCH (p)-[old:CLAIMED]->(o:Case {code: item.code}) "
                              "CREATE (t)-[:CLAIMED {at: datetime()}]->(o) DELETE old"),
}


def reassign(info: Info, from_key: str, plan: list[ReassignItem], reason: str, force: bool = False) -> Reassignment:
    """Hand the listed responsibilities of ``fromKey`` to the persons named, in one transaction."""
    ctx = context(info)
    if not plan:
        raise BadInput("plan: list at least one item")
    if len(plan) > MAX_ITEMS:
        raise BadInput(f"plan: at most {MAX_ITEMS} items at a time")
    if len(reason.strip()) < 2:
        raise BadInput("reason: say why the responsibilities move (e.g. 迁出, 去世, 年满70周岁)")
    repeated = [f"{kind.value} {code}" for (kind, code), n in Counter((i.kind, i.code) for i in plan).items() if n > 1]
    if repeated:
        raise BadInput(f"plan: each responsibility once; listed more than once: {', '.join(repeated)}")
    for kind in {item.kind for item in plan}:
        ctx.caller.require(ALLOWED[kind], f"reassign {kind.value}s")
    compiler = new_compiler(ctx)
    person_scope = compiler.reference("Person", "p")
    items = [{"index": n, "kind": item.kind.value, "code": item.code, "to": item.to_key}
             for n, item in enumerate(plan, start=1)]
    params: dict[str, Any] = {"from": from_key, "actor": ctx.caller.name, "reason": mask_numbers(reason.strip()),
                              **compiler.params}

    def work(tx: CountingTransaction) -> Reassignment:
        if not tx.run(f"MATCH (p:Person {{key: $from}}){where([person_scope])} RETURN p.key AS key", params):
            raise NotFound(f"no person {from_key!r} in your scope")
        warnings = _check(tx, items, params, compiler, force=force)
        for kind in ResponsibilityKind:
            chosen = [i for i in items if i["kind"] == kind.value]
            if chosen:
                tx.run("MATCH (p:Person {key: $from}) UNWIND $items AS item MATCH (t:Person {key: item.to}) "
                       f"WITH p, t, item {MOVE[kind]}", {**params, "items": chosen})
        entry = parameters(AuditEntry(ctx.caller.name, ctx.caller.role.value, "reassign", from_key, reason.strip(),
                                      ", ".join(f"{k} {n}" for k, n in sorted(Counter(i["kind"] for i in items)
                                                                            .items()))))
        tx.run(AUDIT_WRITE, entry)
        return Reassignment(moved=len(items), warnings=warnings, audit_id=entry["id"])

    result: Reassignment = ctx.write(work)
    return result


def _check(tx: CountingTransaction, items: list[dict[str, Any]], params: dict[str, Any], compiler: Compiler, *,
           force: bool) -> list[str]:
    """Every item is held by the leaving person and taken by someone in scope; refuse the plan otherwise."""
    problems: list[str] = []
    for kind in ResponsibilityKind:
        chosen = [i for i in items if i["kind"] == kind.value]
        if not chosen:
            continue
        object_scope = compiler.scope(SCOPE_OF[kind], "o")
        rows = tx.run(
            "MATCH (p:Person {key: $from}) UNWIND $items AS item "
            f"WITH p, item, EXISTS {{ {HOLDS[kind]}{' AND ' if 'WHERE' in HOLDS[kind] else ' WHERE '}"
            f"{object_scope or 'true'} }} AS held "
            f"OPTIONAL MATCH (t:Person {{key: item.to}}){where([compiler.reference('Person', 't')])} "
            "RETURN item.index AS index, held, t IS NOT NULL AS taker, "
            "t:PartyMember AS member, t.birthDate AS born, COUNT { (t)-[:CONTACTS]->(:Household) } AS load, "
            "t.key = $from AS same", {**params, "items": chosen})
        for row in rows:
            if not row["held"]:
                problems.append(f"item {row['index']}: the person does not hold this {kind.value} (in your scope)")
            elif not row["taker"]:
                problems.append(f"item {row['index']}: no person to take it over in your scope")
            elif row["same"]:
                problems.append(f"item {row['index']}: it would go to the person who leaves")
            elif kind == ResponsibilityKind.HOUSEHOLD and not row["member"]:
                problems.append(f"item {row['index']}: contact households go to party members only")
    if problems:
        raise BadInput("the plan was not applied: " + "; ".join(problems))
    return _household_limits(tx, [i for i in items if i["kind"] == ResponsibilityKind.HOUSEHOLD.value], force)


def _household_limits(tx: CountingTransaction, items: list[dict[str, Any]], force: bool) -> list[str]:
    """New contact members: under 70, and at most 20 households after the plan (unless ``force``: warnings)."""
    taken = Counter(i["to"] for i in items)
    if not taken:
        return []
    rows = tx.run("UNWIND $keys AS key MATCH (t:Person {key: key}) RETURN t.key AS key, t.birthDate AS born, "
                  "COUNT { (t)-[:CONTACTS]->(:Household) } AS load", {"keys": sorted(taken)})
    refusals: list[str] = []
    for row in rows:
        born = row["born"].to_native() if row["born"] is not None else None
        age = None if born is None else date.today().year - born.year - (
            (date.today().month, date.today().day) < (born.month, born.day))
        after = row["load"] + taken[row["key"]]
        if age is not None and age >= CONTACT_EXEMPT_AGE:
            refusals.append(f"{row['key']} is {age} (members aged {CONTACT_EXEMPT_AGE}+ are exempt)")
        if after > CONTACT_LIMIT:
            refusals.append(f"{row['key']} would contact {after} households (more than {CONTACT_LIMIT})")
    if refusals and not force:
        raise ContactRefused("the plan was not applied: " + "; ".join(refusals) + "; pass force: true to apply it "
                             "anyway")
    return refusals

