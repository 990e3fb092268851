"""Helpers every root field shares: the request context, compiling a selection and running its one query."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from strawberry.types import Info

from api.compile.catalog import SPECS
from api.compile.compiler import Compiler
from api.compile.cost import ANSWER_ROWS
from api.compile.selection import Selection, current_field
from api.compile.shape import ListShape, Shape
from api.context import ApiContext
from schema.model import NODE_TYPES

Build = Callable[[Compiler, Selection], tuple[str, Shape]]


def context(info: Info) -> ApiContext:
    return cast(ApiContext, info.context)


def new_compiler(ctx: ApiContext) -> Compiler:
    return Compiler(ctx.caller, SPECS, ctx.settings.max_page_size)


def answer(info: Info, build: Build) -> Any:
    """Compile the field's selection with ``build``, run the ONE resulting query and shape its answer."""
    ctx = context(info)
    selection = current_field(info._raw_info)
    compiler = new_compiler(ctx)
    query, shape = build(compiler, selection)
    ctx.charge(compiler.cost, query)
    rows = ctx.read(query, compiler.params)
    return shape.build(rows[0]["result"] if rows else None)


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
        return f"{prelude}RETURN {expr} AS result", shape

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
