"""Political status (政治面貌) and person tags (人员类别) at the rates a real village shows."""

from __future__ import annotations

import random
from datetime import date

from loaders.sample.world import Household, Person

PARTY_MEMBER = "中共党员"
PROBATIONARY_MEMBER = "中共预备党员"
LEAGUE_MEMBER = "共青团员"
MASSES = "群众"


def _party_probability(person: Person, age: int) -> float:
    # Membership is older and more male in the countryside; overall ≈ 7 % of the population.
    if age < 18:
        return 0.0
    base = 0.05 if age < 35 else 0.10 if age < 60 else 0.13
    return base * (1.3 if person.sex == "男" else 0.55)


def assign_political_status(rng: random.Random, households: list[Household], as_of: date) -> None:
    """Set 政治面貌 for everyone: 中共党员, 中共预备党员, 共青团员 or 群众."""
    for household in households:
        for person in household.members:
            age = person.age(as_of)
            roll = rng.random()
            if roll < _party_probability(person, age):
                person.political = PARTY_MEMBER
            elif 20 <= age <= 40 and roll < _party_probability(person, age) + 0.006:
                person.political = PROBATIONARY_MEMBER
            elif 14 <= age <= 28 and rng.random() < 0.45:
                person.political = LEAGUE_MEMBER


def assign_tags(rng: random.Random, households: list[Household], as_of: date) -> None:
    """Set 人员类别: 低保户, 五保户, 独居老人, 空巢老人, 残疾人, 退役军人 (留守儿童 comes with the family)."""
    for household in households:
        members = household.members
        ages = [p.age(as_of) for p in members]
        if len(members) == 1 and ages[0] >= 60:
            members[0].tags.append("独居老人")
            if rng.random() < 0.22:
                members[0].tags.append("五保户")
        elif len(members) == 2 and min(ages) >= 60:
            for person in members:
                person.tags.append("空巢老人")
        low_income = rng.random() < 0.04
        for person, age in zip(members, ages, strict=True):
            if low_income and "五保户" not in person.tags:
                person.tags.append("低保户")
            if rng.random() < (0.012 if age < 60 else 0.04):
                person.tags.append("残疾人")
            if person.sex == "男" and 22 <= age <= 80 and rng.random() < 0.03:
                person.tags.append("退役军人")


def is_party_member(person: Person) -> bool:
    """Full and probationary members both contact households and belong to an organisation."""
    return person.political in (PARTY_MEMBER, PROBATIONARY_MEMBER)


VULNERABLE = frozenset({"低保户", "五保户", "独居老人", "空巢老人", "留守儿童", "残疾人"})


def is_vulnerable(person: Person) -> bool:
    """Tagged with a tag of the uncontacted-household and micro-wish questions (not 退役军人)."""
    return any(tag in VULNERABLE for tag in person.tags)
