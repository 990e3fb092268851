"""How each GraphQL object type maps onto the graph: fixed Cypher fragments per field.

Templates use placeholders that the compiler replaces with variable names it generates itself: ``{v}`` the
object's variable, ``{t}`` the far node of a relationship, ``{r}`` the relationship, ``{p}`` a parameter.
Labels, relationship types and property names in these fragments come from :mod:`schema.model`; nothing from
a request is ever spliced into Cypher text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from api.auth import CAN_SEE_TAGS, Role
from schema.model import NODE_TYPES, RELATIONSHIPS, SUBLABELS, NodeType, Property, Sensitivity


@dataclass(frozen=True)
class Prop:
    """A scalar: a Cypher expression over ``{v}``. With ``roles``, other roles get null. With ``scoped``, a
    caller with a grid scope gets that expression instead (a count or attribute read within ``$scopePath``)."""

    expr: str
    roles: frozenset[Role] | None = None
    scoped: str | None = None


@dataclass(frozen=True)
class Rel:
    """Objects reached by a pattern from ``{v}`` to ``{t}`` (optionally binding ``{r}``).

    ``row`` builds the object from ``{t}`` and ``{r}`` when the target is a composite (e.g. a mediation:
    the mediator plus the relationship's outcome); the target's scope then does not apply (the pattern's
    own nodes are scoped by ``where``).
    """

    target: str
    pattern: str
    many: bool = False
    connection: bool = False
    row: str | None = None
    order: str = ""
    where: str = ""
    scope_as: str | None = None  # for composite rows: whose scope applies to ``{t}``


@dataclass(frozen=True)
class Embed:
    """A nested object (or list) that the parent row already holds, e.g. ``{v}.case`` of a question's row."""

    target: str
    expr: str
    many: bool = False


@dataclass(frozen=True)
class Filter:
    """A predicate for one field of a filter input; ``convert`` turns the input value into the parameter."""

    template: str
    convert: Callable[[Any], Any] | None = None
    when_false: str | None = None  # for booleans: the predicate when the input is false
    identifier: str | None = None  # 'id' or 'phone': the input is a number a person holds, matched by its hash
    roles: frozenset[Role] | None = None  # who may filter on it (those who may read the field)


Field = Prop | Rel | Embed


@dataclass(frozen=True)
class Spec:
    """A GraphQL object type: the node label it reads (None for composite rows), scope and fields."""

    name: str
    label: str | None
    fields: dict[str, Field]
    scope: str | None = None
    sort: dict[str, str] = field(default_factory=dict)
    filters: dict[str, Filter] = field(default_factory=dict)
    sort_roles: dict[str, frozenset[Role]] = field(default_factory=dict)  # sort keys only these roles may use

    @property
    def key(self) -> str:
        assert self.label is not None
        return NODE_TYPES[self.label].key

    def __post_init__(self) -> None:
        """A type reading nodes gets its label's plain properties as fields, its equality filters and its sort keys
        from the model; the fields and filters given here are the others (or replace a plain one)."""
        if self.label is None:
            return
        node_type = NODE_TYPES[self.label]
        object.__setattr__(self, "fields", {**plain_fields(node_type), **self.fields})
        object.__setattr__(self, "filters", {**plain_filters(node_type), **self.filters})
        if not self.sort:
            object.__setattr__(self, "sort", {key: key for key in node_type.sort_keys})
            object.__setattr__(self, "sort_roles", {**restricted_sort(node_type), **self.sort_roles})
        # Sort keys are property names from the model's allowlist, checked once at import.
        unknown = set(self.sort.values()) - node_type.properties
        if unknown:
            raise ValueError(f"{self.name}: sort keys {unknown} are not properties of {self.label}")
        check_relationships(self)


def cypher_literal(value: bool | int | tuple[()]) -> str:
    """A property's default as Cypher (the model allows only these)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    assert value == (), value
    return "[]"


def _readers(prop: Property) -> frozenset[Role] | None:
    """Who may read a property: everyone, or for restricted personal data the roles that may see it."""
    return CAN_SEE_TAGS if prop.sensitivity is Sensitivity.RESTRICTED else None


def plain_fields(node_type: NodeType) -> dict[str, Field]:
    """A field per exposed property: the stored value (or the model's default when the node lacks it)."""
    return {prop.name: Prop(f"{{v}}.{prop.name}" if prop.default is None
                            else f"coalesce({{v}}.{prop.name}, {cypher_literal(prop.default)})", roles=_readers(prop))
            for prop in node_type.exposed}


def plain_filters(node_type: NodeType) -> dict[str, Filter]:
    """An equality filter per filter property of the model."""
    return {prop.name: Filter(f"{{v}}.{prop.name} = {{p}}", roles=_readers(prop))
            for prop in node_type.filter_properties()}


def restricted_sort(node_type: NodeType) -> dict[str, frozenset[Role]]:
    return {key: roles for key in node_type.sort_keys if (roles := _readers(node_type.property(key))) is not None}


# A hop in a fragment, e.g. ({v})-[:IN_GRID]->({t}:Grid): the node before, the arrow's parts, the node after (looked
# ahead, so that the next hop of a path starts from it).
_HOP = re.compile(r"\(([^()]*)\)(<?)-\[([^\]]*)\]-(>?)(?=\(([^()]*)\))")


def _hop_label(spec: Spec, node: str) -> str | None:
    """The label of a node in a fragment: the type's own for ``{v}``, the one written after a colon, or None."""
    if node == "{v}":
        return spec.label
    written = re.match(r"[^:]*:(\w+)", node)
    return SUBLABELS.get(written.group(1), written.group(1)) if written else None


def check_relationships(spec: Spec) -> None:
    """The type's fragments use only relationships the model has (:data:`schema.model.RELATIONSHIPS`): each type
    is known, and each hop between labelled nodes joins labels the model joins by that type."""
    allowed = set(RELATIONSHIPS)
    kinds = {kind for _, kind, _ in RELATIONSHIPS}
    texts = [f.pattern for f in spec.fields.values() if isinstance(f, Rel)]
    texts += [f.expr for f in spec.fields.values() if isinstance(f, Prop)] + [f.template for f in spec.filters.values()]
    for text in texts:
        for before, back, arrow, forward, after in _HOP.findall(text):
            types = set(re.findall(r"[A-Z][A-Z_]+", arrow.partition(":")[2]))
            if not types or types - kinds:
                raise ValueError(f"{spec.name}: {text!r} uses relationship types the model does not have")
            labels = (_hop_label(spec, before), _hop_label(spec, after))
            if len(types) > 1 or None in labels or bool(back) == bool(forward):
                continue
            start, end = labels if forward else labels[::-1]
            if (start, types.pop(), end) not in allowed:
                raise ValueError(f"{spec.name}: {text!r} joins {start} to {end} in a way the model does not")
