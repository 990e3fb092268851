"""Personal numbers in free text: ID and phone numbers that people type into descriptions, notes and reasons.

:func:`mask_numbers` is the one place that finds them; it is applied before free text is stored (case titles and
descriptions, event notes, audit entries), logged (every log line) or echoed (every error message), so a number
typed in the wrong field does not end up in clear in the store, the logs or a response. Where the office needs the
original back, the caller keeps it encrypted next to the masked text (``descriptionCipher``, ``noteCipher``).

Found: 18-digit ID numbers (last character a digit or X) and 15-digit legacy ones, mainland mobile numbers (11
digits from 13–19, optionally with +86 and spaces or dashes) and landlines with an area code (0xx-xxxxxxxx). Full-
width digits count as digits. A number glued to other letters or digits (a hash, a longer code) is not a number
of its own and is left alone.
"""

from __future__ import annotations

import re

from schema.sensitive import mask_id_number, mask_phone

_EDGE_BEFORE = r"(?<![0-9A-Za-z])"
_EDGE_AFTER = r"(?![0-9A-Za-z])"
ID_NUMBER = re.compile(_EDGE_BEFORE + r"(\d{17}[\dXx]|\d{15})" + _EDGE_AFTER)
MOBILE = re.compile(_EDGE_BEFORE + r"((?:\+|00)?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})" + _EDGE_AFTER)
LANDLINE = re.compile(_EDGE_BEFORE + r"(0\d{2,3})[-\s]?(\d{7,8})" + _EDGE_AFTER)


def _mobile(match: re.Match[str]) -> str:
    return (match[1] or "") + mask_phone(match[2] + match[3] + match[4])


def _landline(match: re.Match[str]) -> str:
    return match[1] + "-" + "*" * (len(match[2]) - 4) + match[2][-4:]


# Full-width digits (１３８…) are read as the digits they show.
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def mask_numbers(text: str) -> str:
    """``text`` with every ID and phone number in it masked (``3707**********1234``, ``138****5678``)."""
    if not any(ch.isdigit() for ch in text):
        return text  # most text has no digits at all: skip the patterns
    text = text.translate(_FULL_WIDTH_DIGITS)
    text = ID_NUMBER.sub(lambda m: mask_id_number(m[1]), text)
    text = MOBILE.sub(_mobile, text)
    return LANDLINE.sub(_landline, text)


def mask_optional(text: str | None) -> str | None:
    """:func:`mask_numbers` for a field that may be empty."""
    return None if text is None else mask_numbers(text)


def has_numbers(text: str | None) -> bool:
    """Whether ``text`` holds an ID or phone number (so its original is worth keeping encrypted)."""
    return text is not None and mask_numbers(text) != text
