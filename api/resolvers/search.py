"""Name search for search boxes: persons whose name begins with (or contains) what was typed, ranked, paged.

The name test is one indexed predicate: ``STARTS WITH`` seeks the ``person_name`` range index, ``CONTAINS`` the
``person_name_text`` text index (migration 5; see ``bench/queries_bench.py`` for the measurements behind the
choice). Ranking: the exact name first, then names beginning with the text, then names containing it; within a
rank by name, then key, so pages are stable. The caller's scope applies as to every person.
"""

from __future__ import annotations

from strawberry.types import Info

from api.compile.compiler import Compiler
from api.compile.selection import Selection
from api.compile.shape import Shape
from api.errors import BadInput
from api.resolvers.common import Build, answer
from schema.graphql.connection import Connection
from schema.graphql.enums import NameMatch
from schema.graphql.nodes import Person
from schema.text import clean_name

MAX_SEARCH_CHARACTERS = 50


def search_persons(info: Info, name: str, match: NameMatch = NameMatch.PREFIX, first: int | None = None,
                   after: str | None = None) -> Connection[Person]:
    """Persons in your scope whose name begins with ``name`` (``match: CONTAINS``: holds it anywhere), the exact
    name first, then by name."""
    return answer(info, name_search(search_text(name), match))


def search_text(name: str) -> str:
    """What was typed, as names are stored (spaces and full-width forms normalised, see schema.text)."""
    text = clean_name(name) or ""
    if not text:
        raise BadInput("name: type at least one character of the name", field="name")
    if len(text) > MAX_SEARCH_CHARACTERS:
        raise BadInput(f"name: at most {MAX_SEARCH_CHARACTERS} characters", field="name")
    return text


def name_search(text: str, match: NameMatch) -> Build:
    """The connection of persons matching ``text`` (see the module's docstring)."""

    def build(compiler: Compiler, selection: Selection) -> tuple[str, Shape]:
        var = compiler.var("t")
        typed = compiler.param(text)
        test = f"{var}.name STARTS WITH {typed}" if match == NameMatch.PREFIX else f"{var}.name CONTAINS {typed}"
        # Names beginning with the text sort after the text itself: for a prefix search the name order is the
        # ranking, and the range index gives it without sorting every match.
        rank = ("" if match == NameMatch.PREFIX else
                f"CASE WHEN {var}.name = {typed} THEN 0 WHEN {var}.name STARTS WITH {typed} THEN 1 ELSE 2 END, ")
        # A scoped caller's candidates are tested against the scope once, not once to count and once to page.
        expr, shape = compiler.connection("Person", var, f"MATCH ({var}:Person)", [test], selection,
                                          f"{rank}{var}.name, {var}.key", one_pass=compiler.caller.scoped)
        return f"RETURN {expr} AS result", shape

    return build
