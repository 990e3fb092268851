"""Helpers every root field shares: the request context, compiling a selection and running its one query."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, cast

from strawberry.types import Info

from api.compile.catalog import SPECS, household_numbers
from api.compile.compiler import Compiler
from api.compile.cost import ANSWER_ROWS
from api.compile.selection import Selection, current_field
from api.compile.shape import ListShape, Shape
from api.context import ApiContext
from api.errors import BadInput
from graph.audit import AuditEntry, record
from schema.model import NODE_TYPES

Build = Callable[[Compiler, Selection], tuple[str, Shape]]


def context(info: Info) -> ApiContext:
    return cast(ApiContext, info.context)


def new_compiler(ctx: ApiContext) -> Compiler:
    return Compiler(ctx.caller, SPECS, ctx.settings.max_page_size, ctx.sensitive)


def answer(info: Info, build: Build) -> Any:
    """Compile the field's selection with ``build``, run the ONE resulting query and shape its answer.

    A query that looked a person up by an ID or phone number (``compiler.lookups``) is a use of sensitive data:
    it is recorded in the audit trail — who asked, and the keys of the persons found (a ``found`` column of the
    query, when the build returns one), never the number — before the answer is handed out.
    """
    ctx = context(info)
    selection = current_field(info._raw_info)
    compiler = new_compiler(ctx)
    query, shape = build(compiler, selection)
    ctx.charge(compiler.cost, query)
    rows = ctx.read(query, compiler.params)
    if isinstance(shape, AmbiguousVillage):
        shape.check(rows[0] if rows else None)
    if compiler.lookups:
        found = [str(key) for key in (rows[0].get("found") or [])] if rows else []
        audit_lookup(ctx, sorted(set(compiler.lookups)), selection.name, found)
    return shape.build(rows[0]["result"] if rows else None)


def audit_lookup(ctx: ApiContext, identifiers: list[str], field: str, found: list[str]) -> None:
    """One audit entry per kind of number looked up: ``lookup.idNumber`` or ``lookup.phone``."""
    for identifier in identifiers:
        entry = AuditEntry(actor=ctx.caller.name, role=ctx.caller.role.value, action=f"lookup.{identifier}",
                           target=", ".join(found),
                           detail=f"field={field}; found={len(found)}; scope={ctx.caller.scope or '*'}")
        ctx.run(partial(record, ctx.db, entry))


def found_keys(compiler: Compiler, var: str) -> str:
    """``, <keys> AS found`` for a root field that looked persons up: the keys of the persons its connection over
    ``var`` matched (at most a page's worth), for the audit trail; nothing when it looked nobody up."""
    source = compiler.sources.get(var)
    if not compiler.lookups or source is None:
        return ""
    return f", COLLECT {{ {source} RETURN DISTINCT {var}.key AS key ORDER BY key LIMIT 100 }} AS found"


def where(predicates: list[str | None]) -> str:
    kept = [p for p in predicates if p]
    return f" WHERE {' AND '.join(kept)}" if kept else ""


def also(predicate: str | None) -> str:
    """`` AND predicate`` to extend a WHERE, or nothing."""
    return f" AND {predicate}" if predicate else ""


def anchor(compiler: Compiler, grid_code: str | None) -> tuple[str, str | None]:
    """``MATCH (a:Grid {code: $p})`` for a question asked of a grid's subtree (none: the caller's whole scope)."""
    if grid_code is None:
        return "", None
    var = compiler.var("a")
    return f"MATCH ({var}:Grid {{code: {compiler.param(grid_code)}}}) ", var


def under(var: str, grid_var: str | None, prop: str = "gridPath") -> str | None:
    """``var`` lies in the anchor grid's subtree (an indexed STARTS WITH on the path)."""
    return f"{var}.{prop} STARTS WITH {grid_var}.path" if grid_var else None


def by_key(spec_name: str, label: str, value: str, key_label: str | None = None) -> Build:
    """One node by its key (null when absent or outside the caller's scope)."""
    key = NODE_TYPES[key_label or label].key

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        var = compiler.var()
        proj, shape = compiler.project(spec_name, var, selection.children)
        query = (f"MATCH ({var}:{label} {{{key}: {compiler.param(value)}}})"
                 f"{where([compiler.scope(spec_name, var)])} RETURN {proj} AS result LIMIT 1")
        return query, shape

    return build


def by_identifier(spec_name: str, label: str, kind: str, value: Any, field: str) -> Build:
    """One person by the hash of a number they hold (``kind`` 'id' or 'phone', see :meth:`Compiler.identify`);
    null when nobody in the caller's scope has it. The query returns the person's key as ``found`` (audited)."""
    prop = "idHash" if kind == "id" else "phoneHash"

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        var = compiler.var()
        hashed = compiler.param(compiler.identify(kind, value, field))
        proj, shape = compiler.project(spec_name, var, selection.children)
        query = (f"MATCH ({var}:{label} {{{prop}: {hashed}}}){where([compiler.scope(spec_name, var)])} "
                 f"WITH {var} ORDER BY {var}.key LIMIT 1 RETURN {proj} AS result, [{var}.key] AS found")
        return query, shape

    return build


VILLAGE_VAR = "village"  # bound by village_grids() at the start of a root query (no compiler variable is a word)


def village_grids(compiler: Compiler, village: str) -> str:
    """``CALL () { … }`` binding ``village`` to each village grid a word for a village stands for (by the code or name
    of the grid or of its village Region, each branch an index seek), to start a root query from, so that their
    households are found by the indexed ``villageCode``. Same test as ``VILLAGE_GRID``, split for the indexes."""
    word = compiler.param(village.strip())
    return (f"CALL () {{ MATCH (vg:Grid) WHERE vg.code = {word} RETURN vg AS {VILLAGE_VAR} "
            f"UNION MATCH (vg:Grid) WHERE vg.name = {word} RETURN vg AS {VILLAGE_VAR} "
            f"UNION MATCH (vg:Grid)-[:IN_REGION]->(vr:Region) WHERE vr.code = {word} RETURN vg AS {VILLAGE_VAR} "
            f"UNION MATCH (vg:Grid)-[:IN_REGION]->(vr:Region) WHERE vr.name = {word} RETURN vg AS {VILLAGE_VAR} }} "
            f"WITH {VILLAGE_VAR} WHERE {VILLAGE_VAR}.level = 2 ")


def by_village_number(village: str, number: str) -> Build:
    """One household by its village (code or name, see ``VILLAGE_GRID_CODES``) and 户号 (as written, zero padding
    or not). Two villages of the same name with the same 户号 in the caller's scope: an input error naming them."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        var, found = compiler.var("h"), compiler.var("k")
        written = household_numbers(number)
        proj, shape = compiler.project("Household", var, selection.children)
        query = (f"{village_grids(compiler, village)}"
                 f"MATCH ({var}:Household) WHERE {var}.villageCode = {VILLAGE_VAR}.code AND {var}.number IN "
                 f"{compiler.param(written)}{also(compiler.scope('Household', var))} "
                 f"WITH {var} ORDER BY {var}.number = {compiler.param(written[0])} DESC, {var}.code "
                 f"WITH collect({var}) AS {found} WITH {found}, {found}[0] AS {var} WHERE {var} IS NOT NULL "
                 f"RETURN {proj} AS result, [x IN {found} | x.villageCode] AS villages")
        return query, AmbiguousVillage(shape, village, number)

    return build


def by_name(name: str) -> Build:
    """One region by its name, or by the name of a grid in it (a village grid's name is often what people say).
    Several regions of that name in the caller's scope: an input error naming their codes."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        var, found, grid = compiler.var("g"), compiler.var("k"), compiler.var("n")
        named = compiler.param(name.strip())
        proj, shape = compiler.project("Region", var, selection.children)
        query = (f"MATCH ({var}:Region) WHERE ({var}.name = {named} OR EXISTS {{ MATCH ({grid}:Grid)-[:IN_REGION]->"
                 f"({var}) WHERE {grid}.name = {named} }}){also(compiler.scope('Region', var))} "
                 f"WITH {var} ORDER BY {var}.code WITH collect({var}) AS {found} "
                 f"WITH {found}, {found}[0] AS {var} WHERE {var} IS NOT NULL "
                 f"RETURN {proj} AS result, [x IN {found} | x.code] AS villages")
        return query, AmbiguousVillage(shape, name, None)

    return build


class AmbiguousVillage(Shape):
    """Reads a household found by village and number; refuses when the word stands for several villages that all
    have a household of that number (all of them in the caller's scope: naming them tells nothing new)."""

    def __init__(self, shape: Shape, village: str, number: str | None) -> None:
        self.shape, self.village, self.number = shape, village, number

    def check(self, row: Mapping[str, Any] | None) -> None:
        villages = sorted(set(row["villages"])) if row else []
        if len(villages) > 1 and self.number is not None:
            raise BadInput(f"{len(villages)} villages called {self.village!r} have a household {self.number!r}: "
                           f"give villageCode, one of {', '.join(villages)}", field="villageName")
        if len(villages) > 1:
            raise BadInput(f"{len(villages)} regions are called {self.village!r}: give the code, one of "
                           f"{', '.join(villages)}", field="name")

    def build(self, value: Any) -> Any:
        return self.shape.build(value)


def listing(spec_name: str, label: str, grid_code: str | None = None, prop: str | None = "gridPath",
            extra: Callable[[Compiler, str], list[str]] | None = None, order: Callable[[str], str] | None = None
            ) -> Build:
    """A connection over every ``label`` node in scope, optionally in a grid's subtree."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        prelude, grid_var = anchor(compiler, grid_code)
        var = compiler.var("t")
        predicates = [p for p in [under(var, grid_var, prop) if prop else None] if p]
        if extra is not None:
            predicates += extra(compiler, var)
        expr, shape = compiler.connection(spec_name, var, f"MATCH ({var}:{label})", predicates, selection,
                                          order(var) if order else None)
        return f"{prelude}RETURN {expr} AS result{found_keys(compiler, var)}", shape

    return build


def named_rows(compiler: Compiler, query: str, returned: str, values: Mapping[str, Any] | None = None,
               where: str | None = None, limit: int | None = None) -> str:
    """``COLLECT { CALL () { <named query> } … RETURN returned }``: a list of what the named query ``query``
    returns (``returned``, over its columns), in its order, of the rows where ``where`` holds (see
    :meth:`Compiler.named` for ``values`` and ``limit``). Bind it in a ``WITH`` before using it in a MATCH."""
    kept = f"WITH * WHERE {where} " if where else ""
    return f"COLLECT {{ {compiler.named(query, values, limit)}{kept}RETURN {returned} }}"


def named_listing(spec_name: str, query: str, column: str, values: Mapping[str, Any] | None = None,
                  label: str | None = None, where: Callable[[Compiler], str] | None = None,
                  order: Callable[[str], str] | None = None) -> Build:
    """A connection over the nodes whose keys the named query ``query`` returns in ``column`` (of its rows where
    ``where`` holds); ``values`` are its parameters (a ``gridCode`` among them narrows inside the query)."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        spec = compiler.specs[spec_name]
        keys = compiler.var("k")
        found = named_rows(compiler, query, f"DISTINCT {column}", values, where(compiler) if where else None)
        var = compiler.var("t")
        expr, shape = compiler.connection(spec_name, var, f"MATCH ({var}:{label or spec.label})",
                                          [f"{var}.{spec.key} IN {keys}"], selection, order(var) if order else None)
        return f"WITH {found} AS {keys} RETURN {expr} AS result", shape

    return build


def rows_of(spec_name: str, body: Callable[[Compiler], tuple[str, str]]) -> Build:
    """A list of composite rows: ``body`` returns the clauses binding a row variable, and that variable."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        clauses, row = body(compiler)
        with compiler.cost.per(ANSWER_ROWS):
            proj, shape = compiler.project(spec_name, row, selection.children)
        return f"{clauses} RETURN collect({proj}) AS result", ListShape(shape)

    return build
