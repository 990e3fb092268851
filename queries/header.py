"""The documenting header of a ``.cypher`` file and its parser.

A header is the run of ``//`` comment lines at the top of the file; tagged lines start with ``// @``::

    // @query uncontacted-households                     the name (must equal the file name)
    // @title 无联系党员的户                               a short Chinese title (xlsx sheet, --list)
    // @description Households no party member contacts   free text; untagged // lines continue it
    // @param scopePath string = "/" e.g. "/A1/" — only households in this grid subtree
    // @param householdCodes list<string> = null e.g. ["A1-V1-001"] — household codes
    // @param minCases int e.g. 3 — a required parameter (no default)
    // @oneOf householdCodes idHash                      at least one of these must be given
    // @const vulnerableTags                             bound from schema.vocabulary, not settable
    // @column householdCode 户编号 Household — key of the household
    // @column vulnerableTags 困难类别 sensitive — a sensitive column (person tags)

``@param NAME TYPE [= DEFAULT] [e.g. EXAMPLE] — DESCRIPTION``: TYPE is one of :data:`queries.params.CASTS`;
DEFAULT and EXAMPLE are JSON literals (``null`` for "not given"); without a default the parameter is
required. ``@column NAME 中文标签 [Label] [sensitive] — DESCRIPTION``: the Chinese label heads the column in
spreadsheets, ``Label`` says which node label a key column identifies, ``sensitive`` marks personal data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from queries.errors import QueryFileError
from queries.params import CASTS, ParamSpec

_PARAM = re.compile(
    r"^(?P<name>[A-Za-z]\w*)\s+(?P<type>[a-z<>]+)"
    r"(?:\s*=\s*(?P<default>.+?))?(?:\s+e\.g\.\s+(?P<example>.+?))?\s+—\s+(?P<description>.+)$"
)
_COLUMN = re.compile(
    r"^(?P<name>[A-Za-z]\w*)\s+(?P<label>\S+)(?P<flags>(?:\s+(?:[A-Z]\w*|sensitive))*)\s+—\s+(?P<description>.+)$"
)


@dataclass(frozen=True)
class ColumnSpec:
    """One ``@column`` of a query header."""

    name: str
    label: str
    entity: str | None = None
    sensitive: bool = False
    description: str = ""


@dataclass(frozen=True)
class QuerySpec:
    """A named query: its documentation, parameters, constants, columns and Cypher text."""

    name: str
    title: str
    description: str
    params: tuple[ParamSpec, ...]
    constants: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...]
    columns: tuple[ColumnSpec, ...]
    cypher: str
    source: str = field(default="", compare=False)

    def param(self, name: str) -> ParamSpec | None:
        """The parameter called ``name``, if the query has one."""
        return next((p for p in self.params if p.name == name), None)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise QueryFileError(f"{where}: {text!r} is not a JSON literal (quote text, use null for none)") from None


def parse(text: str, source: str) -> QuerySpec:
    """Parse one ``.cypher`` file; ``source`` (the file name) is used in error messages."""
    lines = text.splitlines()
    tags: list[tuple[str, str, int]] = []
    body_start = len(lines)
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped.startswith("//"):
            body_start = number - 1
            break
        content = stripped[2:].strip()
        if content.startswith("@"):
            tag, _, rest = content[1:].partition(" ")
            tags.append((tag, rest.strip(), number))
        elif content and tags:
            tag, rest, line_number = tags[-1]
            tags[-1] = (tag, f"{rest} {content}".strip(), line_number)
    cypher = "\n".join(lines[body_start:]).strip()
    if not cypher:
        raise QueryFileError(f"{source}: no Cypher after the header")

    name = title = description = ""
    params: list[ParamSpec] = []
    constants: list[str] = []
    one_of: list[tuple[str, ...]] = []
    columns: list[ColumnSpec] = []
    for tag, rest, number in tags:
        where = f"{source}:{number}"
        if tag == "query":
            name = rest
        elif tag == "title":
            title = rest
        elif tag == "description":
            description = rest
        elif tag == "param":
            params.append(_parse_param(rest, where))
        elif tag == "const":
            constants.append(rest)
        elif tag == "oneOf":
            one_of.append(tuple(rest.split()))
        elif tag == "column":
            columns.append(_parse_column(rest, where))
        else:
            raise QueryFileError(f"{where}: unknown header tag @{tag}")
    if not (name and title and description and columns):
        raise QueryFileError(f"{source}: the header needs @query, @title, @description and @column lines")
    declared = {p.name for p in params}
    for group in one_of:
        if not set(group) <= declared:
            raise QueryFileError(f"{source}: @oneOf names undeclared parameters {sorted(set(group) - declared)}")
    return QuerySpec(name, title, description, tuple(params), tuple(constants), tuple(one_of), tuple(columns),
                     cypher, source)


def _parse_param(rest: str, where: str) -> ParamSpec:
    match = _PARAM.match(rest)
    if match is None:
        raise QueryFileError(f"{where}: expected `@param NAME TYPE [= DEFAULT] [e.g. EXAMPLE] — DESCRIPTION`")
    kind = match["type"]
    if kind not in CASTS:
        raise QueryFileError(f"{where}: unknown type {kind!r}; use one of {', '.join(CASTS)}")
    spec = ParamSpec(match["name"], kind, required=match["default"] is None,
                     example=match["example"], description=match["description"])
    if match["default"] is not None:
        spec = ParamSpec(spec.name, kind, False, spec.cast(_json(match["default"], where)), spec.example,
                         spec.description)
    if spec.example is not None:
        spec.cast(_json(spec.example, where))  # an example that does not cast is a documentation bug
    return spec


def _parse_column(rest: str, where: str) -> ColumnSpec:
    match = _COLUMN.match(rest)
    if match is None:
        raise QueryFileError(f"{where}: expected `@column NAME 中文标签 [Label] [sensitive] — DESCRIPTION`")
    flags = match["flags"].split()
    entity = next((f for f in flags if f != "sensitive"), None)
    return ColumnSpec(match["name"], match["label"], entity, "sensitive" in flags, match["description"])
