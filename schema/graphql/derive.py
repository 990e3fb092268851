"""GraphQL fields, filter fields and sort enums derived from the model (:mod:`schema.model`).

A node type's plain properties become fields of its object type and, when it filters on them, of its filter
input; its sort keys become a sort enum. The classes in :mod:`schema.graphql.nodes` and
:mod:`schema.graphql.inputs` hold only the fields that are not plain properties (relationships, computed values,
filters that are not an equality on a property), and say where those sit among the derived ones when the
published order of the schema asks for it (``after``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar, cast

import strawberry

from schema.model import NODE_TYPES, Property, Sensitivity

C = TypeVar("C", bound=type)


def field_type(prop: Property) -> Any:
    """The GraphQL type of a property's field: nullable unless every node has it; a restricted property is null
    for roles that may not read it."""
    required = prop.required and prop.sensitivity is Sensitivity.NONE
    return prop.type if required else prop.type | None


def with_properties(label: str, *, filters: bool = False,
                    after: Mapping[str, Sequence[str]] | None = None) -> Callable[[C], C]:
    """Add the plain properties of ``label`` to the decorated class (below ``@strawberry.type``/``input``/
    ``interface``): its exposed properties as fields, or with ``filters`` its filter properties as optional input
    fields. The class's own fields follow them, except those that ``after`` places right after a derived field
    (by its Python name; ``""``: before all of them)."""
    placed = dict(after or {})

    def add(cls: C) -> C:
        node_type = NODE_TYPES[label]
        own: dict[str, Any] = dict(inspect.get_annotations(cls))
        derived: dict[str, Any] = {}
        for prop in node_type.filter_properties() if filters else node_type.exposed:
            name = prop.snake_name
            if filters:
                derived[name] = (prop.vocabulary or prop.type) | None
                setattr(cls, name, strawberry.field(default=None, description=prop.filter_note)
                        if prop.filter_note else None)
            else:
                derived[name] = field_type(prop)
                if prop.description:
                    setattr(cls, name, strawberry.field(description=prop.description))
        moved = [name for names in placed.values() for name in names]
        unknown = (set(moved) - set(own)) | (set(placed) - set(derived) - {""}) | (set(own) & set(derived))
        if unknown:
            raise ValueError(f"{cls.__name__}: fields {sorted(unknown)} are unknown or derived twice")
        order = list(placed.get("", ()))
        for name in derived:
            order += [name, *placed.get(name, ())]
        order += [name for name in own if name not in moved]
        cls.__annotations__ = {name: derived[name] if name in derived else own[name] for name in order}
        return cls

    return add


def sort_enum(name: str, *labels: str) -> type[StrEnum]:
    """The GraphQL enum of the sort keys of ``labels`` (which must share them): ``STAR_RATING = "starRating"``."""
    keys = {NODE_TYPES[label].sort_keys for label in labels}
    if len(keys) != 1:
        raise ValueError(f"{name}: {', '.join(labels)} do not sort by the same keys")
    members = {NODE_TYPES[labels[0]].property(key).snake_name.upper(): key for key in keys.pop()}
    enum = cast(type[StrEnum], StrEnum(name, members))  # the functional API makes a class
    strawberry.enum(enum)
    return enum
