"""The generated town as plain records: what the workbooks are written from.

Only the town skeleton and the village being written are held at once, so memory stays flat at county scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(slots=True)
class Staff:
    """Someone named in the grid roster or the units sheet; ``kind`` is 专职/兼职/专业 for grid members."""

    name: str
    phone: str
    kind: str = ""
    department: str = ""


@dataclass(slots=True, eq=False)
class Person:
    name: str
    sex: str                 # 男 / 女
    birth: date
    ethnicity: str
    id_number: str
    relation: str            # 与户主关系: 户主, 配偶, 子, 女, 儿媳, 父亲, 母亲, 孙子, 孙女 …
    political: str = "群众"
    phone: str = ""
    tags: list[str] = field(default_factory=list)
    note: str = ""

    def age(self, on: date) -> int:
        """Age in whole years on a date."""
        return on.year - self.birth.year - ((on.month, on.day) < (self.birth.month, self.birth.day))


@dataclass(slots=True, eq=False)
class Household:
    number: str              # 户号, unique only inside its village
    address: str
    members: list[Person]
    grid_code: str = ""      # its micro-grid
    unit_name: str = ""

    @property
    def head(self) -> Person:
        return self.members[0]


@dataclass(slots=True)
class Unit:
    name: str
    grid_code: str
    numbers: list[str]
    chief: Staff | None = None


@dataclass(slots=True)
class Grid:
    code: str
    name: str
    level: int               # 1 管区, 2 村/社区, 3 微网格
    kind: str                # 生活网格 / 生产网格 / 商业网格 / 专属网格
    parent: str = ""
    region_code: str = ""
    star: int | None = None
    chief: Staff | None = None
    members: list[Staff] = field(default_factory=list)


@dataclass(slots=True)
class VillagePlan:
    """What the town skeleton decides about a village before its people are generated."""

    index: int               # position inside the town, from 0
    code: str                # 12-digit division code
    name: str                # e.g. 王家庄村, 东城社区
    community: bool
    area: Grid
    households: int


@dataclass(slots=True)
class Town:
    index: int
    code: str                # 9-digit division code
    name: str
    county_code: str
    areas: list[Grid]
    villages: list[VillagePlan]
    cadres: list[Staff]               # town organ cadres: 包村干部, management-area chiefs
    professionals: list[Staff]        # professional grid members, each from a department
    justice_staff: list[Staff]        # 司法所 mediators
    studio: list[Staff]               # 名人调解工作室 mediators (residents)
    studio_name: str = ""
    volunteers: list[Staff] = field(default_factory=list)


@dataclass(slots=True)
class Village:
    """A village with its people, grids and units, as generated."""

    plan: VillagePlan
    grid: Grid
    micro_grids: list[Grid]
    units: list[Unit]
    households: list[Household]

    def persons(self) -> list[Person]:
        return [p for h in self.households for p in h.members]
