"""How big a generated sample is: a couple of villages for tests, a town, or a county of towns."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ScaleName(StrEnum):
    VILLAGE = "village"
    TOWN = "town"
    COUNTY = "county"


@dataclass(frozen=True)
class Scale:
    """Sizes of one generated sample. Households per village are drawn from the given ranges."""

    name: ScaleName
    towns: int
    areas_per_town: int           # 管区 / 一级网格
    villages_per_town: int        # administrative villages and communities, one 二级网格 each
    communities_per_town: int     # 社区 (residents' committees) among them, larger and urban
    village_households: tuple[int, int]
    community_households: tuple[int, int]


SCALES: dict[ScaleName, Scale] = {
    # Three small villages (~300 persons): every kind of defect still occurs, tests stay fast.
    ScaleName.VILLAGE: Scale(ScaleName.VILLAGE, 1, 1, 3, 0, (34, 40), (0, 0)),
    # Seed 000: 7 management areas, ~90 second-level grids; ~25,000 persons.
    ScaleName.TOWN: Scale(ScaleName.TOWN, 1, 7, 90, 3, (42, 142), (240, 380)),
    # About 12 towns, ~300,000 persons.
    ScaleName.COUNTY: Scale(ScaleName.COUNTY, 12, 7, 90, 3, (42, 142), (240, 380)),
}
