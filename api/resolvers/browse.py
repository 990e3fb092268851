"""Root fields to look things up and list them: one node by key, or a filtered, sorted, paged connection."""

from __future__ import annotations

from strawberry.types import Info

from api.auth import CAN_READ_AUDIT
from api.compile.compiler import Compiler
from api.compile.selection import Selection
from api.compile.shape import Shape
from api.errors import BadInput
from api.resolvers.common import (
    VILLAGE_VAR,
    Build,
    anchor,
    answer,
    by_identifier,
    by_key,
    by_name,
    by_village_number,
    context,
    listing,
    under,
    village_grids,
)
from schema.graphql.connection import Connection
from schema.graphql.enums import RegionLevel
from schema.graphql.inputs import (
    AuditFilter,
    CaseFilter,
    CaseOrder,
    CodeOrder,
    GridFilter,
    GridOrder,
    HouseholdFilter,
    HouseholdOrder,
    KindFilter,
    PartyOrgFilter,
    PersonFilter,
    PersonOrder,
    RegionFilter,
)
from schema.graphql.nodes import (
    AuditEntry,
    Case,
    Grid,
    Household,
    Organization,
    PartyMember,
    PartyOrg,
    Person,
    Region,
    Unit,
)


def region(info: Info, code: str | None = None, name: str | None = None) -> Region | None:
    """A region by its 12-digit code, or by its name (or its grid's name) for those who do not know codes. A
    scoped caller sees a region only through the grids of its scope."""
    if (code is None) == (name is None):
        raise BadInput("give the region's code or its name (one of them)")
    if code is not None:
        return answer(info, by_key("Region", "Region", code))
    return answer(info, by_name(name or ""))


def regions(info: Info, first: int | None = None, after: str | None = None, filter: RegionFilter | None = None,
            order_by: list[CodeOrder] | None = None, level: RegionLevel | None = None) -> Connection[Region]:
    """Regions in your scope, of one ``level`` (towns, villages) or all."""

    def at_level(compiler: Compiler, var: str) -> list[str]:
        return [f"{var}.level = {compiler.param(level)}"] if level is not None else []

    return answer(info, listing("Region", "Region", prop=None, extra=at_level))


def grid(info: Info, code: str) -> Grid | None:
    return answer(info, by_key("Grid", "Grid", code))


def grids(info: Info, first: int | None = None, after: str | None = None, filter: GridFilter | None = None,
          order_by: list[GridOrder] | None = None, grid_code: str | None = None) -> Connection[Grid]:
    return answer(info, listing("Grid", "Grid", grid_code, prop="path"))


def unit(info: Info, code: str) -> Unit | None:
    return answer(info, by_key("Unit", "Unit", code))


def household(info: Info, code: str | None = None, village_code: str | None = None,
              village_name: str | None = None, number: str | None = None) -> Household | None:
    """A household by its code, or by its village (``villageCode`` or ``villageName``) and its 户号 ``number``, as
    a grid member at the door knows it. Null when absent or outside the caller's scope."""
    village = village_code if village_code is not None else village_name
    if code is not None:
        if village is not None or number is not None:
            raise BadInput("give the household's code, or its village and number, not both")
        return answer(info, by_key("Household", "Household", code))
    if village is None or number is None or (village_code is not None and village_name is not None):
        raise BadInput("give the household's code, or villageCode or villageName with the number (户号)")
    return answer(info, by_village_number(village, number))


def households(info: Info, first: int | None = None, after: str | None = None,
               filter: HouseholdFilter | None = None, order_by: list[HouseholdOrder] | None = None,
               grid_code: str | None = None) -> Connection[Household]:
    village = filter.village if filter is not None else None
    if village is None:
        return answer(info, listing("Household", "Household", grid_code))
    return answer(info, households_in_village(village, grid_code))


def households_in_village(village: str, grid_code: str | None) -> Build:
    """The households of the village grids ``village`` stands for, found from those grids by the indexed
    ``villageCode`` rather than by testing every household (the filter's per-household form)."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        # From the village's grid to its households by the indexed villageCode, not every household tested.
        prelude, grid_var = anchor(compiler, grid_code)
        var = compiler.var("t")
        # number IS NOT NULL: the (villageCode, number) index is sought only with a predicate on both properties.
        predicates = [f"{var}.villageCode = {VILLAGE_VAR}.code", f"{var}.number IS NOT NULL"]
        below = under(var, grid_var)
        if below is not None:
            predicates.append(below)
        match = f"{village_grids(compiler, village)}MATCH ({var}:Household)"
        expr, shape = compiler.connection("Household", var, match, predicates, selection)
        return f"{prelude}RETURN {expr} AS result", shape

    return build


def person(info: Info, key: str | None = None, id_number: str | None = None) -> Person | None:
    """A person by key, or by the ID number on their card (hashed on the server; the lookup is audited). A person
    outside the caller's scope, like one who does not exist, is null."""
    if (key is None) == (id_number is None):
        raise BadInput("give the person's key or idNumber (one of them)")
    if key is not None:
        return answer(info, by_key("Person", "Person", key))
    return answer(info, by_identifier("Person", "Person", "id", id_number, "idNumber"))


def persons(info: Info, first: int | None = None, after: str | None = None, filter: PersonFilter | None = None,
            order_by: list[PersonOrder] | None = None) -> Connection[Person]:
    return answer(info, listing("Person", "Person", prop=None))


def party_member(info: Info, key: str) -> PartyMember | None:
    return answer(info, by_key("PartyMember", "PartyMember", key, key_label="Person"))


def party_members(info: Info, first: int | None = None, after: str | None = None,
                  filter: PersonFilter | None = None, order_by: list[PersonOrder] | None = None
                  ) -> Connection[PartyMember]:
    return answer(info, listing("PartyMember", "PartyMember", prop=None))


def party_org(info: Info, code: str) -> PartyOrg | None:
    return answer(info, by_key("PartyOrg", "PartyOrg", code))


def party_orgs(info: Info, first: int | None = None, after: str | None = None, filter: PartyOrgFilter | None = None,
               order_by: list[CodeOrder] | None = None) -> Connection[PartyOrg]:
    return answer(info, listing("PartyOrg", "PartyOrg", prop=None))


def organization(info: Info, code: str) -> Organization | None:
    return answer(info, by_key("Organization", "Organization", code))


def organizations(info: Info, first: int | None = None, after: str | None = None, filter: KindFilter | None = None,
                  order_by: list[CodeOrder] | None = None, grid_code: str | None = None
                  ) -> Connection[Organization]:
    return answer(info, listing("Organization", "Organization", grid_code))


def case(info: Info, code: str) -> Case | None:
    return answer(info, by_key("Case", "Case", code))


def cases(info: Info, first: int | None = None, after: str | None = None, filter: CaseFilter | None = None,
          order_by: list[CaseOrder] | None = None, grid_code: str | None = None) -> Connection[Case]:
    return answer(info, listing("Case", "Case", grid_code))


def audit_trail(info: Info, first: int | None = None, after: str | None = None,
                filter: AuditFilter | None = None) -> Connection[AuditEntry]:
    """The audit trail, newest first (town admins only)."""
    context(info).caller.require(CAN_READ_AUDIT, "read the audit trail")

    def no_extra(_: Compiler, __: str) -> list[str]:
        return []

    return answer(info, listing("AuditEntry", "AuditEntry", prop=None, extra=no_extra,
                                order=lambda v: f"{v}.at DESC, {v}.id"))

