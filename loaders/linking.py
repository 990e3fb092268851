"""One person, one node: persons named by role without an ID number are merged into the census person.

At the end of a run, each name-only person named in it (a grid member, mediator, claimer … known by name in a
village, see :mod:`loaders.kinds.staff`) is matched against the census of that village: by phone number when
the sheet gave one and one resident has it, else by name when the village has exactly one resident of that
name. A match moves every relationship of the name-only node to the census person, records the name-only key
on the census person (``aliasKeys``, so later runs write the census person directly), and deletes the node.
Persons that cannot be matched stay name-only (one per village), and the report says which roles they hold.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from graph.database import Database
from loaders.state import NamedPerson, RunState

# By the village grid's path (the households' gridPath is indexed), then its code; only the residents that
# bear a name or phone the village's name-only persons have (the others cannot match, and a village's whole
# census is many rows to send).
RESIDENTS = """
UNWIND $villages AS village
MATCH (h:Household) WHERE h.gridPath STARTS WITH village.path AND h.villageCode = village.code
MATCH (h)<-[:MEMBER_OF]-(p:Person)
WHERE p.name IN village.names OR p.phoneHash IN village.phones
RETURN village.code AS village, p.key AS key, p.name AS name, p.phoneHash AS phone
"""

# Relationship types are fixed here (no APOC): every type a name-only person can hold.
MERGE_INTO = """
UNWIND $pairs AS pair
MATCH (n:Person {key: pair.from})
MATCH (p:Person {key: pair.to})
CALL (n, p) {
  MATCH (n)-[r:GRID_CHIEF_OF]->(g) MERGE (p)-[x:GRID_CHIEF_OF]->(g) ON CREATE SET x.source = r.source DELETE r
}
CALL (n, p) {
  MATCH (n)-[r:GRID_MEMBER_OF]->(g)
  MERGE (p)-[x:GRID_MEMBER_OF]->(g) ON CREATE SET x.source = r.source
  SET x.kind = r.kind, x.department = r.department
  DELETE r
}
CALL (n, p) { MATCH (n)-[r:UNIT_CHIEF_OF]->(u) MERGE (p)-[:UNIT_CHIEF_OF]->(u) DELETE r }
CALL (n, p) {
  MATCH (n)-[r:MEDIATED]->(c) MERGE (p)-[x:MEDIATED]->(c) SET x.outcome = r.outcome, x.on = r.on DELETE r
}
CALL (n, p) { MATCH (n)-[r:CLAIMED]->(c) MERGE (p)-[x:CLAIMED]->(c) SET x.at = r.at DELETE r }
CALL (n, p) { MATCH (c)-[r:INVOLVES]->(n) MERGE (c)-[x:INVOLVES {role: r.role}]->(p) DELETE r }
CALL (n, p) { MATCH (n)-[r:WORKS_FOR]->(o) MERGE (p)-[x:WORKS_FOR]->(o) SET x.title = r.title DELETE r }
SET p.aliasKeys = CASE WHEN pair.from IN coalesce(p.aliasKeys, []) THEN p.aliasKeys
                       ELSE coalesce(p.aliasKeys, []) + pair.from END
WITH n
WHERE NOT EXISTS { (n)--() }
DELETE n
"""


@dataclass(frozen=True)
class Unlinked:
    """Name-only persons of one role that no census person matched."""

    role: str
    names: list[str]
    source: int
    row: int


def link_named_persons(db: Database, state: RunState, write: bool) -> tuple[int, list[Unlinked]]:
    """Merge this run's name-only persons into census persons; (how many were linked, what was not, by role)."""
    named = state.named
    if not named:
        return 0, []
    names: dict[str, set[str]] = defaultdict(set)
    phones: dict[str, set[str]] = defaultdict(set)
    for person in named.values():
        names[person.village].add(person.name)
        if person.phone_hash:
            phones[person.village].add(person.phone_hash)
    villages = [{"code": code, "path": state.grids.by_code[code].path if code in state.grids.by_code else f"/{code}/",
                 "names": sorted(names[code]), "phones": sorted(phones[code])} for code in sorted(names)]
    by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_phone: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in db.read(RESIDENTS, {"villages": villages}):
        by_name[(row["village"], row["name"])].add(row["key"])
        if row["phone"]:
            by_phone[(row["village"], row["phone"])].add(row["key"])
    pairs: list[dict[str, str]] = []
    unlinked: dict[str, list[NamedPerson]] = defaultdict(list)
    for key, person in named.items():
        target = _match(person, by_name, by_phone)
        if target is None:
            for role in sorted(person.roles):
                unlinked[role].append(person)
        else:
            pairs.append({"from": key, "to": target})
            state.aliases[key] = target
    if write and pairs:
        db.execute_write(lambda tx: tx.run(MERGE_INTO, pairs=pairs).consume())
    report = [Unlinked(role, sorted({p.name for p in people}), people[0].source, people[0].row)
              for role, people in sorted(unlinked.items())]
    return len(pairs), report


def _match(person: NamedPerson, by_name: dict[tuple[str, str], set[str]],
           by_phone: dict[tuple[str, str], set[str]]) -> str | None:
    if person.phone_hash:
        found = by_phone.get((person.village, person.phone_hash), set())
        same_name = {k for k in found if k in by_name.get((person.village, person.name), set())} or found
        if len(same_name) == 1:
            return next(iter(same_name))
    found = by_name.get((person.village, person.name), set())
    return next(iter(found)) if len(found) == 1 else None
