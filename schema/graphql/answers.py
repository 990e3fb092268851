"""Result types of the questions (DOMAIN.md) and of mutations that are not a single node."""

from __future__ import annotations

import strawberry

from schema.graphql.enums import SensitiveField
from schema.graphql.nodes import Case, Grid, Household, PartyMember, Person, Region, Unit


@strawberry.type(description="A dispute similar to the one asked about, and why it is similar.")
class SimilarDispute:
    case: Case
    score: float = strawberry.field(description="Ranking score: 0.7 × text score + 0.3 × closeness (as in the "
                                                "similar-disputes query).")
    text_score: float = strawberry.field(description="Full-text (cjk) relevance of title and description, 1 for the "
                                                     "best match.")
    same_category: bool
    closeness: str = strawberry.field(description="party (a party or household in common), unit, grid, village or "
                                                  "none.")


@strawberry.type(description="A person who mediated similar disputes, with their record over all their mediations.")
class MediatorRecord:
    mediator: Person
    cases: int = strawberry.field(description="Cases this person mediated.")
    successes: int = strawberry.field(description="Of those, mediated successfully.")
    similar_cases: int = strawberry.field(description="Of the similar disputes listed, how many they mediated.")


@strawberry.type
class SimilarDisputes:
    disputes: list[SimilarDispute]
    mediators: list[MediatorRecord]


@strawberry.type(description="One step of a household's responsibility chain, from the household upwards.")
class ResponsibilityLink:
    rank: int = strawberry.field(description="Position in the chain (the responsibility-chain query's step): 0 the "
                                             "unit chief, then per grid level members and chief (1, 2 micro-grid; "
                                             "3, 4 village grid; 5, 6 management area).")
    role: str = strawberry.field(description="unitChief, gridMember or gridChief.")
    person: Person | None
    grid: Grid | None
    unit: Unit | None


@strawberry.type
class ResponsibilityChain:
    household: Household
    links: list[ResponsibilityLink]
    town: Region | None


@strawberry.type(description="Cases of a grid's subtree: overdue ones with who holds them, closure and satisfaction.")
class GridCaseSummary:
    grid: Grid
    open_cases: int
    overdue_cases: int
    closed_cases: int = strawberry.field(description="Cases no longer open (resolved, verified, closed or rejected).")
    total_cases: int
    closure_rate: float | None = strawberry.field(description="closedCases ÷ totalCases (null without cases).")
    satisfaction_rate: float | None = strawberry.field(
        description="Share of rated cases rated satisfied or basically satisfied.")
    overdue: list[Case]


@strawberry.type(description="A person or household involved in repeated disputes.")
class ConflictHotspot:
    person: Person | None
    household: Household | None
    disputes: int
    cases: list[Case]


@strawberry.type
class ContactAssignment:
    member: PartyMember
    household: Household
    warnings: list[str]
    contact_count: int


@strawberry.type(description="A revealed ID or phone number; the reveal is in the audit trail.")
class Reveal:
    person_key: str
    field: SensitiveField
    value: str | None
    audit_id: str


@strawberry.type(description="The authenticated caller.")
class Me:
    name: str
    role: str
    scope: str | None
    scope_path: str | None


@strawberry.type(description="What a person holds who leaves (in the caller's scope): to be handed over.")
class DepartureImpact:
    person: Person
    households: list[Household] = strawberry.field(description="Households the person contacts (党员联系户).")
    units: list[Unit] = strawberry.field(description="Units the person leads (单元长).")
    grids: list[Grid] = strawberry.field(description="Grids the person is chief or member of.")
    open_cases: list[Case] = strawberry.field(description="Open cases assigned to the person now.")
    claimed_wishes: list[Case] = strawberry.field(description="Open micro-wishes the person claimed.")


@strawberry.type(description="A party member who could take over a leaving member's households, and why.")
class SuccessorCandidate:
    member: PartyMember
    score: float = strawberry.field(description="Closeness, visits and room to take more; higher is better.")
    load: int = strawberry.field(description="Households the candidate contacts now.")
    visits: int = strawberry.field(description="Of the leaver's households, how many the candidate has visited.")
    reasons: list[str]


@strawberry.type(description="An API token that was revoked; it is refused from then on.")
class RevokedToken:
    id: str = strawberry.field(description="The token's id as `gridgraph token list` shows it.")
    name: str = strawberry.field(description="Who held it.")
    role: str = strawberry.field(description="The role it carried.")


@strawberry.type(description="What a reassignment did.")
class Reassignment:
    moved: int
    warnings: list[str]
    audit_id: str
