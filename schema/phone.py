"""Phone numbers as typed (``+86``, spaces, dashes, full-width digits) in the one form that is hashed and stored."""

from __future__ import annotations

import re

from schema.text import Cell, ValueProblem, clean_text, to_halfwidth

_PHONE_DECORATION = re.compile(r"[\s\-()（）.]")


def parse_phone(raw: Cell) -> str:
    """``'+86 138-1234-5678'`` → ``'13812345678'``; landlines keep their area code (``05361234567``).

    Mobile numbers have 11 digits starting with 1; landlines 10-12 digits starting with 0.
    """
    text = clean_text(raw) or ""
    digits = _PHONE_DECORATION.sub("", to_halfwidth(text))
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not digits.isdigit():
        raise ValueProblem("phone_invalid", f"{text!r} is not a phone number: only digits, +86, spaces and "
                                            "dashes are understood.")
    if digits.startswith("1") and len(digits) == 11:
        return digits
    if digits.startswith("0") and 10 <= len(digits) <= 12:
        return digits
    raise ValueProblem(
        "phone_invalid",
        f"{len(digits)} digits: a mobile number has 11 digits starting with 1, a landline 10-12 digits with its "
        "area code. Correct the number.",
    )
