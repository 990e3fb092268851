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
    VisitMode,
)
from schema.graphql.inputs import (
    CaseFilter,
    CaseOrder,
    CodeOrder,
    HouseholdFilter,
    HouseholdOrder,
    PartyOrgFilter,
    PersonFilter,
    PersonOrder,
)
from schema.graphql.rows import from_row


@strawberry.type(description="A county, town/street or village/community (12-digit division code). Its "
                             "households, persons, party organisations and cases are those of its grids' subtrees.")
class Region:
    code: str
    name: str | None = strawberry.field(description="The region's name (else the name of its grid).")
    level: str
    parent: Region | None
    children: list[Region]
    grids: list[Grid] = strawberry.field(description="The grids in this region itself (a village: its village grid).")

    @strawberry.field
    def households(self, info: Info, first: int | None = None, after: str | None = None,
                   filter: HouseholdFilter | None = None,
                   order_by: list[HouseholdOrder] | None = None) -> Connection[Household]:
        """Households in the region's grids and every grid below them."""
        return from_row(self, info)

    @strawberry.field
    def persons(self, info: Info, first: int | None = None, after: str | None = None,
                filter: PersonFilter | None = None, order_by: list[PersonOrder] | None = None) -> Connection[Person]:
        """Residents: the members of the region's households."""
        return from_row(self, info)

    @strawberry.field
    def party_orgs(self, info: Info, first: int | None = None, after: str | None = None,
                   filter: PartyOrgFilter | None = None,
                   order_by: list[CodeOrder] | None = None) -> Connection[PartyOrg]:
        """Party organisations anchored in the region's grids and every grid below them."""
        return from_row(self, info)

    @strawberry.field
    def open_cases(self, info: Info, first: int | None = None, after: str | None = None,
                   filter: CaseFilter | None = None, order_by: list[CaseOrder] | None = None) -> Connection[Case]:
        """Cases not yet closed (or rejected) in the region's grids and every grid below them."""
        return from_row(self, info)


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
    village: Region | None = strawberry.field(description="The village region of a village grid or micro-grid.")
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
    village: Region | None = strawberry.field(description="The village (村/社区) of the household's village grid.")
    unit: Unit | None
    members: list[Person]
    head: Person | None
    contacting_members: list[PartyMember]
    contacted: bool
    last_visited_at: datetime | None = strawberry.field(description="When the household was last visited (走访).")
    visits: list[Visit] = strawberry.field(description="Visits to the household, latest first.")

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
    visits: list[Visit] = strawberry.field(description="Visits this person made, latest first.")

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
    caller: Person | None = strawberry.field(
        description="Who called (a hotline ticket's 来电人), when matched to a census person.")
    parties: list[Person] = strawberry.field(description="The parties (当事人) of a dispute or petition.")
    beneficiaries: list[Person] = strawberry.field(description="Whose micro-wish it is (心愿人).")
    involved_households: list[Household]
    involved_organizations: list[Organization]
    assignee: Person | None = strawberry.field(description="The lead person holding the case now.")
    assigned_organization: Organization | None = strawberry.field(description="The lead organisation, if one.")
    co_handlers: list[Person] = strawberry.field(description="Persons working the case with the lead now.")
    assignments: list[Assignment] = strawberry.field(description="Every assignment, current and closed, oldest first.")
    mediations: list[Mediation]
    claimed_by: Person | None


@strawberry.type(description="Who held a case, in what role, from when until when (until empty: now).")
class Assignment:
    person: Person | None
    organization: Organization | None
    role: str = strawberry.field(description="lead or co.")
    since: datetime | None
    until: datetime | None


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
    assignee: str | None = strawberry.field(description="Dispatches: the lead's person key or organisation code.")
    co_handlers: list[str] = strawberry.field(description="Dispatches: the co-handlers' person keys.")
    case: Case


@strawberry.type(description="A mediation of a case by a person, with its outcome.")
class Mediation:
    mediator: Person
    case: Case
    outcome: MediationOutcome | None
    on: date | None


@strawberry.type(description="A visit (走访) to a household: by whom, when, how, and the case it raised.")
class Visit:
    id: str
    at: datetime
    mode: VisitMode
    note: str | None
    visitor: Person | None
    household: Household | None
    raised: Case | None


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
