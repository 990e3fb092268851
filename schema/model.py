"""The graph model: labels, relationship types, keys and the properties each label may carry.

Labels are PascalCase, relationship types UPPER_SNAKE, properties camelCase. These tables are the
allowlists that assembled Cypher draws labels, property names and sort keys from; nothing from a
request is ever spliced into Cypher text.

Each node type is described once, here: its properties with their types, sensitivity and indexes, which of
them listings filter and sort by, and (below) the relationships between types. Derived from it: the GraphQL
fields, filter inputs and sort enums of plain properties (:mod:`schema.graphql.derive`), the compiler's fragments
for them (:class:`api.compile.specs.Spec`), the constraints and indexes the migrations must create
(:func:`graph.migrations.pending`), the properties ad-hoc Cypher may not read (:mod:`queries.statement`), and the
check that the compiler's fragments use only modelled relationships. Adding a plain property is one line here,
plus a migration when it is indexed.

Keys and conventions the loaders, queries and API share:

- ``Region.code``: the 12-digit statistical division code.
- ``Grid.code`` as in the grid roster; ``Grid.path`` is ``/`` + the codes from the root grid down to this
  one + ``/`` (e.g. ``/G01/G01-03/G01-03-2/``). ``Unit``, ``Household``, ``Case`` and ``Organization``
  carry ``gridPath``, the path of the grid they sit in, so that scoping a caller to a grid subtree is one
  indexed ``STARTS WITH`` in the query's ``WHERE``.
- ``Unit.code``: ``<grid code>/<unit name>`` unless the sheet gives a code.
- ``Household.code``: ``<village code>-<household number>`` (户号 is unique only inside a village). The
  village code is the code of the household's second-level grid (二级网格, one per administrative village),
  found by walking up from the grid the census names; ``Household.villageCode`` keeps it.
- ``Person.key``: ``pid:<opaque>`` for a person with an ID number (``SensitiveData.person_key``, unrelated to
  ``idHash``; migration 4 re-keyed the ``id:<idHash>`` keys of before), else ``nid:<hash of name and household
  or grid>``. ID and phone numbers are stored only as ``idHash``/``idMasked``/``idCipher`` and
  ``phoneHash``/``phoneMasked``/``phoneCipher`` (see :mod:`schema.sensitive`).
- ``Person.tags``: list of :class:`schema.vocabulary.PersonTag` values. ``birthDate`` is a ``DATE``.
- ``Case.code`` from the ledger's number, else generated; ``CaseEvent.id`` is ``<case code>#<sequence>``.
  Case times (``reportedAt``, ``deadline``, ``closedAt``) are ``DATETIME`` values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from schema.vocabulary import (
    CaseKind,
    CaseStatus,
    EscalationLevel,
    GridKind,
    PartyOrgKind,
    PersonTag,
    Satisfaction,
    VisitMode,
)


class Sensitivity(StrEnum):
    """How a property holding personal data (PIPL) may be read."""

    NONE = "none"
    RESTRICTED = "restricted"  # only roles allowed to see it (person tags): null for others, ad-hoc Cypher refused
    SECRET = "secret"          # never read back: keyed hashes, ciphertext, token hashes


class IndexKind(StrEnum):
    RANGE = "range"
    TEXT = "text"          # finds what a string CONTAINS
    FULLTEXT = "fulltext"  # words in Chinese text (cjk analyzer)


@dataclass(frozen=True)
class Property:
    """One property of a node type, and how the API, the migrations and the Cypher guard treat it.

    A property is *plain* when its GraphQL field reads the stored value as it is (or ``default`` when the node
    lacks it): such fields, their filters and sort keys are derived from this table, nowhere written by hand.
    """

    name: str
    type: Any = str                   # the values' type as the API shows them: str, int, date, a vocabulary enum …
    required: bool = False            # every node has it (non-null in GraphQL)
    exposed: bool = True              # a field of the node's GraphQL type
    sensitivity: Sensitivity = Sensitivity.NONE
    indexed: bool = False             # a range index named <label>_<property> (in snake case)
    default: bool | int | tuple[()] | None = None  # read when the node lacks the property
    description: str | None = None    # of the GraphQL field
    filter_note: str | None = None    # of the filter input's field, when filterable
    vocabulary: type[StrEnum] | None = None  # values shown as text, filtered by this enumeration

    def __post_init__(self) -> None:
        if self.sensitivity is Sensitivity.SECRET and self.exposed:
            raise ValueError(f"{self.name}: a secret property is never exposed")

    @property
    def snake_name(self) -> str:
        return snake(self.name)


@dataclass(frozen=True)
class Index:
    """An index over properties of the node type (or of ``label``, a label its nodes may also carry)."""

    properties: tuple[str, ...]
    kind: IndexKind = IndexKind.RANGE
    name: str | None = None  # default: <label>_<properties> (in snake case), plus _text for a text index
    label: str | None = None


@dataclass(frozen=True)
class NodeType:
    """A label, its key (unique), its properties, and which of them listings filter (by equality) and sort by,
    in the order the API's filter inputs and sort enums list them."""

    label: str
    key: str
    fields: tuple[Property, ...]
    filters: tuple[str, ...] = ()
    sort_keys: tuple[str, ...] = ()
    indexes: tuple[Index, ...] = ()
    key_constraint: str | None = None  # the uniqueness constraint's name when not <label>_<key>

    def __post_init__(self) -> None:
        names = [p.name for p in self.fields]
        used = {self.key, *self.filters, *self.sort_keys, *(n for index in self.indexes for n in index.properties)}
        unknown = used - set(names)
        if unknown or len(names) != len(set(names)):
            raise ValueError(f"{self.label}: unknown or repeated properties {sorted(unknown) or names}")

    @property
    def properties(self) -> frozenset[str]:
        """Every property name: the allowlist assembled Cypher draws property names from."""
        return frozenset(p.name for p in self.fields)

    @property
    def exposed(self) -> tuple[Property, ...]:
        """The plain fields of the node's GraphQL type, in order."""
        return tuple(p for p in self.fields if p.exposed)

    @property
    def sensitive(self) -> dict[str, Sensitivity]:
        """The properties holding personal data, and how they may be read."""
        return {p.name: p.sensitivity for p in self.fields if p.sensitivity is not Sensitivity.NONE}

    def property(self, name: str) -> Property:
        return next(p for p in self.fields if p.name == name)

    def filter_properties(self) -> tuple[Property, ...]:
        return tuple(self.property(name) for name in self.filters)

    def schema_objects(self) -> list[SchemaObject]:
        """The uniqueness constraint of its key and its indexes, as the migrations create them."""
        base = snake(self.label)
        objects = [SchemaObject("constraint", self.key_constraint or f"{base}_{snake(self.key)}", self.label,
                                (self.key,))]
        objects += [SchemaObject(IndexKind.RANGE.value, f"{base}_{p.snake_name}", self.label, (p.name,))
                    for p in self.fields if p.indexed]
        for index in self.indexes:
            suffix = "_text" if index.kind is IndexKind.TEXT else ""
            name = index.name or f"{base}_{'_'.join(snake(n) for n in index.properties)}{suffix}"
            objects.append(SchemaObject(index.kind.value, name, index.label or self.label, index.properties))
        return objects


