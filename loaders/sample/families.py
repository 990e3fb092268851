"""Households of a village: realistic family shapes with consistent ages, surnames, ID numbers and phones."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from loaders.sample import names
from loaders.sample.identity import id_number, mobile_number
from loaders.sample.world import Household, Person, VillagePlan

# Neighbouring counties of the sample county and a few far provinces: where spouses were born.
_NEARBY_REGIONS = ("370702", "370703", "370724", "370783", "370784", "370785", "371321", "370522")
_FAR_REGIONS = ("410523", "130181", "230103", "341221", "320382")
_ETHNIC_MINORITIES = ("回族", "满族", "蒙古族", "壮族", "朝鲜族", "土家族")

# Household shapes of a rural North China village and their weights (mean size ≈ 2.8).
_SHAPES: tuple[tuple[str, int], ...] = (
    ("single_elder", 12), ("single_adult", 10), ("elder_couple", 20), ("couple", 10),
    ("nuclear", 28), ("three_generations", 12), ("with_parents", 8),
)


class IdIssuer:
    """Issues unique ID numbers. Each town draws sequences from its own slice, so towns never collide."""

    def __init__(self, town_slot: int) -> None:
        self._base = (town_slot % 12) * 40
        self._issued: set[str] = set()

    def issue(self, rng: random.Random, region: str, birth: date, male: bool) -> str:
        for _ in range(200):
            sequence = 2 * (self._base + rng.randrange(40)) + (1 if male else 0)
            number = id_number(region, birth, sequence)
            if number not in self._issued:
                self._issued.add(number)
                return number
        raise RuntimeError(f"no free ID sequence left for {region} {birth}")


class FamilyMaker:
    """Makes the members of one household at a time for a village."""

    def __init__(self, rng: random.Random, county_code: str, as_of: date, issuer: IdIssuer) -> None:
        self.rng = rng
        self.county_code = county_code
        self.as_of = as_of
        self.issuer = issuer

    def person(self, relation: str, male: bool, age: int, family: str | None = None,
               ethnicity: str = "汉族", native: bool = True) -> Person:
        rng = self.rng
        birth = self.as_of - timedelta(days=365 * age + rng.randrange(365))
        if native or rng.random() < 0.3:
            region = self.county_code
        else:
            region = rng.choice(_FAR_REGIONS) if rng.random() < 0.12 else rng.choice(_NEARBY_REGIONS)
        phone = mobile_number(rng) if 16 <= age <= 80 or (age > 80 and rng.random() < 0.3) else ""
        return Person(name=names.person_name(rng, male, family), sex="男" if male else "女", birth=birth,
                      ethnicity=ethnicity, id_number=self.issuer.issue(rng, region, birth, male),
                      relation=relation, phone=phone)

    def household(self, number: str, address: str) -> Household:
        rng = self.rng
        shape = rng.choices([s for s, _ in _SHAPES], weights=[w for _, w in _SHAPES])[0]
        ethnicity = "汉族" if rng.random() < 0.985 else rng.choice(_ETHNIC_MINORITIES)
        family = names.surname(rng)
        members = _SHAPE_MAKERS[shape](self, family, ethnicity)
        return Household(number=number, address=address, members=members)

    def _spouse(self, head: Person, head_age: int) -> Person:
        rng = self.rng
        age = max(20, head_age + rng.randint(-6, 3) if head.sex == "男" else head_age + rng.randint(-2, 6))
        ethnicity = head.ethnicity if rng.random() < 0.8 else "汉族"
        return self.person("配偶", head.sex == "女", age, ethnicity=ethnicity, native=False)

    def _children(self, family: str, mother_age: int, count: int, ethnicity: str,
                  son: str = "子", daughter: str = "女") -> list[Person]:
        rng = self.rng
        ages = sorted((mother_age - rng.randint(21, 38) for _ in range(count)), reverse=True)
        children = []
        for age in ages:
            if age < 0:
                continue
            male = rng.random() < 0.52
            children.append(self.person(son if male else daughter, male, age, family, ethnicity))
        return children


def _single_elder(maker: FamilyMaker, family: str, ethnicity: str) -> list[Person]:
    male = maker.rng.random() < 0.4   # widows outnumber widowers
    return [maker.person("户主", male, maker.rng.randint(62, 93), family if male else None, ethnicity)]


def _single_adult(maker: FamilyMaker, family: str, ethnicity: str) -> list[Person]:
    return [maker.person("户主", maker.rng.random() < 0.7, maker.rng.randint(22, 61), family, ethnicity)]


def _elder_couple(maker: FamilyMaker, family: str, ethnicity: str) -> list[Person]:
    age = maker.rng.randint(62, 88)
    head = maker.person("户主", True, age, family, ethnicity)
    return [head, maker._spouse(head, age)]


def _couple(maker: FamilyMaker, family: str, ethnicity: str) -> list[Person]:
    age = maker.rng.randint(23, 60)
    head = maker.person("户主", True, age, family, ethnicity)
    return [head, maker._spouse(head, age)]


def _nuclear(maker: FamilyMaker, family: str, ethnicity: str) -> list[Person]:
    rng = maker.rng
    age = rng.randint(27, 56)
    head = maker.person("户主", rng.random() < 0.9, age, family, ethnicity)
    spouse = maker._spouse(head, age)
    mother_age = min(age, spouse.age(maker.as_of)) if head.sex == "男" else age
    count = rng.choices((1, 2, 3), weights=(45, 45, 10))[0]
    father_family = family if head.sex == "男" else spouse.name[0]
    return [head, spouse, *maker._children(father_family, mother_age, count, ethnicity)]


def _three_generations(maker: FamilyMaker, family: str, ethnicity: str) -> list[Person]:
    rng = maker.rng
    age = rng.randint(50, 72)
    head = maker.person("户主", True, age, family, ethnicity)
    spouse = maker._spouse(head, age)
    son_age = max(22, age - rng.randint(23, 32))
    son = maker.person("子", True, son_age, family, ethnicity)
    daughter_in_law = maker.person("儿媳", False, max(21, son_age + rng.randint(-4, 2)), native=False)
    grandchildren = maker._children(family, daughter_in_law.age(maker.as_of), rng.choice((1, 1, 2)), ethnicity,
                                    son="孙子", daughter="孙女")
    members = [head, spouse, son, daughter_in_law, *grandchildren]
    # Parents working in the cities leave the children with the grandparents (留守儿童).
    if grandchildren and rng.random() < 0.35:
        son.note = daughter_in_law.note = "外出务工"
        for child in grandchildren:
            if child.age(maker.as_of) < 16:
                child.tags.append("留守儿童")
    return members


def _with_parents(maker: FamilyMaker, family: str, ethnicity: str) -> list[Person]:
    rng = maker.rng
    age = rng.randint(35, 58)
    head = maker.person("户主", True, age, family, ethnicity)
    spouse = maker._spouse(head, age)
    children = maker._children(family, spouse.age(maker.as_of), rng.choice((1, 2)), ethnicity)
    parents = [maker.person("母亲", False, age + rng.randint(22, 33))]
    if rng.random() < 0.4:
        parents.insert(0, maker.person("父亲", True, age + rng.randint(24, 35), family, ethnicity))
    return [head, spouse, *children, *parents]


_SHAPE_MAKERS: dict[str, Callable[[FamilyMaker, str, str], list[Person]]] = {
    "single_elder": _single_elder, "single_adult": _single_adult, "elder_couple": _elder_couple,
    "couple": _couple, "nuclear": _nuclear, "three_generations": _three_generations,
    "with_parents": _with_parents,
}


def addresses(rng: random.Random, town: str, plan: VillagePlan) -> list[str]:
    """One address per household: 村民小组 and house number in villages, building and flat in communities."""
    result = []
    for index in range(plan.households):
        if plan.community:
            building, rest = divmod(index, 24)
            entrance, flat = divmod(rest, 12)
            floor, door = divmod(flat, 2)
            result.append(f"{town}{plan.name}{building + 1}号楼{entrance + 1}单元{floor + 1}0{door + 1}室")
        else:
            group = index // 30 + 1
            result.append(f"{town}{plan.name}{group}组{index % 30 * 2 + rng.randint(1, 2)}号")
    return result


def village_households(maker: FamilyMaker, town: str, plan: VillagePlan) -> list[Household]:
    """All households of a village, numbered 001, 002 … in address order."""
    width = max(3, len(str(plan.households)))
    return [maker.household(f"{i + 1:0{width}d}", address)
            for i, address in enumerate(addresses(maker.rng, town, plan))]
