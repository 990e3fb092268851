"""Parameter types of the named queries and the casts from what a caller has in hand.

Values come either as text (the CLI's ``--param key=value``) or as JSON values (the API). Each type accepts
both; anything else is an :class:`~queries.errors.InvalidParameter` naming the parameter and its type.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from queries.errors import InvalidParameter

TRUE_WORDS = frozenset({"true", "yes", "1", "on"})
FALSE_WORDS = frozenset({"false", "no", "0", "off"})


@dataclass(frozen=True)
class ParamSpec:
    """One ``@param`` of a query header."""

    name: str
    type: str
    required: bool
    default: Any = None
    example: str | None = None
    description: str = ""

    def cast(self, value: Any) -> Any:
        """``value`` as this parameter's type; ``None`` stays ``None``."""
        if value is None:
            return None
        try:
            return CASTS[self.type](value)
        except (ValueError, TypeError) as exc:
            example = f", e.g. {self.example}" if self.example else ""
            raise InvalidParameter(
                f"parameter {self.name!r} must be {TYPE_WORDS[self.type]}{example}; got {_shown(value)} ({exc})",
                parameter=self.name,
            ) from None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"a {type(value).__name__} is not text")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("true/false is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return int(value.strip())
    raise TypeError(f"a {type(value).__name__} is not a whole number")


def _float(value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError("true/false is not a number")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return float(value.strip())
    raise TypeError(f"a {type(value).__name__} is not a number")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise ValueError("expected true or false")


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip())
    raise TypeError(f"a {type(value).__name__} is not a date")


def _datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        moment = datetime.fromisoformat(value.strip())
    else:
        raise TypeError(f"a {type(value).__name__} is not a date and time")
    # Without an offset the moment is read in this machine's time zone (what a person typing it means).
    return moment if moment.tzinfo is not None else moment.astimezone()


def _string_list(value: Any) -> list[str]:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            value = json.loads(text)
        else:
            return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise TypeError("expected a list of text values")


CASTS: dict[str, Callable[[Any], Any]] = {
    "string": _string,
    "int": _int,
    "float": _float,
    "bool": _bool,
    "date": _date,
    "datetime": _datetime,
    "list<string>": _string_list,
}

TYPE_WORDS: dict[str, str] = {
    "string": "text (string)",
    "int": "a whole number (int)",
    "float": "a number (float)",
    "bool": "true or false (bool)",
    "date": "a date YYYY-MM-DD (date)",
    "datetime": "a date and time YYYY-MM-DDTHH:MM[:SS][+08:00] (datetime)",
    "list<string>": "a list of text values, comma-separated or a JSON list (list<string>)",
}
