"""The library of named queries: the ``.cypher`` files beside this module, parsed once.

``bind`` turns what a caller has (text from the CLI, JSON from the API) into the query's parameters: unknown,
missing and mistyped parameters are errors that name the parameter and its type, an ``idNumber`` becomes
``idHash``, defaults and vocabulary constants are filled in. ``run_named`` runs the query in a read
transaction. ``subquery`` gives the file's text wrapped as ``CALL () { ... }``: the GraphQL question fields run
it inside their one query, with the same ``bind``, so the API and the CLI answer a question from the same file.

Conventions every query follows (tests pin them): a ``scopePath`` parameter (default ``"/"``), the caller's
scope, that limits what it returns to a grid subtree with an indexed ``STARTS WITH`` on ``gridPath``/``path``;
key columns with stable names (``householdCode``, ``memberKey``/``personKey``, ``caseCode``, ``gridCode``,
``unitCode``); and a ``limit`` parameter where the list can be long. A query that answers for a grid subtree
also takes ``gridCode`` (default null): it begins with :data:`NARROWING`, which binds ``under`` to the subtree
where that grid's subtree and the scope meet, and filters with ``STARTS WITH under`` instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from graph.audit import AuditEntry, record
from graph.database import Database
from queries.errors import InvalidParameter, MissingParameter, QueryFileError, UnknownParameter, UnknownQuery
from queries.header import QuerySpec, parse
from queries.identity import ID_HASH_PARAM, ID_NUMBER_PARAM, id_hash, masked_id
from queries.neo4j_values import to_native
from schema.sensitive import SensitiveData
from schema.vocabulary import CONTACT_EXEMPT_AGE, CONTACT_LIMIT, OPEN_STATUSES, SATISFIED, VULNERABLE_TAGS

QUERY_DIR = Path(__file__).resolve().parent
MAX_LIMIT = 10_000
# ``limit`` of a query run as a subquery whose caller pages or counts the rows itself (Cypher's largest integer).
EVERY_ROW = 2**63 - 1

# Characters with a meaning in Lucene's query syntax; the backslash first, so escaping does not escape
# the escapes. The queries escape the text they hand to the full-text index with these.
LUCENE_SPECIALS = ["\\", "+", "-", "!", "(", ")", ":", "^", "[", "]", '"', "{", "}", "~", "*", "?", "|", "&",
                   "/"]

CONSTANTS: dict[str, Any] = {
    "contactLimit": CONTACT_LIMIT,
    "exemptAge": CONTACT_EXEMPT_AGE,
    "vulnerableTags": sorted(VULNERABLE_TAGS),
    "openStatuses": sorted(OPEN_STATUSES),
    "satisfiedValues": sorted(SATISFIED),
    "luceneSpecials": LUCENE_SPECIALS,
    "textCandidates": 500,  # full-text hits considered before category and scope filter them
}

_PARAMETER_REFERENCE = re.compile(r"\$([A-Za-z_]\w*)")

# How a query taking ``gridCode`` begins: ``under`` is the path of that grid when it lies in the caller's scope
# (``$scopePath``), the scope when the grid lies above it (the scope is the part of its subtree the caller sees),
# and null when the grid is outside the scope or does not exist — ``STARTS WITH null`` holds for nothing, so the
# query answers with no rows. Every row the query returns must then lie under ``under``: the scope is still
# enforced inside the query, whatever gridCode a caller gives. Neo4j seeks the gridPath/path range index with
# the prefix ``under`` (a dependent seek, once per ``under``), as it does with a parameter.
NARROWING = """OPTIONAL MATCH (scopeGrid:Grid {code: $gridCode})
WITH CASE WHEN $gridCode IS NULL THEN $scopePath
          WHEN scopeGrid.path STARTS WITH $scopePath THEN scopeGrid.path
          WHEN $scopePath STARTS WITH scopeGrid.path THEN $scopePath
     END AS under"""


@dataclass(frozen=True)
class NamedResult:
    """Rows of a named query (Python values: ``date``, ``datetime``, lists), in its declared columns."""

    spec: QuerySpec
    rows: list[dict[str, Any]]

    @property
    def columns(self) -> list[str]:
        return self.spec.column_names


class Library:
    """The named queries by name."""

    def __init__(self, specs: Mapping[str, QuerySpec]) -> None:
        self._specs = dict(specs)

    @classmethod
    def load(cls, directory: Path = QUERY_DIR) -> Library:
        """Parse every ``*.cypher`` file of ``directory`` and check it against the conventions."""
        specs: dict[str, QuerySpec] = {}
        for path in sorted(directory.glob("*.cypher")):
            spec = parse(path.read_text(encoding="utf-8"), path.name)
            _check(spec, path.stem)
            specs[spec.name] = spec
        return cls(specs)

    def names(self) -> list[str]:
        return sorted(self._specs)

    def __iter__(self) -> Iterator[QuerySpec]:
        return iter(self._specs[name] for name in self.names())

    def get(self, name: str) -> QuerySpec:
        """The query called ``name``; :class:`UnknownQuery` lists the names there are."""
        try:
            return self._specs[name]
        except KeyError:
            raise UnknownQuery(
                f"there is no named query {name!r}; the queries are: {', '.join(self.names())} "
                "(`gridgraph query --list` describes them)"
            ) from None

    def subquery(self, name: str) -> tuple[str, tuple[str, ...]]:
        """Query ``name`` as a ``CALL () { ... }`` subquery, and the parameters its text uses (sorted).

        The text inside is the file's, unchanged (its ``//`` comments end at the line breaks kept around it); the
        enclosing query binds the parameters (see :meth:`bind`) and reads the returned columns by their names.
        """
        spec = self.get(name)
        return f"CALL () {{\n{spec.cypher}\n}}", tuple(sorted(set(_PARAMETER_REFERENCE.findall(spec.cypher))))

    def bind(self, name: str, raw: Mapping[str, Any], sensitive: SensitiveData | None = None) -> dict[str, Any]:
        """The complete, typed parameters of query ``name`` from what the caller gave.

        ``idNumber`` is accepted wherever the query takes ``idHash``: it is normalised and hashed with
        ``sensitive`` (required then) and never reaches the database in plain text.
        """
        spec = self.get(name)
        given = dict(raw)
        if ID_NUMBER_PARAM in given:
            given[ID_HASH_PARAM] = _hash_id_number(spec, given, sensitive)
        accepted = [p.name for p in spec.params]
        for key in given:
            if spec.param(key) is None:
                fixed = " (it is fixed by the vocabulary)" if key in spec.constants else ""
                raise UnknownParameter(
                    f"query {name!r} has no parameter {key!r}{fixed}; it takes: {', '.join(accepted)}",
                    parameter=key,
                )
        bound: dict[str, Any] = {}
        for param in spec.params:
            value = given.get(param.name)
            if value is None or (value == "" and param.type != "string"):
                if param.required:
                    raise MissingParameter(
                        f"query {name!r} needs parameter {param.name!r} ({param.type})"
                        + (f", e.g. {param.example}" if param.example else ""),
                        parameter=param.name,
                    )
                bound[param.name] = param.default
            else:
                bound[param.name] = param.cast(value)
        _check_ranges(bound)
        for group in spec.one_of:
            if all(bound.get(key) in (None, []) for key in group):
                shown = [ID_NUMBER_PARAM if key == ID_HASH_PARAM else key for key in group]
                raise MissingParameter(f"query {name!r} needs one of the parameters {', '.join(shown)}",
                                       parameter=shown[0])
        for constant in spec.constants:
            bound[constant] = CONSTANTS[constant]
        return bound

    def run(self, db: Database, name: str, raw: Mapping[str, Any], *, sensitive: SensitiveData | None = None,
            timeout: float | None = None, actor: str | None = None, role: str = "",
            reason: str = "") -> NamedResult:
        """Bind and run query ``name`` in a read transaction; with ``actor``, record it in the audit trail first."""
        spec = self.get(name)
        parameters = self.bind(name, raw, sensitive)
        if actor is not None:
            record(db, AuditEntry(actor, role, "query.named", name, reason, json.dumps(
                shown_parameters(raw), ensure_ascii=False, default=str)))
        # The text comes from the package's own files, never from a request.
        rows = db.read(spec.cypher, parameters, timeout)
        if rows and set(rows[0]) != set(spec.column_names):
            raise QueryFileError(f"{spec.source}: the query returns {sorted(rows[0])}, but its header declares "
                                 f"{sorted(spec.column_names)}")
        return NamedResult(spec, [{column: to_native(row.get(column)) for column in spec.column_names}
                                  for row in rows])


def shown_parameters(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as they may be recorded: an ID number masked, a hash left out."""
    shown: dict[str, Any] = {}
    for key, value in raw.items():
        if key == ID_NUMBER_PARAM:
            shown[key] = masked_id(value)
        elif key == ID_HASH_PARAM:
            shown[key] = "(hash)"
        else:
            shown[key] = value
    return shown


