"""The GraphQL schema: root fields, mutations, and the protections every request passes through."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLObjectType
from graphql.execution import Executor
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.types import Info

from api.compile.catalog import SPECS
from api.errors import MASKED_MESSAGE, ApiError
from api.execution import CompiledExecutor
from api.resolvers import (
    assessment,
    browse,
    case_moves,
    cases,
    contacts,
    notifications,
    questions,
    reassign,
    search,
    takeover,
    tokens,
    visits,
)
from api.resolvers.common import context
from schema.graphql.answers import Me
from schema.graphql.rows import read_row

MAX_DEPTH = 10
MAX_TOKENS = 2000
MAX_ALIASES = 30

# The depth and alias limits as validation rules, made once. QueryDepthLimiter and MaxAliasesLimiter make a new
# rule class each time they are built; built per request, no two requests would have the same rules, and the
# validation cache (keyed by document and rules) would never hit, so every request would be validated again.
LIMIT_RULES = (*QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
               *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules)


def me(info: Info) -> Me:
    """Who the token says you are (no database involved)."""
    caller = context(info).caller
    return Me(name=caller.name, role=caller.role.value, scope=caller.scope, scope_path=caller.scope_path)


@strawberry.type(description="Read the graph. Every root field runs one Cypher query, scoped to the caller.")
class Query:
    me: Me = strawberry.field(resolver=me)
    region = strawberry.field(resolver=browse.region)
    regions = strawberry.field(resolver=browse.regions)
    grid = strawberry.field(resolver=browse.grid)
    grids = strawberry.field(resolver=browse.grids)
    unit = strawberry.field(resolver=browse.unit)
    household = strawberry.field(resolver=browse.household)
    households = strawberry.field(resolver=browse.households)
    person = strawberry.field(resolver=browse.person)
    persons = strawberry.field(resolver=browse.persons)
    search_persons = strawberry.field(resolver=search.search_persons)
    party_member = strawberry.field(resolver=browse.party_member)
    party_members = strawberry.field(resolver=browse.party_members)
    party_org = strawberry.field(resolver=browse.party_org)
    party_orgs = strawberry.field(resolver=browse.party_orgs)
    organization = strawberry.field(resolver=browse.organization)
    organizations = strawberry.field(resolver=browse.organizations)
    case = strawberry.field(resolver=browse.case)
    cases = strawberry.field(resolver=browse.cases)
    audit_trail = strawberry.field(resolver=browse.audit_trail)
    notifications = strawberry.field(resolver=notifications.notifications)
    household_contacts = strawberry.field(resolver=questions.household_contacts)
    member_households = strawberry.field(resolver=questions.member_households)
    uncontacted_households = strawberry.field(resolver=questions.uncontacted_households)
    vulnerable_persons = strawberry.field(resolver=questions.vulnerable_persons)
    overloaded_members = strawberry.field(resolver=questions.overloaded_members)
    exempt_members = strawberry.field(resolver=questions.exempt_members)
    similar_disputes = strawberry.field(resolver=questions.similar_disputes)
    responsibility_chain = strawberry.field(resolver=questions.responsibility_chain)
    overdue_by_grid = strawberry.field(resolver=questions.overdue_by_grid)
    conflict_hotspots = strawberry.field(resolver=questions.conflict_hotspots)
    open_wishes = strawberry.field(resolver=questions.open_wishes)
    due_soon = strawberry.field(resolver=questions.due_soon)
    unvisited_households = strawberry.field(resolver=questions.unvisited_households)
    departure_impact = strawberry.field(resolver=takeover.departure_impact)
    successor_candidates = strawberry.field(resolver=takeover.successor_candidates)
    grid_scorecard = strawberry.field(resolver=assessment.grid_scorecard)
    grid_ranking = strawberry.field(resolver=assessment.grid_ranking)


@strawberry.type(description="The closed loop of cases, contact households and audited reveals.")
class Mutation:
    report_case = strawberry.mutation(resolver=cases.report_case)
    accept_case = strawberry.mutation(resolver=cases.accept_case)
    dispatch_case = strawberry.mutation(resolver=cases.dispatch_case)
    start_case = strawberry.mutation(resolver=cases.start_case)
    resolve_case = strawberry.mutation(resolver=cases.resolve_case)
    verify_case = strawberry.mutation(resolver=cases.verify_case)
    close_case = strawberry.mutation(resolver=cases.close_case)
    reject_case = strawberry.mutation(resolver=cases.reject_case)
    escalate_case = strawberry.mutation(resolver=cases.escalate_case)
    rate_case = strawberry.mutation(resolver=cases.rate_case)
    claim_wish = strawberry.mutation(resolver=cases.claim_wish)
    mark_read = strawberry.mutation(resolver=notifications.mark_read)
    log_visit = strawberry.mutation(resolver=visits.log_visit)
    reassign = strawberry.mutation(resolver=reassign.reassign)
    rate_grids = strawberry.mutation(resolver=assessment.rate_grids)
    return_case = strawberry.mutation(resolver=case_moves.return_case)
    follow_up_case = strawberry.mutation(resolver=case_moves.follow_up_case)
    request_extension = strawberry.mutation(resolver=case_moves.request_extension)
    approve_extension = strawberry.mutation(resolver=case_moves.approve_extension)
    refuse_extension = strawberry.mutation(resolver=case_moves.refuse_extension)
    assign_contact = strawberry.mutation(resolver=contacts.assign_contact)
    unassign_contact = strawberry.mutation(resolver=contacts.unassign_contact)
    reveal_person = strawberry.mutation(resolver=contacts.reveal_person)
    revoke_token = strawberry.mutation(resolver=tokens.revoke_token)


def caller_may_see(error: GraphQLError) -> bool:
    """Errors raised on purpose (ApiError) and GraphQL's own syntax, validation and input coercion errors (a
    variable that is not a 32-bit Int …, whose cause is graphql-core's own GraphQLError) are shown as they are."""
    return error.original_error is None or isinstance(error.original_error, ApiError | GraphQLError)


