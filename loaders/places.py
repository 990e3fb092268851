"""How clerks name grids and villages, reduced to forms that compare.

A village's census writes its grids by short names (``第1网格``, ``一网格``, ``第2网格1号微网格``) that repeat in
every village, by full name (``东村第1网格``) or by code. :func:`grid_short_name` makes ``第一网格``, ``1网格``,
``网格1`` and ``1号网格`` one form; :func:`village_key` makes ``东村村民委员会`` and ``东村`` one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from schema.text import to_halfwidth

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百]+")
_GRID_NUMBER_AFTER = re.compile(r"(微?网格|片区|小组|组)(\d+)$")
_VILLAGE_SUFFIXES = (("村民委员会", "村"), ("居民委员会", "社区"), ("社区居委会", "社区"), ("村委会", "村"),
                     ("居委会", "社区"), ("村委", "村"))


def chinese_number(text: str) -> int | None:
    """``十二`` → 12, ``二十`` → 20, ``一百零五`` → 105; ``None`` when not a numeral."""
    if not text or not _NUMERAL.fullmatch(text):
        return None
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _DIGITS[char] if current else _DIGITS[char]
    return total + current


def _numerals_as_digits(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        value = chinese_number(match.group(0))
        return str(value) if value is not None else match.group(0)

    return _NUMERAL.sub(replace, text)


@lru_cache(maxsize=4096)
def grid_short_name(name: str) -> str:
    """The comparable form of a grid's name: digits for numerals, no 第/号/spaces, ``网格1`` as ``1网格``."""
    text = "".join(to_halfwidth(name).split())
    text = _numerals_as_digits(text).replace("第", "").replace("号", "")
    text = _GRID_NUMBER_AFTER.sub(lambda m: m.group(2) + m.group(1), text)
    return re.sub(r"(?<!\d)0+(?=\d)", "", text)  # 01网格 is 1网格


@lru_cache(maxsize=4096)
def village_key(name: str) -> str:
    """The comparable form of a village's name: ``东村村民委员会`` → ``东村``, ``西城社区居委会`` → ``西城社区``."""
    text = "".join(to_halfwidth(name).split())
    for suffix, replacement in _VILLAGE_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            stem = text[: -len(suffix)]
            return stem if stem.endswith(replacement) else stem + replacement
    return text


def village_variants(name: str) -> set[str]:
    """The forms under which a village may be written: its key, and the key without ``村``/``社区``."""
    key = village_key(name)
    for suffix in ("二级网格", "总网格", "大网格", "网格"):  # a village grid named 东村网格
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            key = key[: -len(suffix)]
            break
    variants = {key}
    for suffix in ("村", "社区", "居"):
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            variants.add(key[: -len(suffix)])
    return variants
