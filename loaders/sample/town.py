"""The skeleton of a town: its division code, management areas, villages and the town's own staff."""

from __future__ import annotations

import random

from loaders.sample import names
from loaders.sample.identity import mobile_number
from loaders.sample.scales import Scale
from loaders.sample.world import Grid, Staff, Town, VillagePlan

COUNTY_CODE = "370781"
_ORDINALS = "一二三四五六七八九十"
# Seed 004: professional grid members come from ten departments.
DEPARTMENTS = ("民政办", "综治办", "应急办", "城管办", "司法所", "卫健办", "人社所", "退役军人服务站", "市场监管所",
               "派出所")


def town_code(index: int, street: bool) -> str:
    """9-digit code: county + 001-099 for streets (街道), 100-199 for towns (镇)."""
    return f"{COUNTY_CODE}{index + 1:03d}" if street else f"{COUNTY_CODE}{101 + index:03d}"


def _staff(rng: random.Random, count: int, department: str = "", kind: str = "") -> list[Staff]:
    return [Staff(names.person_name(rng, rng.random() < 0.7), mobile_number(rng), kind, department)
            for _ in range(count)]


def town_names(rng: random.Random, count: int) -> list[str]:
    """Distinct names of a county's towns; with more than one town the first two are streets (街道)."""
    taken: set[str] = set()
    return [names.town_name(rng, taken, street=count > 1 and i < 2) for i in range(count)]


def make_town(rng: random.Random, scale: Scale, index: int, name: str) -> Town:
    """A town with its areas and village plans (sizes, codes, names); no people yet."""
    street = name.endswith("街道")
    code = town_code(index, street)
    areas = [Grid(code=f"T{code[6:]}-{a + 1:02d}", name=f"{name}第{_ORDINALS[a]}管区", level=1, kind="综合网格")
             for a in range(scale.areas_per_town)]
    communities = min(scale.villages_per_town, scale.communities_per_town * (3 if street else 1))
    village_names: set[str] = set()
    villages: list[VillagePlan] = []
    per_area = -(-scale.villages_per_town // scale.areas_per_town)
    for v in range(scale.villages_per_town):
        community = v < communities
        # Statistical codes: 001-199 residents' committees (社区), 200-399 villagers' committees (村).
        suffix = v + 1 if community else 201 + v - communities
        low, high = scale.community_households if community else scale.village_households
        villages.append(VillagePlan(
            index=v, code=f"{code}{suffix:03d}",
            name=names.community_name(rng, village_names) if community else names.village_name(rng, village_names),
            community=community, area=areas[min(v // per_area, len(areas) - 1)],
            households=rng.randint(low, high)))
    cadres = _staff(rng, 12 + 2 * scale.villages_per_town // 3, "镇机关", "兼职")
    for area_index, area in enumerate(areas):
        area.chief = cadres[area_index]
        area.members = [cadres[len(areas) + 2 * area_index], cadres[len(areas) + 2 * area_index + 1]]
    professionals = [s for d in DEPARTMENTS for s in _staff(rng, rng.randint(1, 2), d, "专业")]
    return Town(index=index, code=code, name=name, county_code=COUNTY_CODE, areas=areas, villages=villages,
                cadres=cadres, professionals=professionals, justice_staff=_staff(rng, 2, "司法所"), studio=[],
                volunteers=_staff(rng, 8, "志愿者"))