def compiled_type(name: str) -> bool:
    """Object types whose values are maps built by the compiled query (not Python objects)."""
    return name in SPECS or name.endswith(("Connection", "Edge")) or name == "PageInfo"


class ApiSchema(strawberry.Schema):
    """The schema, logging only unexpected errors: an ApiError (a 503 during an outage, a refusal, bad input)
    is the answer to the caller, not a fault of the service, so it is not logged with a traceback each time."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        unexpected = [e for e in errors if e.original_error is not None and not isinstance(e.original_error, ApiError)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def build_schema(executor: type[Executor[Any]] = CompiledExecutor) -> strawberry.Schema:
    """The schema; ``executor`` completes answers (default: compiled maps in one walk, see api.execution)."""
    schema = ApiSchema(
        query=Query, mutation=Mutation, execution_context_class=executor,
        extensions=[
            # Factories: a fresh extension per request; the two caches are shared at module level, and the
            # limits' rules are the same classes every time so that the validation cache hits.
            lambda: AddValidationRules(list(LIMIT_RULES)),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: MaskErrors(should_mask_error=lambda e: not caller_may_see(e), error_message=MASKED_MESSAGE),
            lambda: ParserCache(maxsize=512),
            lambda: ValidationCache(maxsize=512),
        ],
    )
    # Fields below the root read the one query's maps directly: no resolver runs Cypher of its own.
    for graphql_type in schema._schema.type_map.values():
        if isinstance(graphql_type, GraphQLObjectType) and compiled_type(graphql_type.name):
            graphql_type.is_type_of = None  # values are maps, not instances of the strawberry classes
            for definition in graphql_type.fields.values():
                definition.resolve = read_row
    return schema
