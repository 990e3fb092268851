"""Object types for the graph's nodes, navigable both ways. Lists that can grow long are connections.

Every field is answered from the map the root field's single Cypher query produced (see ``schema.graphql.rows``);
methods below only declare a field's arguments. The fields that read a property as it is stored come from the
model (:mod:`schema.model`, added by :func:`schema.graphql.derive.with_properties`); the classes hold the others.
"""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from schema.graphql.connection import Connection
from schema.graphql.derive import with_properties
from schema.graphql.enums import (
    CaseAction,
    MediationOutcome,
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
@with_properties("Region")
class Region:
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
@with_properties("Grid")
class Grid:
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
@with_properties("Unit")
class Unit:
    grid: Grid | None
    chiefs: list[Person]
    households: list[Household]


@strawberry.type(description="A household (户); its code is <village code>-<household number>.")
@with_properties("Household")
class Household:
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
@with_properties("Person", after={"birth_date": ("age",)})
class PersonFields:
    age: int | None
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
@with_properties("PartyOrg")
class PartyOrg:
    parent: PartyOrg | None
    children: list[PartyOrg]
    grid: Grid | None

    @strawberry.field
    def members(self, info: Info, first: int | None = None, after: str | None = None,
                filter: PersonFilter | None = None,
                order_by: list[PersonOrder] | None = None) -> Connection[PartyMember]:
        return from_row(self, info)


@strawberry.type(description="A department, company, school or other organisation located in a grid.")
@with_properties("Organization")
class Organization:
    grid: Grid | None
    staff: list[Person]

    @strawberry.field
    def cases(self, info: Info, first: int | None = None, after: str | None = None,
              filter: CaseFilter | None = None, order_by: list[CaseOrder] | None = None) -> Connection[Case]:
        """Cases assigned to this organisation."""
        return from_row(self, info)


@strawberry.type(description="A dispute, petition, hotline ticket, order, micro-wish, supervision or project.")
@with_properties("Case", after={"source": ("overdue", "time_left", "hours_left")})
class Case:
    overdue: bool
    time_left: str | None = strawberry.field(description=(
        "Time to the deadline as an ISO 8601 duration (negative once overdue); empty when the case is not open."))
    hours_left: float | None = strawberry.field(description="Hours to the deadline (negative once overdue).")
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
@with_properties("CaseEvent")
class CaseEvent:
    case: Case


@strawberry.type(description="A mediation of a case by a person, with its outcome.")
class Mediation:
    mediator: Person
    case: Case
    outcome: MediationOutcome | None
    on: date | None


@strawberry.type(description="A visit (走访) to a household: by whom, when, how, and the case it raised.")
@with_properties("Visit")
class Visit:
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
@with_properties("Notification", after={"title": ("read",)})
class Notification:
    read: bool
    case: Case | None


@strawberry.type(description="An entry of the audit trail: who read sensitive data or ran Cypher, and why.")
@with_properties("AuditEntry")
class AuditEntry:
    pass
