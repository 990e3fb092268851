"""The graph model: labels, relationship types, keys and the properties each label may carry.

Labels are PascalCase, relationship types UPPER_SNAKE, properties camelCase. These tables are the
allowlists that assembled Cypher draws labels, property names and sort keys from; nothing from a
request is ever spliced into Cypher text.

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

from dataclasses import dataclass


@dataclass(frozen=True)
class NodeType:
    label: str
    key: str
    properties: frozenset[str]
    sensitive: frozenset[str] = frozenset()


NODE_TYPES: dict[str, NodeType] = {
    t.label: t
    for t in (
        NodeType("Region", "code", frozenset({"code", "name", "level"})),
        NodeType("Grid", "code", frozenset({"code", "name", "level", "kind", "starRating", "path"})),
        NodeType("Unit", "code", frozenset({"code", "name", "gridPath"})),
        NodeType("Household", "code",
                 frozenset({"code", "number", "address", "villageCode", "gridPath"})),
        NodeType(
            "Person", "key",
            frozenset({"key", "name", "sex", "birthDate", "ethnicity", "politicalStatus", "tags", "note",
                       "idHash", "idMasked", "idCipher", "phoneHash", "phoneMasked", "phoneCipher",
                       "regionCodeKnown", "probationary"}),
            sensitive=frozenset({"idHash", "idMasked", "idCipher", "phoneHash", "phoneMasked", "phoneCipher",
                                 "tags"}),
        ),
        NodeType("PartyOrg", "code", frozenset({"code", "name", "kind"})),
        NodeType("Organization", "code", frozenset({"code", "name", "kind", "gridPath"})),
        NodeType(
            "Case", "code",
            frozenset({"code", "kind", "category", "title", "description", "status", "level", "reportedAt",
                       "deadline", "closedAt", "satisfaction", "gridPath", "source", "extensionRequested",
                       "extensionUntil", "extensionReason", "extensionRequestedBy", "extensionRequestedIn",
                       "extensions"}),
        ),
        NodeType("Visit", "id", frozenset({"id", "at", "mode", "note", "gridPath", "visitorName"})),
        NodeType("Period", "code", frozenset({"code", "start", "end"})),
        NodeType("Notification", "id", frozenset({"id", "caseCode", "threshold", "at", "deadline", "recipientKey",
                                                  "recipientName", "role", "gridPath", "title", "delivered",
                                                  "deliveredAt", "readAt", "readBy"})),
        NodeType("CaseEvent", "id", frozenset({"id", "seq", "at", "action", "fromStatus", "toStatus", "actor",
                                                "note", "assignee", "coHandlers"})),
        NodeType("AuditEntry", "id", frozenset({"id", "at", "actor", "role", "action", "target", "reason",
                                                 "detail"})),
        NodeType("ApiToken", "tokenHash", frozenset({"tokenHash", "name", "role", "scope", "createdAt",
                                                      "revoked"})),
    )
}

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
