"""Object types for the graph's nodes, navigable both ways. Lists that can grow long are connections.

Every field is answered from the map the root field's single Cypher query produced (see ``schema.graphql.rows``);
methods below only declare a field's arguments.
"""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from schema.graphql.connection import Connection
from schema.graphql.enums import (
    CaseAction,
    CaseKind,
    CaseStatus,
    EscalationLevel,
    MediationOutcome,
    PersonTag,
    Satisfaction,
)
from schema.graphql.inputs import CaseFilter, CaseOrder, HouseholdFilter, HouseholdOrder, PersonFilter, PersonOrder
from schema.graphql.rows import from_row


@strawberry.type(description="A county, town/street or village/community (12-digit division code).")
class Region:
    code: str
    name: str
    level: str
    parent: Region | None
    children: list[Region]
    grids: list[Grid]


@strawberry.type(description="A management area (level 1), grid (level 2) or micro-grid (level 3).")
class Grid:
    code: str
    name: str
    level: int
    kind: str | None
    star_rating: int | None
    path: str
    parent: Grid | None
    children: list[Grid]
    region: Region | None
    units: list[Unit]
    chiefs: list[Person]
    ratings: list[GridRating] = strawberry.field(description="Star ratings by period, latest first (rateGrids).")
    staff: list[GridStaff]
    organizations: list[Organization]
    party_orgs: list[PartyOrg]

    @strawberry.field
    def households(self, info: Info, first: int | None = None, after: str | None = None,
                   filter: HouseholdFilter | None = None,
                   order_by: list[HouseholdOrder] | None = None) -> Connection[Household]:
        """Households registered directly in this grid."""
        return from_row(self, info)

    @strawberry.field
    def all_households(self, info: Info, first: int | None = None, after: str | None = None,
                       filter: HouseholdFilter | None = None,
                       order_by: list[HouseholdOrder] | None = None) -> Connection[Household]:
        """Households in this grid and every grid below it."""
        return from_row(self, info)

    @strawberry.field
    def cases(self, info: Info, first: int | None = None, after: str | None = None,
              filter: CaseFilter | None = None, order_by: list[CaseOrder] | None = None) -> Connection[Case]:
        """Cases registered in this grid."""
        return from_row(self, info)


@strawberry.type(description="A grid member's post: full-time, part-time or professional (from a department).")
class GridStaff:
    person: Person
    grid: Grid
    kind: str | None
    department: str | None


@strawberry.type(description="A unit (单元) of a grid: households under a unit chief.")
class Unit:
    code: str
    name: str
    grid: Grid | None
    chiefs: list[Person]
    households: list[Household]


@strawberry.type(description="A household (户); its code is <village code>-<household number>.")
class Household:
    code: str
    number: str | None
    address: str | None
    village_code: str | None
    grid: Grid | None
    unit: Unit | None
    members: list[Person]
    head: Person | None
    contacting_members: list[PartyMember]
    contacted: bool

    @strawberry.field
    def cases(self, info: Info, first: int | None = None, after: str | None = None,
              filter: CaseFilter | None = None, order_by: list[CaseOrder] | None = None) -> Connection[Case]:
        """Cases that involve this household."""
        return from_row(self, info)


@strawberry.interface(description="Fields every person has. ID and phone numbers are masked.")
class PersonFields:
    key: str
    name: str
    sex: str | None
    birth_date: date | None
    age: int | None
    tags: list[PersonTag] | None = strawberry.field(description="Sensitive: null for roles not allowed to see it.")
    id_masked: str | None
    phone_masked: str | None
    relation: str | None = strawberry.field(description="Relation to the household head (户主, 配偶, 子女 …).")
    is_party_member: bool
    household: Household | None
    party_member: PartyMember | None
    chief_of: list[Grid]
    member_of: list[GridStaff]
    unit_chief_of: list[Unit]
    mediations: list[Mediation]
    claimed_wishes: list[Case]
    works_for: list[Organization]

    @strawberry.field
    def cases(self, info: Info, first: int | None = None, after: str | None = None,
              filter: CaseFilter | None = None, order_by: list[CaseOrder] | None = None) -> Connection[Case]:
        """Cases that involve this person."""
        return from_row(self, info)


@strawberry.type(description="A resident, staff member or party member.")
class Person(PersonFields):
    pass


