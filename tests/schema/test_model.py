"""The model (schema/model.py) is the one description of each node type: the GraphQL fields, filters and sort keys,
the compiler's fragments, the migrations' constraints and indexes and the ad-hoc Cypher guard all follow it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from graphql import GraphQLNonNull, GraphQLObjectType

from api.auth import CAN_SEE_TAGS
from api.compile.catalog import SPECS
from api.compile.specs import Prop, Rel, Spec
from api.schema import build_schema
from queries.errors import ProtectedProperty
from queries.statement import check_statement
from schema.model import NODE_TYPES, RELATIONSHIPS, Sensitivity

ROOT = Path(__file__).resolve().parents[2]


def test_secret_properties_are_neither_in_the_api_nor_readable_with_adhoc_cypher() -> None:
    schema = build_schema()._schema
    secret = [(t.label, name) for t in NODE_TYPES.values() for name, level in t.sensitive.items()
              if level is Sensitivity.SECRET]
    assert ("Person", "idHash") in secret and ("ApiToken", "tokenHash") in secret
    for label, name in secret:
        graphql_type = schema.type_map.get(label)
        assert not isinstance(graphql_type, GraphQLObjectType) or name not in graphql_type.fields
        with pytest.raises(ProtectedProperty):
            check_statement(f"MATCH (n:Grid) RETURN n.{name}", allow_tags=True, allow_keys=True, allow_audit=True)


def test_restricted_properties_are_read_only_by_the_roles_allowed() -> None:
    schema = build_schema()._schema
    restricted = [(t.label, name) for t in NODE_TYPES.values() for name, level in t.sensitive.items()
                  if level is Sensitivity.RESTRICTED]
    assert restricted == [("Person", "tags")]
    for label, name in restricted:
        field = SPECS[label].fields[name]
        assert isinstance(field, Prop) and field.roles == CAN_SEE_TAGS
        graphql_type = schema.type_map[label]
        assert isinstance(graphql_type, GraphQLObjectType)
        assert not isinstance(graphql_type.fields[name].type, GraphQLNonNull)  # null for the others
        with pytest.raises(ProtectedProperty):
            check_statement(f"MATCH (n:{label}) RETURN n.{name}")
        assert check_statement(f"MATCH (n:{label}) RETURN n.{name}", allow_tags=True)


def test_fragments_use_only_relationships_of_the_model() -> None:
    kinds = {kind for _, kind, _ in RELATIONSHIPS}
    used = {kind for spec in SPECS.values() for field in spec.fields.values() if isinstance(field, Rel)
            for kind in kinds if f":{kind}" in field.pattern}
    assert len(used) >= 15
    with pytest.raises(ValueError, match="in a way the model does not"):
        Spec("Wrong", "Grid", fields={"units": Rel("Unit", "({v})-[:IN_GRID]->({t}:Unit)", many=True)})
    with pytest.raises(ValueError, match="relationship types the model does not have"):
        Spec("Wrong", "Grid", fields={"units": Rel("Unit", "({t}:Unit)-[:INSIDE]->({v})", many=True)})


# Run in a fresh interpreter: the model is patched before anything derived from it is imported.
WITH_A_NEW_PROPERTY = textwrap.dedent("""
    import dataclasses, json
    import schema.model as model
    from schema.model import Property, Sensitivity

    household = model.NODE_TYPES["Household"]
    model.NODE_TYPES["Household"] = dataclasses.replace(
        household, fields=(*household.fields, Property("floorCount", int, indexed=True)),
        filters=(*household.filters, "floorCount"), sort_keys=(*household.sort_keys, "floorCount"))
    person = model.NODE_TYPES["Person"]
    model.NODE_TYPES["Person"] = dataclasses.replace(person, fields=(
        *person.fields, Property("disabilityGrade", sensitivity=Sensitivity.RESTRICTED),
        Property("passportHash", sensitivity=Sensitivity.SECRET, exposed=False)))

    from api.schema import build_schema
    from graph.migrations import pending
    from queries.errors import ProtectedProperty
    from queries.statement import check_statement
    from tests.api.test_tck import CALLERS, compile_document

    def refused(query, **allowed):
        try:
            check_statement(query, **allowed)
        except ProtectedProperty:
            return True
        return False

    statements = compile_document(
        "{ households(filter: {floorCount: 3}, orderBy: [{field: FLOOR_COUNT}]) { nodes { code floorCount } } }",
        CALLERS[0][1])
    print(json.dumps({
        "sdl": build_schema().as_str(),
        "cypher": statements,
        "pending": pending(),
        "floorCount refused": refused("MATCH (h:Household) RETURN h.floorCount"),
        "grade refused": refused("MATCH (p:Person) RETURN p.disabilityGrade"),
        "grade refused with tags": refused("MATCH (p:Person) RETURN p.disabilityGrade", allow_tags=True),
        "passport refused with tags": refused("MATCH (p:Person) RETURN p.passportHash", allow_tags=True),
    }))
""")


def block(sdl: str, header: str) -> list[str]:
    """The lines of one definition of a printed schema, stripped."""
    start = sdl.index(header)
    return [line.strip() for line in sdl[start:sdl.index("\n}", start)].splitlines()[1:]]


def test_a_plain_property_added_to_the_model_reaches_the_schema_filters_compiler_guard_and_migrations() -> None:
    done = subprocess.run([sys.executable, "-c", WITH_A_NEW_PROPERTY], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    sdl: str = seen["sdl"]
    assert "floorCount: Int" in block(sdl, "type Household {")
    assert "floorCount: Int = null" in block(sdl, "input HouseholdFilter {")
    assert "FLOOR_COUNT" in block(sdl, "enum HouseholdSortKey {")
    assert "disabilityGrade: String" in block(sdl, "interface PersonFields")
    assert "passportHash" not in sdl
    cypher = " ".join(text for text, _ in seen["cypher"])
    assert ".floorCount = $p0" in cypher and ".floorCount ASC" in cypher and "f1: t1.floorCount" in cypher
    assert seen["pending"] == ["CREATE INDEX household_floor_count IF NOT EXISTS FOR (n:Household) ON (n.floorCount)"]
    assert not seen["floorCount refused"]
    assert seen["grade refused"] and not seen["grade refused with tags"]
    assert seen["passport refused with tags"]