def _hash_id_number(spec: QuerySpec, given: dict[str, Any], sensitive: SensitiveData | None) -> str:
    number = given.pop(ID_NUMBER_PARAM)
    if spec.param(ID_HASH_PARAM) is None:
        raise UnknownParameter(f"query {spec.name!r} does not look people up by ID number; it takes: "
                               f"{', '.join(p.name for p in spec.params)}", parameter=ID_NUMBER_PARAM)
    if given.get(ID_HASH_PARAM) is not None:
        raise UnknownParameter("give idNumber or idHash, not both", parameter=ID_NUMBER_PARAM)
    if sensitive is None:
        raise MissingParameter("idNumber needs this deployment's PII key to be looked up (GRIDGRAPH_PII_KEY)",
                               parameter=ID_NUMBER_PARAM)
    return id_hash(number, sensitive)


def _check_ranges(bound: dict[str, Any]) -> None:
    limit = bound.get("limit")
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter(f"parameter 'limit' must be between 1 and {MAX_LIMIT}; got {limit}",
                               parameter="limit")
    scope = bound.get("scopePath")
    if scope is not None:
        bound["scopePath"] = scope_prefix(scope)
    grid = bound.get("gridCode")
    if grid is not None:
        bound["gridCode"] = grid.strip() or None  # an empty grid code asks for the whole scope


