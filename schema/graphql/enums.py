"""Enumerations exposed in GraphQL: the domain's vocabulary plus sort keys and directions."""

from __future__ import annotations

from enum import StrEnum

import strawberry

from schema.case_flow import CaseAction
from schema.deadlines import Urgency
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


# Sort keys: values are property names from schema.model's allowlists (checked again by the compiler).
@strawberry.enum
class GridSortKey(StrEnum):
    CODE = "code"
    NAME = "name"
    LEVEL = "level"
    STAR_RATING = "starRating"


@strawberry.enum
class HouseholdSortKey(StrEnum):
    CODE = "code"
    NUMBER = "number"
    ADDRESS = "address"


@strawberry.enum
class PersonSortKey(StrEnum):
    KEY = "key"
    NAME = "name"
    BIRTH_DATE = "birthDate"


@strawberry.enum
class CaseSortKey(StrEnum):
    CODE = "code"
    REPORTED_AT = "reportedAt"
    DEADLINE = "deadline"
    STATUS = "status"
    KIND = "kind"
    CATEGORY = "category"


@strawberry.enum
class CodeSortKey(StrEnum):
    CODE = "code"
    NAME = "name"


@strawberry.enum
class AuditSortKey(StrEnum):
    AT = "at"


@strawberry.enum
class ResponsibilityKind(StrEnum):
    HOUSEHOLD = "household"  # a contacted household (党员联系户)
    UNIT = "unit"            # a unit led (单元长)
    GRID = "grid"            # a grid role (网格长 or 网格员)
    CASE = "case"            # an open case assigned
    WISH = "wish"            # a claimed micro-wish
