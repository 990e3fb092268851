"""Mutations for contact households (党员联系户) and the audited reveal of ID and phone numbers."""

from __future__ import annotations

from datetime import date
from typing import Any

from strawberry.types import Info

from api.auth import CAN_ASSIGN_CONTACTS, CAN_REVEAL_ID, CAN_REVEAL_PHONE
from api.compile.catalog import CONTACT_COUNT, CONTACT_COUNT_IN_SCOPE
from api.compile.selection import current_field
from api.context import CountingTransaction
from api.errors import BadInput, ContactRefused, NotFound
from api.resolvers.common import context, new_compiler, where
from graph.audit import AuditEntry, record
from schema.graphql.answers import ContactAssignment, Reveal
from schema.graphql.enums import SensitiveField
from schema.vocabulary import CONTACT_EXEMPT_AGE, CONTACT_LIMIT


def _age(born: Any, today: date) -> int | None:
    if born is None:
        return None
    native = born.to_native() if hasattr(born, "to_native") else born
    return int(today.year - native.year - ((today.month, today.day) < (native.month, native.day)))


def _change_contact(info: Info, member_key: str, household_code: str, assign: bool, force: bool) -> Any:
    ctx = context(info)
    ctx.caller.require(CAN_ASSIGN_CONTACTS, "assign contact households")
    compiler = new_compiler(ctx)
    selection = current_field(info._raw_info)
    proj, shape = compiler.project("ContactAssignment", "answer", selection.children)
    ctx.charge(compiler.cost, proj)

    member_scope, household_scope = compiler.reference("PartyMember", "m"), compiler.reference("Household", "h")
    # Both ends are resolved within the caller's scope in every statement, the writing ones included.
    both = (f"MATCH (m:PartyMember {{key: $member}}){where([member_scope])} "
            f"MATCH (h:Household {{code: $household}}){where([household_scope])} ")
    count = CONTACT_COUNT_IN_SCOPE if ctx.caller.scoped else CONTACT_COUNT

    def work(tx: CountingTransaction) -> Any:
        names = {"member": member_key, "household": household_code, **compiler.params}
        found = tx.run(both + "RETURN m.birthDate AS born, COUNT { (m)-[:CONTACTS]->(:Household) } AS load, "
                       "EXISTS { (m)-[:CONTACTS]->(h) } AS linked", names)
        if not found:
            raise NotFound(f"no party member {member_key!r} and household {household_code!r} in your scope")
        age, load, linked = _age(found[0]["born"], date.today()), found[0]["load"], found[0]["linked"]
        warnings: list[str] = []
        if assign and not linked:
            if age is not None and age >= CONTACT_EXEMPT_AGE:
                if not force:
                    raise ContactRefused(
                        f"party member {member_key} is {age}: members aged {CONTACT_EXEMPT_AGE}+ are exempt from "
                        "contacting households; pass force: true to assign anyway", age=age)
                warnings.append(f"assigned although the member is {age} (exempt from {CONTACT_EXEMPT_AGE})")
            if load + 1 > CONTACT_LIMIT:
                warnings.append(f"the member now contacts {load + 1} households, more than {CONTACT_LIMIT}")
            tx.run(both + "MERGE (m)-[c:CONTACTS]->(h) ON CREATE SET c.since = date()", names)
        elif not assign:
            tx.run(both + "MATCH (m)-[c:CONTACTS]->(h) DELETE c", names)
        rows = tx.run(
            f"MATCH (m:PartyMember {{key: {compiler.param(member_key)}}}) "
            f"MATCH (h:Household {{code: {compiler.param(household_code)}}}) "
            f"WITH {{member: m, household: h, warnings: {compiler.param(warnings)}, "
            f"contactCount: {count.replace('{v}', 'm')}}} AS answer "
            f"RETURN {proj} AS result", compiler.params)
        return shape.build(rows[0]["result"])

    return ctx.write(work)


def assign_contact(info: Info, member_key: str, household_code: str, force: bool = False) -> ContactAssignment:
    """Make a party member responsible for a household. Members aged 70+ are refused unless ``force``; past 20
    households the assignment is made with a warning."""
    return _change_contact(info, member_key, household_code, True, force)


def unassign_contact(info: Info, member_key: str, household_code: str) -> ContactAssignment:
    return _change_contact(info, member_key, household_code, False, False)


def reveal_person(info: Info, key: str, field: SensitiveField, reason: str) -> Reveal:
    """Decrypt a person's ID or phone number. The reveal is written to the audit trail before it is returned."""
    ctx = context(info)
    ctx.caller.require(CAN_REVEAL_ID if field == SensitiveField.ID_NUMBER else CAN_REVEAL_PHONE,
                       f"reveal {field.value}")
    if len(reason.strip()) < 2:
        raise BadInput("say why you need the number (reason)")
    compiler = new_compiler(ctx)
    prop = "idCipher" if field == SensitiveField.ID_NUMBER else "phoneCipher"
    # Allowed by where the person belongs (home, grid and unit roles), never by a link a caller made.
    rows = ctx.read(f"MATCH (p:Person {{key: {compiler.param(key)}}}){where([compiler.reference('Person', 'p')])} "
                    f"RETURN p.{prop} AS cipher", compiler.params)
    if not rows:
        raise NotFound(f"no person {key!r} in your scope")
    audit_id = ctx.run(lambda: record(ctx.db, AuditEntry(
        actor=ctx.caller.name, role=ctx.caller.role.value, action=f"reveal.{field.value}", target=key,
        reason=reason.strip(), detail=f"scope={ctx.caller.scope or '*'}")))
    cipher = rows[0]["cipher"]
    value = ctx.sensitive.decrypt(cipher) if cipher else None
    return Reveal(person_key=key, field=field, value=value, audit_id=audit_id)
