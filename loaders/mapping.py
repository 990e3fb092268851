"""A clerk's mapping file (``--mapping mapping.toml``): what the importer cannot recognise, said without code.

::

    [[sheets]]                 # sheets whose "file [sheet]" matches the pattern (glob) are of this kind
    pattern = "*结对帮扶*"
    kind = "contacts"          # census, grids, units, party_orgs, contacts, disputes, hotline, wishes

    [sheets.headers]           # header → field, for those sheets
    "帮扶户号" = "households"

    [headers.census]           # header → field, for every sheet of a kind
    "家庭编号" = "household"

    [values.status]            # a field's word → a vocabulary term (or a word the importer knows)
    "已流转" = "dispatched"
    [values.tags]
    "困难户" = "lowIncome"

Fields are the names the README's column tables give; value fields are ``status``, ``outcome``, ``tags``,
``political_status``, ``satisfaction``, ``kind`` (grid kind) and ``member_kinds``. The file is applied before
recognition, and every mistake in it is reported with its key before anything is read.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from loaders.headers import KINDS_BY_NAME, SheetKind, normalise_header
from loaders.values import split_list
from schema.vocabulary import (
    CASE_STATUS_ZH,
    GRID_KIND_ZH,
    GRID_MEMBER_KIND_ZH,
    MEDIATION_OUTCOME_ZH,
    PERSON_TAG_ZH,
    POLITICAL_STATUS_ZH,
    SATISFACTION_ZH,
)

# The vocabulary each value field is read with: {word: term}.
VOCABULARIES: dict[str, Mapping[str, str]] = {
    "status": CASE_STATUS_ZH, "outcome": MEDIATION_OUTCOME_ZH, "tags": PERSON_TAG_ZH,
    "political_status": POLITICAL_STATUS_ZH, "satisfaction": SATISFACTION_ZH, "kind": GRID_KIND_ZH,
    "member_kinds": GRID_MEMBER_KIND_ZH,
}
LIST_FIELDS = frozenset({"tags"})


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class SheetRule:
    pattern: str
    kind: SheetKind | None
    headers: dict[str, str]


@dataclass(frozen=True)
class ClerkMapping:
    """A parsed mapping file; see the module docstring."""

    sheets: tuple[SheetRule, ...] = ()
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # kind → header → field
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field → word → a word the importer knows

    def rule_for(self, file: Path, sheet: str | None) -> SheetRule | None:
        """The first rule whose pattern matches ``file [sheet]``, the file name or the sheet name."""
        names = [f"{file.name} [{sheet}]" if sheet else file.name, file.name, str(file), sheet or ""]
        return next((r for r in self.sheets if any(n and fnmatch(n, r.pattern) for n in names)), None)

    def overrides(self, rule: SheetRule | None) -> dict[str, str]:
        """Header → field for a sheet: every kind's table, then the sheet's rule (which wins)."""
        merged: dict[str, str] = {}
        for table in self.headers.values():
            merged.update(table)
        if rule is not None:
            merged.update(rule.headers)
        return merged

    def value(self, field_name: str, cell: object) -> object:
        """A cell with the mapped word replaced by a word the importer reads (lists item by item)."""
        table = self.values.get(field_name)
        if not table or not isinstance(cell, str):
            return cell
        text = cell.strip()
        if field_name in LIST_FIELDS:
            return "、".join(table.get(item, item) for item in split_list(text))
        return table.get(text, cell)


def load_mapping(path: Path) -> ClerkMapping:
    """Read and check a mapping file; :class:`MappingError` names what is wrong and where."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise MappingError(f"{path}: cannot be read as TOML ({error}).") from None
    kinds = ", ".join(KINDS_BY_NAME)
    rules: list[SheetRule] = []
    for index, item in enumerate(data.get("sheets", [])):
        where = f"{path}: sheets[{index}]"
        pattern = item.get("pattern")
        if not isinstance(pattern, str) or not pattern:
            raise MappingError(f"{where}: 'pattern' is missing (a glob such as \"*联系户*\").")
        kind = None
        if "kind" in item:
            kind = KINDS_BY_NAME.get(item["kind"])
            if kind is None:
                raise MappingError(f"{where}: kind {item['kind']!r} is not one of {kinds}.")
        rules.append(SheetRule(pattern, kind, _headers(item.get("headers", {}), kind, where)))
    headers: dict[str, dict[str, str]] = {}
    for kind_name, table in data.get("headers", {}).items():
        kind = KINDS_BY_NAME.get(kind_name)
        if kind is None:
            raise MappingError(f"{path}: [headers.{kind_name}]: {kind_name!r} is not one of {kinds}.")
        headers[kind_name] = _headers(table, kind, f"{path}: [headers.{kind_name}]")
    values: dict[str, dict[str, str]] = {}
    for field_name, table in data.get("values", {}).items():
        vocabulary = VOCABULARIES.get(field_name)
        if vocabulary is None:
            raise MappingError(f"{path}: [values.{field_name}]: values can be mapped for "
                               f"{', '.join(VOCABULARIES)}.")
        values[field_name] = {word: _known_word(vocabulary, term, f"{path}: [values.{field_name}] {word!r}")
                              for word, term in table.items()}
    return ClerkMapping(tuple(rules), headers, values)


def _headers(table: object, kind: SheetKind | None, where: str) -> dict[str, str]:
    if not isinstance(table, dict):
        raise MappingError(f"{where}: headers must be a table of \"header\" = \"field\".")
    fields = {c.field for c in kind.columns} if kind else {c.field for k in KINDS_BY_NAME.values() for c in k.columns}
    result: dict[str, str] = {}
    for header, field_name in table.items():
        if field_name not in fields:
            raise MappingError(f"{where}: {header!r} = {field_name!r}: not a field"
                               f"{' of ' + kind.name if kind else ''} (one of {', '.join(sorted(fields))}).")
        result[normalise_header(header)] = field_name
    return result


def _known_word(vocabulary: Mapping[str, str], term: object, where: str) -> str:
    """The first word the importer knows for ``term`` (a term such as 'dispatched', or a known word)."""
    if isinstance(term, str) and term in vocabulary:
        return term
    for word, value in vocabulary.items():
        if str(value) == term:
            return word
    terms = sorted({str(v) for v in vocabulary.values()})
    raise MappingError(f"{where}: {term!r} is not a term here (one of {', '.join(terms)}).")
