"""Resident identity numbers (GB 11643) and mobile numbers, generated valid by construction.

An 18-digit number is a 6-digit region code, the birth date ``YYYYMMDD``, a 3-digit sequence whose last
digit is odd for men and even for women, and a MOD 11-2 check character (``0``-``9`` or ``X``). The
15-digit legacy form (issued until 1999) has a 2-digit year and no check character.
"""

from __future__ import annotations

import random
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"

# Mobile prefixes of the three carriers, weighted towards the older, common ones.
_MOBILE_PREFIXES = ("130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
                    "153", "155", "156", "157", "158", "159", "166", "170", "176", "177", "178", "180", "181",
                    "182", "183", "185", "186", "187", "188", "189", "191", "198", "199")


def check_character(first17: str) -> str:
    """The MOD 11-2 check character of the first 17 digits of an ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def id_number(region: str, birth: date, sequence: int) -> str:
    """The 18-digit ID number; ``sequence`` (0-999) must already be odd for a man, even for a woman."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def legacy_id_number(number: str) -> str:
    """The 15-digit legacy form of an 18-digit number of someone born in the 1900s."""
    if number[6:8] != "19":
        raise ValueError("only people born in the 1900s had 15-digit numbers")
    return number[:6] + number[8:17]


def is_valid_id_number(number: str) -> bool:
    """True for a well-formed 18-digit number with a real birth date and the right check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return check_character(number[:17]) == number[17]


def is_male_sequence(number: str) -> bool:
    """The sex encoded in an 18-digit number: odd 17th digit = male."""
    return int(number[16]) % 2 == 1


def mobile_number(rng: random.Random) -> str:
    """An 11-digit mainland mobile number."""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"
