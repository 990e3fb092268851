"""A small schema-aware GraphQL fuzzer: random root fields with random selections and hostile argument values
(sent as variables, so that they pass through input coercion), plus malformed request bodies.

Deterministic for a seed. :func:`requests` yields (raw body, description) pairs; the caller posts them and
checks that no answer is a 5xx or an ``INTERNAL_ERROR``.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Iterator
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
)

STRINGS = ["", "A1-V1", "A1-V1-001", "A2-V3-001", "id:00001", "nid:00001", "H003", "D001", "W002", "ORG-PS",
           "x" * 5000, "' OR 1=1 //", "}) MATCH (n) DETACH DELETE n //", "\u0000", "😀", "/A1/", "../../etc",
           base64.b64encode(b"offset:9223372036854775808").decode(), base64.b64encode(b"offset:-1").decode(),
           base64.b64encode(b"offset:5").decode(), "not base64!", "370781198801021234"]
INTS: list[Any] = [0, 1, -1, 20, 50, 101, 2**31 - 1, -(2**31), 2**31, 2**63, 1.5, float("nan"), "7", None, True]
DATES = ["2026-11-25T10:00:00+08:00", "9999-12-31T23:59:59+08:00", "0001-01-01T00:00:00Z", "2026-11-25T10:00:00",
         "yesterday", 12, "1899-12-31T00:00:00+08:00"]
BODIES = [b"", b"{", b"[]", b"null", b'"query"', b'{"query": 5}', b'{"query": "{ me { name } }", "variables": []}',
          b'{"query": "{ me { name } }", "operationName": 7}', b'{"query": "{ me { name } ", "variables": {}}',
          b'{"query": "query($a: Int) { me { name } }", "variables": {"a": 1e400}}', b"\xff\xfe\x00garbage",
          b'{"query": "{ me { name } }", "variables": ' + b'{"a": ' * 3000 + b"1" + b"}" * 3000 + b"}",
          b'{"query": "' + b"{ me { name } } " * 200 + b'"}', b'{"query": "{ __schema { types { name } } }"}']


class Fuzzer:
    def __init__(self, schema: GraphQLSchema, seed: int) -> None:
        self.schema = schema
        self.rnd = random.Random(seed)

    def value(self, kind: GraphQLInputType, depth: int = 0) -> Any:
        if isinstance(kind, GraphQLNonNull):
            return self.value(kind.of_type, depth) if self.rnd.random() > 0.05 else None
        if isinstance(kind, GraphQLList):
            return [self.value(kind.of_type, depth + 1) for _ in range(self.rnd.choice([0, 1, 2, 3, 1200]))]
        if isinstance(kind, GraphQLEnumType):
            names = list(kind.values)
            return self.rnd.choice([*names, *names, "NOT_A_VALUE", 3])
        if isinstance(kind, GraphQLInputObjectType):
            if depth > 3:
                return None
            return {name: self.value(f.type, depth + 1) for name, f in kind.fields.items() if self.rnd.random() < 0.6}
        if isinstance(kind, GraphQLScalarType):
            pools: dict[str, list[Any]] = {"Int": INTS, "Float": [0.5, float("inf"), -1e308, "x"],
                                           "Boolean": [True, False, "yes", 0], "DateTime": DATES,
                                           "Date": ["2026-11-25", "9999-12-31", "2026-13-45", 5]}
            return self.rnd.choice(pools.get(kind.name, STRINGS))
        return None

    def selection(self, kind: Any, depth: int) -> str:
        named = get_named_type(kind)
        if not isinstance(named, GraphQLObjectType):
            return ""
        fields = list(named.fields.items())
        picked = self.rnd.sample(fields, k=min(len(fields), self.rnd.randint(1, 4)))
        parts: list[str] = []
        for name, field in picked:
            inner_named = get_named_type(field.type)
            if isinstance(inner_named, GraphQLObjectType):
                if depth >= 4:
                    continue
                args = self.literal_args(field)
                inner = self.selection(field.type, depth + 1) or "__typename"
                parts.append(f"{name}{args} {{ {inner} }}")
            else:
                parts.append(name)
        return " ".join(parts) or "__typename"

    def literal_args(self, field: GraphQLField) -> str:
        wanted = [(n, a) for n, a in field.args.items() if n in {"first", "after"} and self.rnd.random() < 0.5]
        if not wanted:
            return ""
        values = [f"{n}: {json.dumps(self.rnd.choice([0, 3, 100, 2**31 - 1]) if n == 'first' else STRINGS[-4])}"
                  for n, _ in wanted]
        return "(" + ", ".join(values) + ")"

    def operation(self) -> tuple[bytes, str]:
        mutation = self.rnd.random() < 0.3 and self.schema.mutation_type is not None
        root = self.schema.mutation_type if mutation else self.schema.query_type
        assert root is not None
        name, field = self.rnd.choice(list(root.fields.items()))
        declared, passed, variables = [], [], {}
        for index, (arg_name, arg) in enumerate(field.args.items()):
            if not isinstance(arg.type, GraphQLNonNull) and self.rnd.random() < 0.4:
                continue
            var = f"v{index}"
            declared.append(f"${var}: {arg.type}")
            passed.append(f"{arg_name}: ${var}")
            variables[var] = self.value(arg.type)
        head = f"({', '.join(declared)})" if declared else ""
        args = f"({', '.join(passed)})" if passed else ""
        inner = self.selection(field.type, 1)
        body = f"{{ {inner} }}" if inner else ""
        text = f"{'mutation' if mutation else 'query'}{head} {{ {name}{args} {body} }}"
        raw = json.dumps({"query": text, "variables": variables}, allow_nan=True).encode()
        return raw, f"{name}: {raw[:300]!r}"

    def requests(self, count: int) -> Iterator[tuple[bytes, str]]:
        for _ in range(count):
            if self.rnd.random() < 0.1:
                body = self.rnd.choice(BODIES)
                yield body, f"raw: {body[:120]!r}"
            else:
                yield self.operation()
