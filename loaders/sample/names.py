"""Chinese names of people, villages, towns and companies, drawn from Faker's ``zh_CN`` data.

Names are drawn with our own seeded ``random.Random`` from Faker's lists (weighted surnames, given
names) rather than through Faker calls: the same seed gives the same town, and drawing is ~10x faster.
"""

from __future__ import annotations

import itertools
import random

from faker.providers.company.zh_CN import Provider as CompanyProvider
from faker.providers.person.zh_CN import Provider as PersonProvider

_SURNAMES: tuple[str, ...] = tuple(PersonProvider.last_names)
_SURNAME_CUMULATIVE: tuple[float, ...] = tuple(itertools.accumulate(PersonProvider.last_names.values()))

# Two-character given names composed from characters common in rural North China, by sex, to widen
# Faker's short lists (57 male, 74 female) so that namesakes are not everywhere.
_MALE_FIRST = "建国志明永海文立德春宝金庆学忠振长世红俊国家兴玉福廷传成洪树春克"
_MALE_SECOND = "军华明强平林东伟杰峰刚涛勇斌超亮辉波民生祥荣平江山发才远新鹏"
_FEMALE_FIRST = "秀桂玉美丽凤翠兰春红淑晓雪海金月彩素爱小"
_FEMALE_SECOND = "英兰芳霞梅娟珍华琴云荣萍燕莲凤香敏静丽红玲"


def surname(rng: random.Random) -> str:
    """A surname, weighted by how common it is."""
    return rng.choices(_SURNAMES, cum_weights=_SURNAME_CUMULATIVE)[0]


def given_name(rng: random.Random, male: bool) -> str:
    """A one- or two-character given name."""
    if rng.random() < 0.4:
        return rng.choice(PersonProvider.first_names_male if male else PersonProvider.first_names_female)
    if male:
        return rng.choice(_MALE_FIRST) + rng.choice(_MALE_SECOND)
    return rng.choice(_FEMALE_FIRST) + rng.choice(_FEMALE_SECOND)


def person_name(rng: random.Random, male: bool, family: str | None = None) -> str:
    """A full name; ``family`` keeps the surname of a father."""
    return (family or surname(rng)) + given_name(rng, male)


_PLACE_PREFIXES = ("东", "西", "南", "北", "前", "后", "大", "小", "上", "下", "高", "新", "老", "中", "柳", "杨",
                   "河", "石", "马", "孟")
_VILLAGE_SUFFIXES = ("家庄", "庄", "村", "家村", "官庄", "家屯", "营", "店", "疃", "家洼", "岭", "家河", "楼", "集")
_TOWN_CHARACTERS = "邵柳高黄王谭庙口何官朱良杨集东坝普山凤城丰台旗埠河口仁和安平"
_COMMUNITY_NAMES = ("东城", "西关", "南苑", "北辰", "兴华", "文苑", "新华", "康宁", "阳光", "幸福", "和平", "振兴")


def village_name(rng: random.Random, taken: set[str]) -> str:
    """A village name such as 王家庄村 or 后柳营村, different from those already ``taken``."""
    while True:
        if rng.random() < 0.55:
            stem = surname(rng) + rng.choice(_VILLAGE_SUFFIXES)
        else:
            stem = rng.choice(_PLACE_PREFIXES) + surname(rng) + rng.choice(("庄", "村", "营", "屯", "疃"))
        name = stem if stem.endswith("村") else stem + "村"
        if name not in taken:
            taken.add(name)
            return name


def community_name(rng: random.Random, taken: set[str]) -> str:
    """A residents' community name such as 东城社区."""
    for candidate in rng.sample(_COMMUNITY_NAMES, len(_COMMUNITY_NAMES)):
        if candidate + "社区" not in taken:
            taken.add(candidate + "社区")
            return candidate + "社区"
    return village_name(rng, taken).removesuffix("村") + "社区"


def town_name(rng: random.Random, taken: set[str], street: bool = False) -> str:
    """A town (镇) or street (街道) name of two characters plus the suffix."""
    while True:
        name = "".join(rng.sample(_TOWN_CHARACTERS, 2)) + ("街道" if street else "镇")
        if name not in taken:
            taken.add(name)
            return name


def company_name(rng: random.Random, town: str) -> str:
    """A local company such as 邵庄镇宏达机械有限公司."""
    return f"{town}{rng.choice(CompanyProvider.company_prefixes)}{rng.choice(_TRADES)}有限公司"


_TRADES = ("机械", "食品", "纺织", "建材", "农业科技", "化工", "包装", "物流", "五金", "木业", "服饰", "果蔬")
