"""Turning the compiled query's nested maps (keyed ``f0``, ``f1``…) back into the response's shape.

The query's maps are keyed by the compiler's own names, never by aliases from the request; each shape knows
which response key each map key answers. Connections are paged here from the rows the query returned (one
more than asked, to know whether a next page exists).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from api.errors import BadInput

CURSOR_PREFIX = "offset:"
MAX_OFFSET = 2**31 - 1  # a GraphQL Int: no page this API returns starts further on


def encode_cursor(offset: int) -> str:
    return base64.b64encode(f"{CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The offset a cursor stands for; a cursor this API did not make is an input error."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if text.startswith(CURSOR_PREFIX):
            value = int(text[len(CURSOR_PREFIX):])
            if 0 <= value < MAX_OFFSET:
                return value
    except ValueError:
        pass
    raise BadInput(f"cursor {cursor!r} is not one this API returned")


class Shape:
    def build(self, value: Any) -> Any:
        raise NotImplementedError


@dataclass
class ObjectShape(Shape):
    entries: list[tuple[str, str, Shape | None]] = field(default_factory=list)

    def build(self, value: Any) -> Any:
        if value is None:
            return None
        return {key: (child.build(value[name]) if child is not None else value[name])
                for key, name, child in self.entries}


@dataclass
class ListShape(Shape):
    item: Shape

    def build(self, value: Any) -> Any:
        if value is None:
            return []
        return [self.item.build(v) for v in value]


@dataclass
class PageInfoShape:
    keys: list[tuple[str, str]]  # (response key, field name)


@dataclass
class ConnectionShape(Shape):
    """A Relay connection: ``total`` and ``rows`` come from the query; cursors are offsets."""

    offset: int
    first: int
    parts: list[tuple[str, str, Any]] = field(default_factory=list)  # (response key, field name, sub-shape)

    def build(self, value: Any) -> Any:
        rows: list[Any] = list(value["rows"]) if value is not None else []
        has_next = len(rows) > self.first
        rows = rows[: self.first]
        result: dict[str, Any] = {}
        for key, name, sub in self.parts:
            if name == "totalCount":
                result[key] = value["total"] if value is not None else 0
            elif name == "nodes":
                result[key] = [sub.build(r) for r in rows]
            elif name == "edges":
                result[key] = [self._edge(sub, index, row) for index, row in enumerate(rows)]
            elif name == "pageInfo":
                result[key] = self._page_info(sub, len(rows), has_next)
        return result

    def _edge(self, sub: list[tuple[str, str, Shape | None]], index: int, row: Any) -> dict[str, Any]:
        edge: dict[str, Any] = {}
        for key, name, node_shape in sub:
            if name == "cursor":
                edge[key] = encode_cursor(self.offset + index)
            elif node_shape is not None:
                edge[key] = node_shape.build(row)
        return edge

    def _page_info(self, sub: PageInfoShape, count: int, has_next: bool) -> dict[str, Any]:
        values = {
            "hasNextPage": has_next,
            "hasPreviousPage": self.offset > 0,
            "startCursor": encode_cursor(self.offset) if count else None,
            "endCursor": encode_cursor(self.offset + count - 1) if count else None,
        }
        return {key: values[name] for key, name in sub.keys}
