"""Compile a GraphQL selection into Cypher expressions: one query per root field, whatever the depth.

Each object becomes a map projection of its variable; each relationship a ``COLLECT { MATCH … }`` subquery
(``head(…)`` for a single object), each connection a ``COUNT { … }`` for ``totalCount`` and a paged
``COLLECT { … ORDER BY … SKIP … LIMIT … }`` for its rows. The caller's grid scope is part of every
subquery's ``WHERE``. A question that the library of named queries answers runs that query's file as a
``CALL () { … }`` subquery (:meth:`Compiler.named`) and projects the nodes whose keys it returns. All values —
codes, page sizes, filter values, the scope — go in as parameters; the text is assembled only from the
fragments in :mod:`api.compile.catalog`, the ``.cypher`` files of :mod:`queries` and the compiler's own
variable names.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from api.auth import Caller
from api.compile.catalog import REFERENCE_SCOPE
from api.compile.cost import COUNTED_ROWS, LIST_ITEMS, Cost
from api.compile.selection import Selection
from api.compile.shape import (
    ConnectionShape,
    ListShape,
    ObjectShape,
    PageInfoShape,
    Shape,
    decode_cursor,
)
from api.compile.specs import Embed, Prop, Rel, Spec
from api.errors import BadInput, Forbidden
from queries.errors import ParameterError
from queries.identity import id_hash, phone_hash
from queries.library import EVERY_ROW, library, scope_prefix
from schema.sensitive import SensitiveData

DEFAULT_PAGE = 20


def plain(value: Any) -> Any:
    """A request value as the driver should see it (enum members become their stored string)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


