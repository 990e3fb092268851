"""What a column's values look like, for a header no synonym covers: a column of 18-character ID numbers or of
11-digit mobile numbers says what it is even under ``号码`` or ``证件`` (or a clerk's own wording). Dates are no
such evidence: a sheet has many date columns (登记日期, 入党时间), and none of them says which it is.

A kind says which of its fields such a column is (:attr:`loaders.headers.SheetKind.by_values`); the column is
read so only when most of its values agree, and ``--dry-run`` shows that it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from schema.idnumber import check_character
from schema.text import to_halfwidth

SHARE = 0.8  # of the non-empty values; below it the column stays unread, as any unknown column
AT_LEAST = 3  # values: one or two cells under a header are no evidence

_SEPARATORS = re.compile(r"[\s\-]")
# A header naming someone else's number (户主身份证号, 紧急联系人电话): the values would be put on the wrong person.
_SOMEONE_ELSE = ("户主", "联系人", "监护人", "紧急", "配偶", "父", "母", "代理", "网格长", "网格员", "党员", "家属",
                 "亲属", "担保")


class ValueClass(StrEnum):
    ID_NUMBER = "id_number"
    MOBILE = "mobile"


def _id_number(text: str) -> bool:
    text = text.upper()
    return len(text) == 18 and text[:17].isdigit() and text.isascii() and text[17] == check_character(text[:17])


def value_class(value: object) -> ValueClass | None:
    """The class of one cell's value, or ``None``."""
    if isinstance(value, float):
        # Excel kept an ID number as a number (and lost its last digits): the column still holds ID numbers.
        if value.is_integer() and 1e16 <= value < 1e18:
            return ValueClass.ID_NUMBER
        if value.is_integer() and 1.3e10 <= value < 2e10:
            return ValueClass.MOBILE
        return None
    if not isinstance(value, str):
        return None
    text = _SEPARATORS.sub("", to_halfwidth(value))
    if _id_number(text):
        return ValueClass.ID_NUMBER
    if len(text) == 11 and text.isdigit() and text.isascii() and text[0] == "1" and text[1] in "3456789":
        return ValueClass.MOBILE
    return None


def column_class(header: str, values: Iterable[object]) -> ValueClass | None:
    """The class that at least :data:`SHARE` of the column's non-empty values belong to, if there are enough;
    ``None`` for a header that names another person's number."""
    if any(word in header for word in _SOMEONE_ELSE):
        return None
    counts: dict[ValueClass | None, int] = {}
    total = 0
    for value in values:
        if value is None or value == "":
            continue
        total += 1
        found = value_class(value)
        counts[found] = counts.get(found, 0) + 1
    if total < AT_LEAST:
        return None
    best = max((c for c in counts if c is not None), key=lambda c: counts[c], default=None)
    return best if best is not None and counts[best] >= SHARE * total else None