@strawberry.type(description="A party member (党员) and the households they contact (党员联系户).")
class PartyMember(PersonFields):
    person: Person
    party_org: PartyOrg | None
    contact_count: int
    overloaded: bool = strawberry.field(description="Contacts more than 20 households.")
    exempt: bool = strawberry.field(description="Aged 70 or more: normally exempt from contacting.")

    @strawberry.field
    def households(self, info: Info, first: int | None = None, after: str | None = None,
                   filter: HouseholdFilter | None = None,
                   order_by: list[HouseholdOrder] | None = None) -> Connection[Household]:
        """The households this member contacts."""
        return from_row(self, info)


@strawberry.type(description="A party committee, general branch, branch or group.")
class PartyOrg:
    code: str
    name: str
    kind: str | None
    parent: PartyOrg | None
    children: list[PartyOrg]
    grid: Grid | None

    @strawberry.field
    def members(self, info: Info, first: int | None = None, after: str | None = None,
                filter: PersonFilter | None = None,
                order_by: list[PersonOrder] | None = None) -> Connection[PartyMember]:
        return from_row(self, info)


@strawberry.type(description="A department, company, school or other organisation located in a grid.")
class Organization:
    code: str
    name: str
    kind: str | None
    grid: Grid | None
    staff: list[Person]

    @strawberry.field
    def cases(self, info: Info, first: int | None = None, after: str | None = None,
              filter: CaseFilter | None = None, order_by: list[CaseOrder] | None = None) -> Connection[Case]:
        """Cases assigned to this organisation."""
        return from_row(self, info)


@strawberry.type(description="A dispute, petition, hotline ticket, order, micro-wish, supervision or project.")
class Case:
    code: str
    kind: CaseKind
    category: str | None
    title: str
    description: str | None
    status: CaseStatus
    level: EscalationLevel | None
    reported_at: datetime | None
    deadline: datetime | None
    closed_at: datetime | None
    satisfaction: Satisfaction | None
    source: str | None
    overdue: bool
    time_left: str | None = strawberry.field(description=(
        "Time to the deadline as an ISO 8601 duration (negative once overdue); empty when the case is not open."))
    hours_left: float | None = strawberry.field(description="Hours to the deadline (negative once overdue).")
    extension_requested: bool = strawberry.field(description="An extension waits for the level above.")
    extension_until: datetime | None = strawberry.field(description="The deadline asked for (延期至).")
    extension_reason: str | None
    extension_requested_by: str | None
    extensions: int = strawberry.field(description="Extensions granted so far.")
    allowed_moves: list[CaseAction]
    grid: Grid | None
    events: list[CaseEvent]
    involved_persons: list[Person]
    involved_households: list[Household]
    involved_organizations: list[Organization]
    assignee: Person | None
    assigned_organization: Organization | None
    mediations: list[Mediation]
    claimed_by: Person | None


@strawberry.type(description="One move of a case; appended, never changed.")
class CaseEvent:
    id: str
    seq: int
    at: datetime
    action: str
    from_status: CaseStatus | None
    to_status: CaseStatus | None
    actor: str | None
    note: str | None
    case: Case


@strawberry.type(description="A mediation of a case by a person, with its outcome.")
class Mediation:
    mediator: Person
    case: Case
    outcome: MediationOutcome | None
    on: date | None


@strawberry.type(description="The stars and score a grid was rated for a period.")
class GridRating:
    period: str
    start: datetime
    stars: int
    score: float | None
    at: datetime


@strawberry.type(description="A reminder that a case is due soon or overdue, for its handler or the level above.")
class Notification:
    id: str
    case_code: str
    threshold: str = strawberry.field(description="dueSoon or overdue.")
    at: datetime
    deadline: datetime | None
    recipient_key: str = strawberry.field(description="Person key or organisation code of the recipient.")
    recipient_name: str | None
    role: str = strawberry.field(description="handler, or above (the chief of the parent grid).")
    title: str | None
    read: bool
    read_at: datetime | None
    read_by: str | None
    case: Case | None


@strawberry.type(description="An entry of the audit trail: who read sensitive data or ran Cypher, and why.")
class AuditEntry:
    id: str
    at: datetime
    actor: str
    role: str
    action: str
    target: str
    reason: str | None
    detail: str | None