def scope_prefix(scope: str) -> str:
    """A grid path as the prefix ``STARTS WITH`` tests: "/A1" would also match "/A10/", so a scope is always a
    whole path, with both slashes ("/" for everything)."""
    return "/" + scope.strip().strip("/") + "/" if scope.strip("/ ") else "/"


def _check(spec: QuerySpec, stem: str) -> None:
    where = spec.source
    if spec.name != stem:
        raise QueryFileError(f"{where}: @query {spec.name!r} must equal the file name {stem!r}")
    declared = {p.name for p in spec.params} | set(spec.constants)
    unknown_constants = set(spec.constants) - set(CONSTANTS)
    if unknown_constants:
        raise QueryFileError(f"{where}: unknown @const {sorted(unknown_constants)}; known: {sorted(CONSTANTS)}")
    used = set(_PARAMETER_REFERENCE.findall(spec.cypher))
    if used - declared:
        raise QueryFileError(f"{where}: the Cypher uses undeclared parameters {sorted(used - declared)}")
    scope = spec.param("scopePath")
    if scope is None or scope.default != "/":
        raise QueryFileError(f"{where}: every query takes scopePath (default \"/\")")
    grid = spec.param("gridCode")
    if grid is None:
        if "STARTS WITH $scopePath" not in spec.cypher:
            raise QueryFileError(f"{where}: a query without gridCode filters with `STARTS WITH $scopePath`")
    elif grid.type != "string" or grid.default is not None:
        raise QueryFileError(f"{where}: gridCode is a string parameter with default null")
    elif not _words(spec.cypher).startswith(_words(NARROWING) + " ") or "STARTS WITH under" not in spec.cypher:
        raise QueryFileError(f"{where}: a query taking gridCode begins with the narrowing of "
                             "queries.library.NARROWING and filters with `STARTS WITH under`")


def _words(text: str) -> str:
    """``text`` with every run of white space a single space (the check ignores line breaks and indents)."""
    return " ".join(text.split())


@cache
def library() -> Library:
    """The package's named queries, loaded once per process."""
    return Library.load()


def subquery(name: str) -> tuple[str, tuple[str, ...]]:
    """The package's query ``name`` as a ``CALL () { ... }`` subquery (see :meth:`Library.subquery`)."""
    return library().subquery(name)


def run_named(db: Database, name: str, parameters: Mapping[str, Any], **options: Any) -> NamedResult:
    """Run the named query ``name`` of the package's library (see :meth:`Library.run` for the options)."""
    return library().run(db, name, parameters, **options)
