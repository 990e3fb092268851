"""Text as clerks and callers type it: full-width forms, stray spaces, names padded to align.

Loaders normalise every cell with these, and lookups (search, identity parameters, the compiler's name
filters) normalise what a caller typed the same way, so that both meet on the stored form.
"""

from __future__ import annotations

import re
from datetime import datetime

Cell = object

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_CJK = r"[\u3400-\u9fff\uf900-\ufaff·•]"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


class ValueProblem(ValueError):
    """A value that cannot be used; ``code`` is the import report's stable code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def to_halfwidth(text: str) -> str:
    """Full-width letters, digits and punctuation (and the ideographic space) as their ASCII forms."""
    return text.translate(_FULLWIDTH)


def clean_text(raw: Cell) -> str | None:
    """A cell as trimmed text (full-width spaces too); ``None`` for an empty cell. Whole floats lose ``.0``."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        text = "是" if raw else "否"
    elif isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    elif isinstance(raw, datetime):
        text = raw.isoformat(sep=" ")
    else:
        text = str(raw)
    # str.split() splits on exactly the whitespace \s matches (the ideographic and no-break spaces too).
    return " ".join(text.split()) or None


def clean_name(raw: Cell) -> str | None:
    """A person's or place's name: trimmed; spaces between Chinese characters (used to align) removed."""
    text = clean_text(raw)
    if text is None:
        return None
    return _SPACE_BETWEEN_CJK.sub("", text)
