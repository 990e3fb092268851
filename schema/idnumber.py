"""Resident identity card numbers (GB 11643-1999): normalise, convert legacy numbers, validate.

An 18-character number is 6 digits of region + 8 of birth date + 3 of sequence (odd = male) + a MOD 11-2
check character (0-9 or X). 15-digit numbers issued before 1999 lack the century and the check character
and are converted. The region code is only information: numbers keep the code they were issued under, so
a code that is no longer in use is a warning, not an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from operator import mul

from schema.region_codes import is_current_division
from schema.text import to_halfwidth

_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))
_CHECK_CHARS = "10X98765432"
_ZEROS = 48 * sum(_WEIGHTS)
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


class IdNumberError(ValueError):
    """The value is not a usable ID number; ``code`` is the report's stable code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class IdNumber:
    """A valid 18-character ID number and what it says."""

    number: str
    birth_date: date
    sex: str  # 'male' | 'female'
    region_known: bool
    converted_from_15: bool = False

    @property
    def region(self) -> str:
        return self.number[:6]


def check_character(first17: str) -> str:
    """The MOD 11-2 check character of the first 17 digits."""
    # Byte values, less the weighted sum of the zeros' (ASCII 48): a third of the time of int() per digit.
    digits = first17.encode("ascii", "replace")
    if len(digits) != len(_WEIGHTS) or not digits.isdigit():
        raise ValueError("check_character needs exactly 17 ASCII digits")
    total = sum(map(mul, digits, _WEIGHTS)) - _ZEROS
    return _CHECK_CHARS[total % 11]


_EXCEL_HINT = (
    "Excel stored this ID number as a number and kept only its first 15 digits, so the last ones are lost. "
    "Format the column as text (or type an apostrophe before the number), re-enter the numbers from the "
    "source, and import the sheet again."
)


def parse_id_number(raw: object, today: date | None = None) -> IdNumber:
    """Normalise and validate an ID number cell; raise :class:`IdNumberError` when it cannot be used.

    Accepts full-width digits, embedded spaces, a lowercase ``x`` and 15-digit legacy numbers. A number cell
    (int/float) of more than 15 digits, or text in scientific notation, has been mangled by Excel.
    """
    if isinstance(raw, bool):
        raise IdNumberError("id_invalid", f"{raw!r} is not an ID number.")
    if isinstance(raw, float | int):
        digits = f"{raw:.0f}" if isinstance(raw, float) else str(raw)
        if len(digits) > 15 or (isinstance(raw, float) and not raw.is_integer()):
            raise IdNumberError("id_excel_number", _EXCEL_HINT)
        text = digits
    else:
        text = str(raw)
    text = "".join(to_halfwidth(text).split()).lstrip("'").upper()
    if _SCIENTIFIC.match(text):
        raise IdNumberError("id_excel_number", _EXCEL_HINT)
    converted = False
    if len(text) == 15 and text.isascii() and text.isdigit():
        base = text[:6] + "19" + text[6:]
        text = base + check_character(base)
        converted = True
    if len(text) != 18 or not text.isascii() or not text[:17].isdigit() or text[17] not in "0123456789X":
        raise IdNumberError(
            "id_invalid",
            f"an ID number has 18 characters (17 digits and a digit or X) or 15 digits; this has {len(text)}. "
            "Correct it from the ID card.",
        )
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise IdNumberError(
            "id_invalid", f"characters 7-14 should be a birth date (YYYYMMDD); {text[6:14]} is not a date."
        ) from None
    if born > (today or date.today()) or born.year < 1880:
        raise IdNumberError("id_invalid", f"the birth date in the ID number, {born.isoformat()}, is impossible.")
    expected = check_character(text[:17])
    if text[17] != expected:
        if text.endswith("000"):
            raise IdNumberError("id_excel_number", _EXCEL_HINT + " (The number ends in 000 and fails its check.)")
        raise IdNumberError(
            "id_check_failed",
            f"the check character is {text[17]} but the first 17 digits require {expected}: a digit is mistyped. "
            "Correct it from the ID card.",
        )
    sex = "male" if int(text[16]) % 2 == 1 else "female"
    return IdNumber(text, born, sex, is_current_division(text[:6]), converted)
