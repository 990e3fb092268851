"""Cases of a village: disputes with mediators (矛盾纠纷), 12345 hotline tickets, micro-wishes (微心愿).

Dates fall within the two years before ``as_of``. Some people are drawn into several disputes (conflict
hotspots); some cases are still open long after their deadline.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from loaders.sample import texts
from loaders.sample.attributes import is_party_member
from loaders.sample.world import Household, Person, Staff, Town, Village

SAME_HOUSEHOLD_CATEGORIES = frozenset({"婚姻家庭"})


@dataclass(slots=True)
class Dispute:
    code: str
    reported: date
    grid_code: str
    parties: list[Person]
    category: str
    description: str
    mediators: list[str]
    outcome: str              # 调解成功 / 调解不成 / 调解中
    status: str               # 已化解 / 已办结 / 未化解 / 调解中
    closed: date | None


@dataclass(slots=True)
class HotlineTicket:
    code: str
    called: datetime
    grid_code: str
    kind: str
    request: str
    handler: str
    time_limit: str           # 当日 / 3个工作日 / 13个工作日
    status: str               # 已办结 / 办理中 / 待受理
    closed: datetime | None
    satisfaction: str


@dataclass(slots=True)
class Wish:
    code: str
    registered: date
    grid_code: str
    person: Person
    content: str
    claimer: str
    claimed: date | None
    status: str               # 待认领 / 已认领 / 已完成


@dataclass(slots=True)
class VillageCases:
    disputes: list[Dispute]
    tickets: list[HotlineTicket]
    wishes: list[Wish]


class CaseMaker:
    """Numbers cases across a town and draws them village by village."""

    def __init__(self, rng: random.Random, town: Town, as_of: date) -> None:
        self.rng = rng
        self.town = town
        self.as_of = as_of
        self._counters = {"dispute": 0, "hotline": 0, "wish": 0}

    def _next(self, kind: str) -> int:
        self._counters[kind] += 1
        return self._counters[kind]

    def _day(self, within_days: int = 730) -> date:
        return self.as_of - timedelta(days=self.rng.randint(1, within_days))

    def village_cases(self, village: Village, force: bool) -> VillageCases:
        """Two to four disputes, a few hotline tickets and micro-wishes of one village."""
        rng = self.rng
        households = village.households
        # A quarrelsome household: its head turns up in most of the village's disputes.
        hotspot = rng.choice(households).head if force or rng.random() < 0.3 else None
        disputes = [self._dispute(village, hotspot if hotspot and rng.random() < 0.75 else None)
                    for _ in range(rng.randint(2, 4))]
        tickets = [self._ticket(village) for _ in range(rng.randint(3, 7))]
        vulnerable = [(p, h) for h in households for p in h.members
                      if any(t in texts.WISHES for t in p.tags)]
        wishes = [self._wish(village, person, household)
                  for person, household in rng.sample(vulnerable, min(len(vulnerable), rng.randint(1, 3) + 2 * force))]
        return VillageCases(disputes, tickets, wishes)

    def _parties(self, village: Village, category: str, hotspot: Person | None) -> list[Person]:
        rng = self.rng
        households = village.households
        first = next((h for h in households if hotspot is not None and hotspot in h.members), None) \
            or rng.choice(households)
        if category in SAME_HOUSEHOLD_CATEGORIES and len(first.members) > 1:
            return rng.sample(first.members, 2)
        index = households.index(first)
        neighbour = households[(index + rng.choice((-2, -1, 1, 2))) % len(households)]
        parties = [hotspot or first.head, rng.choice(neighbour.members[:2])]
        if rng.random() < 0.15:
            parties.append(rng.choice(rng.choice(households).members))
        return parties

    def _dispute(self, village: Village, hotspot: Person | None) -> Dispute:
        rng, town = self.rng, self.town
        category = rng.choice(tuple(texts.DISPUTE_TEMPLATES))
        people = list({id(p): p for p in self._parties(village, category, hotspot)}.values())
        causes, details = texts.DISPUTE_TEMPLATES[category]
        a, b = people[0].name, people[-1].name if len(people) > 1 else "对方"
        place = rng.choice(texts.HOTLINE_PLACES)
        description = (f"{a}与{b}因{rng.choice(causes)}产生纠纷，"
                       f"{rng.choice(details).format(a=a, b=b, place=village.plan.name + place)}。"
                       f"{rng.choice(texts.MEDIATION_STEPS)}。")
        reported = self._day()
        recent = (self.as_of - reported).days < 60
        outcome = rng.choices(("调解成功", "调解不成", "调解中"),
                              weights=(45, 10, 45) if recent else (82, 12, 6))[0]
        closed: date | None = None
        if outcome == "调解中":
            status = "调解中"
        else:
            status = (rng.choice(("已化解", "已化解", "已办结")) if outcome == "调解成功"
                      else rng.choice(("未化解", "已办结")))
            if status != "未化解":
                closed = min(self.as_of, reported + timedelta(days=rng.randint(1, 40)))
        mediators = [self._mediator(village)]
        if rng.random() < 0.2:
            mediators.append(rng.choice(town.justice_staff).name)
        if any(m.name == mediators[0] for m in town.studio):
            description += f"经{town.studio_name}调解员{mediators[0]}耐心调解。"
        household = next(h for h in village.households if people[0] in h.members)
        return Dispute(code=f"MD{town.code[6:]}-{reported.year}-{self._next('dispute'):04d}", reported=reported,
                       grid_code=household.grid_code, parties=people, category=category,
                       description=description, mediators=list(dict.fromkeys(mediators)), outcome=outcome,
                       status=status, closed=closed)

    def _mediator(self, village: Village) -> str:
        rng, town = self.rng, self.town
        roll = rng.random()
        if roll < 0.4 and village.grid.chief is not None:
            return village.grid.chief.name
        if roll < 0.7 and town.studio:
            return rng.choice(town.studio).name
        return rng.choice(town.justice_staff).name

    def _ticket(self, village: Village) -> HotlineTicket:
        rng = self.rng
        kind = rng.choices(tuple(texts.HOTLINE_REQUESTS), weights=(30, 30, 20, 10, 10))[0]
        request = rng.choice(texts.HOTLINE_REQUESTS[kind]).format(
            place=village.plan.name + rng.choice(texts.HOTLINE_PLACES))
        handler = next((rng.choice(units) for word, units in texts.HANDLERS.items() if word in request),
                       f"{village.plan.name}委会" if village.plan.name.endswith("村") else f"{village.plan.name}居委会")
        called = datetime.combine(self._day(), time(rng.randint(8, 20), rng.randrange(60)))
        time_limit = rng.choices(("当日", "3个工作日", "13个工作日"), weights=(10, 40, 50))[0]
        age_days = (self.as_of - called.date()).days
        status = "已办结" if age_days > 20 and rng.random() < 0.93 else rng.choice(("已办结", "办理中", "待受理"))
        closed, satisfaction = None, ""
        if status == "已办结":
            closed = min(datetime.combine(self.as_of, time(17)),
                         called + timedelta(days=rng.randint(0, 15), hours=rng.randint(1, 8)))
            satisfaction = rng.choices(("满意", "基本满意", "不满意"), weights=(75, 18, 7))[0]
        grid_code = rng.choice([g.code for g in village.micro_grids])
        return HotlineTicket(code=f"RX{called:%Y%m%d}{self.town.code[6:]}{self._next('hotline'):05d}",
                             called=called, grid_code=grid_code, kind=kind, request=request, handler=handler,
                             time_limit=time_limit, status=status, closed=closed, satisfaction=satisfaction)

    def _wish(self, village: Village, person: Person, household: Household) -> Wish:
        rng = self.rng
        tag = next(t for t in person.tags if t in texts.WISHES)
        registered = self._day(365)
        status = rng.choices(("待认领", "已认领", "已完成"), weights=(30, 20, 50))[0]
        claimer, claimed = "", None
        if status != "待认领":
            members = [p for h in village.households for p in h.members if is_party_member(p)]
            volunteers: list[Staff] = self.town.volunteers
            claimer = (rng.choice(members).name if members and rng.random() < 0.7
                       else rng.choice(volunteers).name)
            claimed = min(self.as_of, registered + timedelta(days=rng.randint(1, 20)))
        return Wish(code=f"XY{self.town.code[6:]}-{self._next('wish'):04d}", registered=registered,
                    grid_code=household.grid_code, person=person, content=rng.choice(texts.WISHES[tag]),
                    claimer=claimer, claimed=claimed, status=status)
