"""The Cypher fragments and the GraphQL types cannot drift apart: every field has exactly one fragment."""

from __future__ import annotations

from graphql import GraphQLObjectType

from api.compile.catalog import SPECS
from api.schema import build_schema


def test_every_compiled_type_has_a_fragment_per_field() -> None:
    schema = build_schema()
    for name, spec in SPECS.items():
        graphql_type = schema._schema.type_map[name]
        assert isinstance(graphql_type, GraphQLObjectType)
        assert set(graphql_type.fields) == set(spec.fields), name
