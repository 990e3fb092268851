"""Enumerations exposed in GraphQL: the domain's vocabulary plus sort keys and directions."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

import strawberry

from schema.case_flow import CaseAction
from schema.deadlines import Urgency
from schema.graphql.derive import sort_enum
from schema.vocabulary import (
    CaseKind,
    CaseStatus,
    EscalationLevel,
    GridKind,
    MediationOutcome,
    PartyOrgKind,
    PersonTag,
    Satisfaction,
    VisitMode,
)

# The vocabulary's enumerations become GraphQL enums under their own names (decorated in place).
for _vocabulary in (GridKind, PersonTag, CaseKind, CaseStatus, EscalationLevel, MediationOutcome, PartyOrgKind,
                    CaseAction, Urgency, Satisfaction, VisitMode):
    strawberry.enum(_vocabulary)

__all__ = ["CaseAction", "CaseKind", "CaseStatus", "EscalationLevel", "GridKind", "MediationOutcome", "PartyOrgKind",
           "PersonTag", "Satisfaction", "Urgency", "VisitMode"]


@strawberry.enum
class SortDirection(StrEnum):
    ASC = "asc"
    DESC = "desc"


@strawberry.enum(description="The level of a region: county, town/street (镇/街道) or village/community (村/社区).")
class RegionLevel(StrEnum):
    COUNTY = "county"
    TOWN = "town"
    VILLAGE = "village"


@strawberry.enum(description="How a name search matches: names beginning with the text, or holding it anywhere.")
class NameMatch(StrEnum):
    PREFIX = "prefix"
    CONTAINS = "contains"


@strawberry.enum
class SensitiveField(StrEnum):
    ID_NUMBER = "idNumber"
    PHONE = "phone"


# Sort keys: the model's sort keys of each node type (values are property names; the compiler allows only those).
if TYPE_CHECKING:  # to the type checker each is an enumeration of strings; at run time it is built from the model
    GridSortKey = StrEnum
    HouseholdSortKey = StrEnum
    PersonSortKey = StrEnum
    CaseSortKey = StrEnum
    CodeSortKey = StrEnum
    AuditSortKey = StrEnum
else:
    GridSortKey = sort_enum("GridSortKey", "Grid")
    HouseholdSortKey = sort_enum("HouseholdSortKey", "Household")
    PersonSortKey = sort_enum("PersonSortKey", "Person")
    CaseSortKey = sort_enum("CaseSortKey", "Case")
    CodeSortKey = sort_enum("CodeSortKey", "Region", "Unit", "PartyOrg", "Organization")
    AuditSortKey = sort_enum("AuditSortKey", "AuditEntry")


@strawberry.enum
class ResponsibilityKind(StrEnum):
    HOUSEHOLD = "household"  # a contacted household (党员联系户)
    UNIT = "unit"            # a unit led (单元长)
    GRID = "grid"            # a grid role (网格长 or 网格员)
    CASE = "case"            # an open case assigned
    WISH = "wish"            # a claimed micro-wish