class Compiler:
    """Builds the Cypher text and parameters of one query. Not reusable across queries."""

    def __init__(self, caller: Caller, specs: Mapping[str, Spec], max_page: int,
                 sensitive: SensitiveData | None = None) -> None:
        self.caller = caller
        self.specs = specs
        self.max_page = max_page
        self.sensitive = sensitive
        self.params: dict[str, Any] = {}
        self.lookups: list[str] = []  # identifiers looked up by their hash ('idNumber', 'phone'): audited
        self.sources: dict[str, str] = {}  # a connection's variable → the MATCH … WHERE that binds its nodes
        self._counter = 0
        self.cost = Cost()
        if caller.scope_path is not None:
            self.params["scopePath"] = scope_prefix(caller.scope_path)

    # -- names and values -------------------------------------------------------------------------------
    def param(self, value: Any) -> str:
        """Register ``value`` as a parameter and return its ``$name``."""
        name = f"p{len(self.params)}"
        self.params[name] = plain(value)
        return "$" + name

    def named(self, name: str, values: Mapping[str, Any] | None = None, limit: int | None = None) -> str:
        """``CALL () { … }`` around the text of the named query ``name`` (its file, unchanged), its parameters
        registered as the CLI binds them: ``values`` (typed and checked), defaults, vocabulary constants, and
        ``scopePath`` the caller's scope (``/`` when they see everything). ``limit`` caps its rows; without it
        the query returns every row (the enclosing query pages and counts them).

        The subquery's columns come into the enclosing query under their documented names (``householdCode``,
        ``memberKey`` …), which never clash with the compiler's variables (a prefix and a number).
        """
        text, used = library().subquery(name)
        self.cost.named()
        given = {key: plain(value) for key, value in (values or {}).items()}
        try:
            bound = library().bind(name, {**given, "scopePath": self.caller.scope_path or "/"})
        except ParameterError as error:
            raise BadInput(str(error)) from None
        if "limit" in bound:
            bound["limit"] = EVERY_ROW if limit is None else limit
        for key in used:
            if key in self.params and self.params[key] != bound[key]:
                raise ValueError(f"${key} of {name} is bound to another value in the same query")
            self.params[key] = bound[key]
        return text + " "

    def identify(self, kind: str, value: Any, field: str) -> str:
        """The keyed hash of an ID (``kind`` 'id') or phone number a user holds, normalised as the loaders do;
        a malformed number is a :class:`BadInput` naming ``field`` and what is wrong, never the number."""
        if self.sensitive is None:
            raise ValueError("looking up ID or phone numbers needs the deployment's PII key")
        try:
            hashed = (id_hash if kind == "id" else phone_hash)(value, self.sensitive, field)
        except ParameterError as error:
            raise BadInput(str(error), field=field) from None
        self.lookups.append("idNumber" if kind == "id" else "phone")
        return hashed

    def var(self, prefix: str = "n") -> str:
        self._counter += 1
        return f"{prefix}{self._counter}"

    def reference(self, label: str, var: str) -> str | None:
        """The caller's scope predicate for a node a mutation names (None: sees all). Persons are referred to by
        where they belong (home, grid and unit roles), never by links someone made to them (see
        :data:`api.compile.catalog.REFERENCE_SCOPE`)."""
        if not self.caller.scoped:
            return None
        return REFERENCE_SCOPE[label].replace("{v}", var)

    def scope(self, spec_name: str, var: str) -> str | None:
        """The caller's scope predicate for a node of ``spec_name`` bound to ``var`` (None: sees all)."""
        spec = self.specs[spec_name]
        if not self.caller.scoped or spec.scope is None:
            return None
        return spec.scope.replace("{v}", var)

    # -- objects ------------------------------------------------------------------------------------------
    def project(self, spec_name: str, var: str, selections: list[Selection]) -> tuple[str, ObjectShape]:
        """``var {f0: …, f1: …}`` for the selected fields, and the shape that reads it back."""
        spec = self.specs[spec_name]
        entries: list[str] = []
        shape = ObjectShape()
        for selection in selections:
            definition = spec.fields.get(selection.name)
            if definition is None:
                raise LookupError(f"{spec_name}.{selection.name} has no Cypher fragment")
            name = f"f{len(entries)}"
            expr, child = self.field(definition, var, selection)
            entries.append(f"{name}: {expr}")
            shape.entries.append((selection.key, name, child))
        if not entries:
            entries.append("f_: true")  # an object with only __typename selected still exists
        return f"{var} {{{', '.join(entries)}}}", shape

    def field(self, definition: Prop | Rel | Embed, var: str, selection: Selection) -> tuple[str, Shape | None]:
        if isinstance(definition, Prop):
            if definition.roles is not None and self.caller.role not in definition.roles:
                return "null", None
            expr = definition.scoped if definition.scoped is not None and self.caller.scoped else definition.expr
            return expr.replace("{v}", var), None
        if isinstance(definition, Embed):
            item = self.var("x")
            with self.cost.per(LIST_ITEMS if definition.many else 1):
                proj, shape = self.project(definition.target, item, selection.children)
            source = definition.expr.replace("{v}", var)
            if definition.many:
                return f"[{item} IN coalesce({source}, []) | {proj}]", ListShape(shape)
            return f"head([{item} IN [{source}] WHERE {item} IS NOT NULL | {proj}])", shape
        if definition.connection:
            # {r} and {s}: nodes on the way to the targets, named afresh so nested subqueries never share them.
            names = {"{v}": var, "{t}": self.var("t"), "{r}": self.var("r"), "{s}": self.var("s")}
            target = names["{t}"]
            pattern, where_text = definition.pattern, definition.where
            for placeholder, name in names.items():
                pattern, where_text = pattern.replace(placeholder, name), where_text.replace(placeholder, name)
            where = [where_text] if where_text else []
            return self.connection(definition.target, target, f"MATCH {pattern}", where, selection)
        return self.related(definition, var, selection)

    def related(self, rel: Rel, var: str, selection: Selection) -> tuple[str, Shape]:
        target, edge = self.var("t"), self.var("r")
        pattern = rel.pattern.replace("{v}", var).replace("{t}", target).replace("{r}", edge)
        predicates = [rel.where.replace("{t}", target).replace("{v}", var).replace("{r}", edge)] if rel.where else []
        scoped_as = rel.target if rel.row is None else rel.scope_as
        if scoped_as is not None:
            scope = self.scope(scoped_as, target)
            if scope:
                predicates.append(scope)
        where = f" WHERE {' AND '.join(predicates)}" if predicates else ""
        order = rel.order.replace("{t}", target).replace("{r}", edge) if rel.order else ""
        ordered = f" WITH * ORDER BY {order}" if order else ""
        self.cost.subquery()
        with self.cost.per(LIST_ITEMS if rel.many else 1):
            if rel.row is not None:
                item = self.var("x")
                row = rel.row.replace("{t}", target).replace("{r}", edge).replace("{v}", var)
                proj, shape = self.project(rel.target, item, selection.children)
                body = f"MATCH {pattern}{where}{ordered} WITH {row} AS {item} RETURN {proj}"
            else:
                proj, shape = self.project(rel.target, target, selection.children)
                body = f"MATCH {pattern}{where}{ordered} RETURN {proj}"
        if rel.many:
            return f"COLLECT {{ {body} }}", ListShape(shape)
        return f"head(COLLECT {{ {body} LIMIT 1 }})", shape

    # -- connections --------------------------------------------------------------------------------------
    def page(self, args: Mapping[str, Any]) -> tuple[int, int]:
        """(first, offset) from ``first``/``after``; ``first`` is capped at GRIDGRAPH_MAX_PAGE_SIZE."""
        first = args.get("first")
        if first is None:
            first = min(DEFAULT_PAGE, self.max_page)
        if first < 0:
            raise BadInput("first must not be negative")
        after = args.get("after")
        offset = decode_cursor(after) + 1 if after else 0
        return min(int(first), self.max_page), offset

    def filters(self, spec_name: str, var: str, filter_input: Mapping[str, Any] | None) -> list[str]:
        """Predicates for the fields set in a filter input (keyed by GraphQL field name), from the allowlist."""
        if not filter_input:
            return []
        spec = self.specs[spec_name]
        predicates: list[str] = []
        for name, value in filter_input.items():
            if value is None:
                continue
            rule = spec.filters[name]
            if rule.roles is not None and self.caller.role not in rule.roles:
                raise Forbidden(f"role {self.caller.role.value} may not filter {spec_name} by {name}: "
                                "it cannot read that field")
            if isinstance(value, bool) and rule.when_false is not None:
                predicates.append((rule.template if value else rule.when_false).replace("{v}", var))
                continue
            if rule.identifier is not None:
                converted: Any = self.identify(rule.identifier, value, name)
            else:
                converted = rule.convert(value) if rule.convert else value
            predicates.append(rule.template.replace("{v}", var).replace("{p}", self.param(converted)))
        return predicates

    def order(self, spec_name: str, var: str, order_by: list[Mapping[str, Any]] | None) -> str:
        """ORDER BY terms from allowlisted sort keys, always ending with the key so paging is stable."""
        spec = self.specs[spec_name]
        terms: list[str] = []
        for item in order_by or []:
            key = plain(item["field"])
            prop = spec.sort.get(key)
            if prop is None:
                raise BadInput(f"cannot sort {spec_name} by {key}")
            roles = spec.sort_roles.get(key)
            if roles is not None and self.caller.role not in roles:
                raise Forbidden(f"role {self.caller.role.value} may not sort {spec_name} by {key}: "
                                "it cannot read that field")
            terms.append(f"{var}.{prop} {'DESC' if plain(item.get('direction')) == 'desc' else 'ASC'}")
        terms.append(f"{var}.{spec.key}")
        return ", ".join(terms)

    def connection(self, spec_name: str, var: str, match: str, predicates: list[str],
                   selection: Selection, order: str | None = None, one_pass: bool = False
                   ) -> tuple[str, ConnectionShape]:
        """A paged connection over the nodes ``match`` binds to ``var``. With ``one_pass`` (and both the total and
        rows asked for), the matching nodes are collected once and counted and paged from that list, rather than
        matched once to count and once to page: cheaper when testing each candidate (a scope) costs more than
        keeping the matches."""
        first, offset = self.page(selection.args)
        predicates = [*predicates, *self.filters(spec_name, var, selection.args.get("filter"))]
        scope = self.scope(spec_name, var)
        if scope:
            predicates.append(scope)
        source = match + (f" WHERE {' AND '.join(predicates)}" if predicates else "")
        self.sources[var] = source
        ordering = order or self.order(spec_name, var, selection.args.get("orderBy"))

        node_selections: list[Selection] = []
        for part in selection.children:
            if part.name == "nodes":
                node_selections += part.children
            for edge_part in part.child("node") if part.name == "edges" else []:
                node_selections += edge_part.children
        wants_total = any(p.name == "totalCount" for p in selection.children)
        wants_rows = any(p.name in {"nodes", "edges", "pageInfo"} for p in selection.children)
        if wants_total:
            self.cost.subquery(COUNTED_ROWS)
        if wants_rows:
            self.cost.subquery()
        with self.cost.per(first + 1):
            proj, combined = self.project(spec_name, var, node_selections)
        shape = ConnectionShape(offset=offset, first=first)
        taken = 0

        def take(children: list[Selection]) -> ObjectShape:
            nonlocal taken
            sub = ObjectShape(combined.entries[taken:taken + len(children)])
            taken += len(children)
            return sub

        for part in selection.children:
            if part.name == "nodes":
                shape.parts.append((part.key, "nodes", take(part.children)))
            elif part.name == "edges":
                edge_parts: list[tuple[str, str, Shape | None]] = []
                for edge_part in part.children:
                    node_shape = take(edge_part.children) if edge_part.name == "node" else None
                    edge_parts.append((edge_part.key, edge_part.name, node_shape))
                shape.parts.append((part.key, "edges", edge_parts))
            elif part.name == "pageInfo":
                shape.parts.append((part.key, "pageInfo", PageInfoShape([(c.key, c.name) for c in part.children])))
            elif part.name == "totalCount":
                shape.parts.append((part.key, "totalCount", None))

        if one_pass and wants_total and wants_rows:
            matched = self.var("m")
            start, end = self.param(offset), self.param(offset + first + 1)
            return (f"head([{matched} IN [COLLECT {{ {source} WITH {var} ORDER BY {ordering} RETURN {var} }}] | "
                    f"{{total: size({matched}), rows: [{var} IN {matched}[{start}..{end}] | {proj}]}}])"), shape
        total = f"COUNT {{ {source} }}" if wants_total else "0"
        rows = (f"COLLECT {{ {source} WITH {var} ORDER BY {ordering} SKIP {self.param(offset)} "
                f"LIMIT {self.param(first + 1)} RETURN {proj} }}") if wants_rows else "[]"
        return f"{{total: {total}, rows: {rows}}}", shape
