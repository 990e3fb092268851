"""Filter, sort and mutation inputs. Filter fields map one-to-one onto fixed predicates (api/compile/catalog); the
equality filters on a property are derived from the model (schema.graphql.derive), the others written here."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.graphql.derive import with_properties
from schema.graphql.enums import (
    AuditSortKey,
    CaseKind,
    CaseSortKey,
    CodeSortKey,
    GridSortKey,
    HouseholdSortKey,
    PersonSortKey,
    PersonTag,
    ResponsibilityKind,
    SortDirection,
    Urgency,
    VisitMode,
)


@strawberry.input
@with_properties("Grid", filters=True)
class GridFilter:
    parent_code: str | None = None


@strawberry.input
@with_properties("Region", filters=True)
class RegionFilter:
    pass


@strawberry.input
@with_properties("Household", filters=True, after={"": ("codes", "grid_code")})
class HouseholdFilter:
    codes: list[str] | None = None
    grid_code: str | None = strawberry.field(default=None, description="The grid or any grid above it.")
    village: str | None = strawberry.field(
        default=None, description="A village by the code or name of its village grid or of its village region.")
    number: str | None = strawberry.field(
        default=None, description="户号 as written; 1, 01 and 001 are the same number.")
    contacted: bool | None = strawberry.field(default=None, description="Whether a party member contacts it.")


@strawberry.input
@with_properties("Person", filters=True)
class PersonFilter:
    id_number: str | None = strawberry.field(
        default=None, description="ID number as on the card (18 or 15 characters; spaces, full-width digits and a "
        "lowercase x are fine). Hashed on the server, never stored or logged; the lookup is audited.")
    phone: str | None = strawberry.field(
        default=None, description="Mobile or landline number (+86, spaces and dashes are fine). Hashed on the "
        "server, never stored or logged; the lookup is audited.")
    household_code: str | None = None
    tag: PersonTag | None = None


@strawberry.input
@with_properties("Case", filters=True)
class CaseFilter:
    grid_code: str | None = None
    overdue: bool | None = None
    open: bool | None = None


@strawberry.input
@with_properties("Organization", filters=True)
class KindFilter:
    pass


@strawberry.input
@with_properties("PartyOrg", filters=True)
class PartyOrgFilter:
    pass


@strawberry.input
@with_properties("AuditEntry", filters=True)
class AuditFilter:
    pass


@strawberry.input
class GridOrder:
    field: GridSortKey
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class HouseholdOrder:
    field: HouseholdSortKey
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class PersonOrder:
    field: PersonSortKey
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class CaseOrder:
    field: CaseSortKey
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class CodeOrder:
    field: CodeSortKey
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class AuditOrder:
    field: AuditSortKey
    direction: SortDirection = SortDirection.DESC


@strawberry.input
class LogVisitInput:
    household_code: str
    visitor_key: str = strawberry.field(description="The party member or grid staff member who visited.")
    mode: VisitMode = VisitMode.HOME
    at: datetime | None = strawberry.field(default=None, description="When (default: now); never in the future.")
    note: str | None = None
    case_code: str | None = strawberry.field(default=None, description="A case the visit turned up (in scope).")


@strawberry.input
class ReportCaseInput:
    kind: CaseKind
    grid_code: str
    title: str
    description: str = ""
    category: str = ""
    urgency: Urgency = strawberry.field(default=Urgency.NORMAL, description="Hotline tickets only.")
    reported_at: datetime | None = None
    source: str | None = None
    person_keys: list[str] = strawberry.field(default_factory=list, description="Persons involved (or the wisher).")
    household_codes: list[str] = strawberry.field(default_factory=list)
    code: str | None = strawberry.field(
        default=None, description="The ledger's number; generated when absent (always for callers with a grid scope).")


@strawberry.input(description="One responsibility of the leaving person and who takes it over.")
class ReassignItem:
    kind: ResponsibilityKind
    code: str = strawberry.field(description="The household, unit, grid or case code.")
    to_key: str = strawberry.field(description="The person who takes it over.")
