"""How each GraphQL object type maps onto the graph: fixed Cypher fragments per field.

Templates use placeholders that the compiler replaces with variable names it generates itself: ``{v}`` the
object's variable, ``{t}`` the far node of a relationship, ``{r}`` the relationship, ``{p}`` a parameter.
Labels, relationship types and property names in these fragments come from :mod:`schema.model`; nothing from
a request is ever spliced into Cypher text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from api.auth import Role
from schema.model import NODE_TYPES


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
        # Sort keys are property names from the model's allowlist, checked once at import.
        if self.label is not None:
            allowed = NODE_TYPES[self.label].properties
            unknown = set(self.sort.values()) - allowed
            if unknown:
                raise ValueError(f"{self.name}: sort keys {unknown} are not properties of {self.label}")
