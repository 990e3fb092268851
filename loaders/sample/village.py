"""A village with its people: households, micro-grids (微网格), units (单元) and the staff drawn from residents."""

from __future__ import annotations

import random
from datetime import date

from loaders.sample import names
from loaders.sample.attributes import assign_political_status, assign_tags, is_party_member
from loaders.sample.families import FamilyMaker, village_households
from loaders.sample.identity import mobile_number
from loaders.sample.world import Grid, Household, Person, Staff, Town, Unit, Village, VillagePlan

_STARS = (1, 2, 3, 4, 5)
_STAR_WEIGHTS = (5, 15, 35, 30, 15)


def _split(items: list[Household], parts: int) -> list[list[Household]]:
    size, extra = divmod(len(items), parts)
    chunks, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        chunks.append(items[start:end])
        start = end
    return chunks


def _as_staff(person: Person, kind: str = "") -> Staff:
    return Staff(person.name, person.phone, kind)


def _pick(rng: random.Random, people: list[Person], as_of: date, low: int, high: int,
          prefer_party: bool = True) -> Person:
    """A resident of the right age with a phone, a party member when there is one."""
    fit = [p for p in people if low <= p.age(as_of) <= high and p.phone]
    party = [p for p in fit if is_party_member(p)]
    pool = party if prefer_party and party else fit or [p for p in people if p.phone] or people
    return rng.choice(pool)


class VillageMaker:
    """Generates one village of a town at a time."""

    def __init__(self, rng: random.Random, town: Town, as_of: date, families: FamilyMaker) -> None:
        self.rng = rng
        self.town = town
        self.as_of = as_of
        self.families = families

    def make(self, plan: VillagePlan) -> Village:
        rng, as_of = self.rng, self.as_of
        households = village_households(self.families, self.town.name, plan)
        assign_political_status(rng, households, as_of)
        assign_tags(rng, households, as_of)
        residents = [p for h in households for p in h.members]
        grid = Grid(code=f"{plan.area.code}-{plan.code[-3:]}", name=plan.name, level=2, kind="综合网格",
                    parent=plan.area.code, region_code=plan.code, star=rng.choices(_STARS, _STAR_WEIGHTS)[0])
        # The village party secretary chairs the village grid; two or three town cadres are its members.
        grid.chief = _as_staff(_pick(rng, residents, as_of, 35, 62))
        grid.members = rng.sample(self.town.cadres, rng.randint(2, 3))
        if rng.random() < 0.4:
            grid.members.append(rng.choice(self.town.professionals))
        micro_grids, units = self._life_grids(grid, plan, households)
        micro_grids += self._special_grids(grid, plan, residents, len(micro_grids))
        return Village(plan=plan, grid=grid, micro_grids=micro_grids, units=units, households=households)

    def _life_grids(self, grid: Grid, plan: VillagePlan,
                    households: list[Household]) -> tuple[list[Grid], list[Unit]]:
        rng, as_of = self.rng, self.as_of
        micro_grids: list[Grid] = []
        units: list[Unit] = []
        for m, chunk in enumerate(_split(households, max(1, round(len(households) / 65))), start=1):
            micro = Grid(code=f"{grid.code}-{m:02d}", name=f"{plan.name}第{m}网格", level=3, kind="生活网格",
                         parent=grid.code, star=rng.choices(_STARS, _STAR_WEIGHTS)[0])
            people = [p for h in chunk for p in h.members]
            micro.chief = _as_staff(_pick(rng, people, as_of, 30, 60, prefer_party=rng.random() < 0.5))
            micro.members = [_as_staff(_pick(rng, people, as_of, 25, 50, prefer_party=False), "专职")]
            if rng.random() < 0.5:
                micro.members.append(_as_staff(_pick(rng, people, as_of, 25, 65, prefer_party=False), "兼职"))
            micro_grids.append(micro)
            start = 0
            while start < len(chunk):
                size = rng.randint(10, 20)
                members = chunk[start:start + size]
                if len(chunk) - start - size < 6:    # no stub units at the end of a grid
                    members = chunk[start:]
                unit = Unit(name=f"第{len(units) + 1}单元", grid_code=micro.code, numbers=[h.number for h in members])
                unit.chief = _as_staff(_pick(rng, [p for h in members for p in h.members], as_of, 30, 70))
                for household in members:
                    household.grid_code, household.unit_name = micro.code, unit.name
                units.append(unit)
                start += len(members)
        return micro_grids, units

    def _special_grids(self, grid: Grid, plan: VillagePlan, residents: list[Person], taken: int) -> list[Grid]:
        """Production, commercial and exclusive (a school, a company) micro-grids, with no households."""
        rng = self.rng
        wanted: list[tuple[str, str]] = []
        if not plan.community and rng.random() < 0.18:
            wanted.append(("生产网格", f"{plan.name}{rng.choice(('农业生产', '种植基地', '养殖小区'))}网格"))
        if rng.random() < (0.6 if plan.community else 0.05):
            wanted.append(("商业网格", f"{plan.name}{rng.choice(('商业街', '农贸市场', '沿街商铺'))}网格"))
        if rng.random() < 0.1:
            place = (f"{plan.name.removesuffix('村').removesuffix('社区')}小学" if rng.random() < 0.5
                     else names.company_name(rng, self.town.name))
            wanted.append(("专属网格", f"{place}专属网格"))
        grids = []
        for offset, (kind, name) in enumerate(wanted, start=taken + 1):
            special = Grid(code=f"{grid.code}-{offset:02d}", name=name, level=3, kind=kind, parent=grid.code,
                           star=rng.choices(_STARS, _STAR_WEIGHTS)[0])
            if kind == "专属网格":   # the school's or company's own person in charge
                special.chief = Staff(names.person_name(rng, True), mobile_number(rng))
            else:
                special.chief = _as_staff(_pick(self.rng, residents, self.as_of, 30, 60))
            special.members = [_as_staff(_pick(self.rng, residents, self.as_of, 25, 55, prefer_party=False), "兼职")]
            grids.append(special)
        return grids
