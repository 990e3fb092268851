"""Party organisations of a village and the households each party member contacts (党员联系户).

Rules of the domain: a member under 70 contacts 5-20 households of their village; members aged 70+ are
exempt. On purpose some members are overloaded (> 20), some exempt members still keep a few households,
and some households - including some with vulnerable people - have no contacting member.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from loaders.sample.attributes import PARTY_MEMBER, is_party_member, is_vulnerable
from loaders.sample.world import Household, Person, Town, Village
from schema.vocabulary import CONTACT_EXEMPT_AGE, CONTACT_LIMIT


@dataclass(slots=True)
class PartyOrg:
    code: str
    name: str
    kind: str          # 党委 / 党总支 / 党支部 / 党小组
    parent: str
    grid_code: str


@dataclass(slots=True)
class Contact:
    """One party member and the household numbers (户号) they contact; empty when exempt."""

    member: Person
    org_code: str
    numbers: list[str]
    since: date


@dataclass(slots=True)
class VillageParty:
    orgs: list[PartyOrg]
    contacts: list[Contact]
    uncontacted: list[Household] = field(default_factory=list)


def town_committee(town: Town) -> PartyOrg:
    """The town's party committee (党委), anchored in no grid."""
    return PartyOrg(f"{town.code}-DW", f"中共{town.name}委员会", "党委", "", "")


def _members_with_grid(village: Village) -> list[tuple[Person, str]]:
    return [(p, h.grid_code) for h in village.households for p in h.members if is_party_member(p)]


def _ensure_exempt_member(rng: random.Random, village: Village, as_of: date) -> None:
    """Make sure the village has a member aged 70+ (for a forced, small sample)."""
    if any(p.age(as_of) >= CONTACT_EXEMPT_AGE for p, _ in _members_with_grid(village)):
        return
    elders = [p for h in village.households for p in h.members if p.age(as_of) >= CONTACT_EXEMPT_AGE]
    if elders:
        rng.choice(elders).political = PARTY_MEMBER


def village_party(rng: random.Random, town: Town, village: Village, as_of: date, force: bool) -> VillageParty:
    """Organisations, members and contact assignments of one village; ``force`` guarantees every edge case."""
    if force:
        _ensure_exempt_member(rng, village, as_of)
    plan = village.plan
    members = _members_with_grid(village)
    general = len(members) >= 25
    branch = PartyOrg(f"{plan.code}-DZ", f"中共{town.name}{plan.name}{'总支部委员会' if general else '支部委员会'}",
                      "党总支" if general else "党支部", town_committee(town).code, village.grid.code)
    orgs = [branch]
    group_of: dict[str, str] = {}
    life_grids = [g for g in village.micro_grids if g.kind == "生活网格"]
    if len(life_grids) > 1 or len(members) >= 12:
        for m, micro in enumerate(life_grids, start=1):
            group = PartyOrg(f"{plan.code}-DZ-{m:02d}", f"{plan.name}第{m}党小组", "党小组", branch.code, micro.code)
            orgs.append(group)
            group_of[micro.code] = group.code
    party = VillageParty(orgs=orgs, contacts=[])
    _assign_contacts(rng, party, village, members, group_of, branch.code, as_of, force)
    return party


def _assign_contacts(rng: random.Random, party: VillageParty, village: Village, members: list[tuple[Person, str]],
                     group_of: dict[str, str], branch_code: str, as_of: date, force: bool) -> None:
    households = village.households
    # Leave a few households without a contact, preferring ones with vulnerable people (the gap to find).
    gap = max(1, round(len(households) * rng.uniform(0.02, 0.06)))
    vulnerable = [h for h in households if any(is_vulnerable(p) for p in h.members)]
    others = [h for h in households if h not in vulnerable]
    from_vulnerable = min(len(vulnerable), gap // 2 + (1 if force or rng.random() < 0.5 else 0))
    skipped = set(map(id, rng.sample(vulnerable, from_vulnerable) + rng.sample(others, min(len(others), gap))))
    contactable = [h.number for h in households if id(h) not in skipped]
    active = [p for p, _ in members if p.age(as_of) < CONTACT_EXEMPT_AGE]
    overloaded = rng.choice(active) if active and (force or rng.random() < 0.3) else None
    share = len(contactable) / max(1, len(active))
    pointer = 0

    def take(count: int) -> list[str]:
        # Walk the village in house order, so that a member's households are neighbours.
        nonlocal pointer
        chosen = [contactable[(pointer + i) % len(contactable)] for i in range(min(count, len(contactable)))]
        pointer += count
        return chosen

    exempt_kept = False
    for person, grid_code in members:
        org = group_of.get(grid_code, branch_code)
        since = as_of - timedelta(days=rng.randint(30, 5 * 365))
        if person.age(as_of) >= CONTACT_EXEMPT_AGE:
            # Exempt by age; some still look after a few households, as they always have.
            keeps = (force and not exempt_kept) or rng.random() < 0.4
            exempt_kept = exempt_kept or keeps
            count = rng.randint(3, 8) if keeps else 0
        elif person is overloaded:
            count = rng.randint(CONTACT_LIMIT + 1, CONTACT_LIMIT + 6)
        else:
            count = max(5, min(CONTACT_LIMIT, round(share * rng.uniform(0.7, 1.3))))
        party.contacts.append(Contact(person, org, take(count), since))
    contacted = {n for c in party.contacts for n in c.numbers}
    party.uncontacted = [h for h in households if h.number not in contacted]