@dataclass(frozen=True)
class SchemaObject:
    """A constraint or index: ``kind`` is 'constraint' (uniqueness) or an :class:`IndexKind` value."""

    kind: str
    name: str
    label: str
    properties: tuple[str, ...]


def snake(name: str) -> str:
    """``starRating`` → ``star_rating``, ``PartyOrg`` → ``party_org``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


P = Property
SECRET = Sensitivity.SECRET
WHOLE_NAME = "The whole name, exactly."
GRID_PATH = P("gridPath", exposed=False, indexed=True)  # the path of the grid it sits in (scoping)

NODE_TYPES: dict[str, NodeType] = {
    t.label: t
    for t in (
        NodeType("Region", "code", (
            P("code", required=True),
            P("name", description="The region's name (else the name of its grid).", filter_note=WHOLE_NAME,
              indexed=True),
            P("level", required=True),
        ), filters=("level", "name"), sort_keys=("code", "name")),
        NodeType("Grid", "code", (
            P("code", required=True),
            P("name", required=True, indexed=True),
            P("level", int, required=True, indexed=True),
            P("kind", vocabulary=GridKind),
            P("starRating", int),
            P("path", required=True, indexed=True),
        ), filters=("level", "kind"), sort_keys=("code", "name", "level", "starRating")),
        NodeType("Unit", "code", (
            P("code", required=True), P("name", required=True), GRID_PATH,
        ), sort_keys=("code", "name")),
        NodeType("Household", "code", (
            P("code", required=True),
            P("number"),
            P("address"),
            P("villageCode", filter_note="The village grid's code, exactly."),
            GRID_PATH,
        ), filters=("villageCode",), sort_keys=("code", "number", "address"),
            indexes=(Index(("villageCode", "number"), name="household_village_number"),)),
        NodeType("Person", "key", (
            P("key", required=True),
            P("name", required=True, filter_note=WHOLE_NAME, indexed=True),
            P("sex"),
            P("birthDate", date),
            P("ethnicity", exposed=False),
            P("politicalStatus", exposed=False),
            P("tags", list[PersonTag], sensitivity=Sensitivity.RESTRICTED, default=(),
              description="Sensitive: null for roles not allowed to see it."),
            P("note", exposed=False),
            P("idHash", sensitivity=SECRET, exposed=False, indexed=True),
            P("idMasked"),
            P("idCipher", sensitivity=SECRET, exposed=False),
            P("phoneHash", sensitivity=SECRET, exposed=False, indexed=True),
            P("phoneMasked"),
            P("phoneCipher", sensitivity=SECRET, exposed=False),
            P("regionCodeKnown", bool, exposed=False),
            P("probationary", bool, exposed=False),
        ), filters=("name",), sort_keys=("key", "name", "birthDate"), indexes=(
            Index(("birthDate",), name="party_member_birth", label="PartyMember"),
            Index(("name",), IndexKind.TEXT),
        )),
        NodeType("PartyOrg", "code", (
            P("code", required=True), P("name", required=True), P("kind", vocabulary=PartyOrgKind),
        ), filters=("kind",), sort_keys=("code", "name")),
        NodeType("Organization", "code", (
            P("code", required=True), P("name", required=True), P("kind"), GRID_PATH,
        ), filters=("kind",), sort_keys=("code", "name")),
        NodeType("Case", "code", (
            P("code", required=True),
            P("kind", CaseKind, required=True),
            P("category", indexed=True),
            P("title", required=True),
            P("description"),
            P("status", CaseStatus, required=True, indexed=True),
            P("level", EscalationLevel),
            P("reportedAt", datetime),
            P("deadline", datetime, indexed=True),
            P("closedAt", datetime),
            P("satisfaction", Satisfaction),
            GRID_PATH,
            P("source"),
            P("extensionRequested", bool, required=True, default=False,
              description="An extension waits for the level above."),
            P("extensionUntil", datetime, description="The deadline asked for (延期至)."),
            P("extensionReason"),
            P("extensionRequestedBy"),
            P("extensionRequestedIn", exposed=False),
            P("extensions", int, required=True, default=0, description="Extensions granted so far."),
            P("descriptionCipher", sensitivity=SECRET, exposed=False),
        ), filters=("kind", "status", "category"),
            sort_keys=("code", "reportedAt", "deadline", "status", "kind", "category"), indexes=(
            Index(("kind", "status")),
            Index(("title", "description"), IndexKind.FULLTEXT, name="case_text"),
        )),
        NodeType("Visit", "id", (
            P("id", required=True),
            P("at", datetime, required=True, indexed=True),
            P("mode", VisitMode, required=True),
            P("note"),
            GRID_PATH,
            P("visitorName", exposed=False),
        ), sort_keys=("at",)),
        NodeType("Period", "code", (
            P("code", required=True), P("start", datetime), P("end", datetime),
        )),
        NodeType("Notification", "id", (
            P("id", required=True),
            P("caseCode", required=True),
            P("threshold", required=True, description="dueSoon or overdue."),
            P("at", datetime, required=True),
            P("deadline", datetime),
            P("recipientKey", required=True, description="Person key or organisation code of the recipient."),
            P("recipientName"),
            P("role", required=True, description="handler, or above (the chief of the parent grid)."),
            GRID_PATH,
            P("title"),
            P("delivered", bool, exposed=False),
            P("deliveredAt", datetime, exposed=False),
            P("readAt", datetime),
            P("readBy"),
        ), sort_keys=("at",)),
        NodeType("CaseEvent", "id", (
            P("id", required=True),
            P("seq", int, required=True),
            P("at", datetime, required=True),
            P("action", required=True),
            P("fromStatus", CaseStatus),
            P("toStatus", CaseStatus),
            P("actor"),
            P("note"),
            P("assignee", description="Dispatches: the lead's person key or organisation code."),
            P("coHandlers", list[str], required=True, default=(),
              description="Dispatches: the co-handlers' person keys."),
            P("noteCipher", sensitivity=SECRET, exposed=False),
        )),
        NodeType("AuditEntry", "id", (
            P("id", required=True),
            P("at", datetime, required=True, indexed=True),
            P("actor", required=True, indexed=True),
            P("role", required=True),
            P("action", required=True),
            P("target", required=True),
            P("reason"),
            P("detail"),
        ), filters=("actor", "action"), sort_keys=("at",)),
        NodeType("ApiToken", "tokenHash", (
            P("tokenHash", sensitivity=SECRET, exposed=False),
            *(P(name, exposed=False) for name in ("name", "role", "scope", "createdAt", "revoked", "revokedAt",
                                                  "lastUsedAt")),
        ), key_constraint="api_token_hash"),
    )
}

# Labels some nodes of a type carry besides its own: a party member is a person.
SUBLABELS: dict[str, str] = {"PartyMember": "Person"}

# (start label, type, end label) triples the model allows.
RELATIONSHIPS: tuple[tuple[str, str, str], ...] = (
    ("Region", "PART_OF", "Region"),
    ("Grid", "PART_OF", "Grid"),
    ("Grid", "IN_REGION", "Region"),
    ("Unit", "IN_GRID", "Grid"),
    ("Household", "IN_UNIT", "Unit"),
    ("Household", "IN_GRID", "Grid"),
    ("Person", "MEMBER_OF", "Household"),          # {relation}: 户主, 配偶, 子女 …
    ("Person", "GRID_CHIEF_OF", "Grid"),
    ("Person", "GRID_MEMBER_OF", "Grid"),          # {kind: fullTime|partTime|professional, department}
    ("Person", "UNIT_CHIEF_OF", "Unit"),
    ("Person", "BELONGS_TO", "PartyOrg"),          # party members (label PartyMember)
    ("PartyOrg", "PART_OF", "PartyOrg"),
    ("PartyOrg", "ANCHORED_IN", "Grid"),
    ("PartyOrg", "ANCHORED_IN", "Region"),
    ("Person", "CONTACTS", "Household"),           # {since}
    ("Organization", "LOCATED_IN", "Grid"),
    ("Person", "WORKS_FOR", "Organization"),       # {title}
    ("Case", "IN_GRID", "Grid"),
    ("Notification", "ABOUT", "Case"),
    ("Person", "MADE", "Visit"),
    ("Visit", "TO", "Household"),
    ("Visit", "RAISED", "Case"),
    ("Grid", "RATED", "Period"),                   # {stars, score, at}
    ("Case", "INVOLVES", "Person"),                # {role}
    ("Case", "INVOLVES", "Household"),
    ("Case", "INVOLVES", "Organization"),
    ("Person", "MEDIATED", "Case"),                # {outcome, on}
    ("Case", "ASSIGNED_TO", "Person"),
    ("Case", "ASSIGNED_TO", "Organization"),
    ("Person", "CLAIMED", "Case"),                 # micro-wishes: {at}
    ("Case", "HAS_EVENT", "CaseEvent"),
)
