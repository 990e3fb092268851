"""Completing a root field's answer without resolving it field by field.

A compiled root field returns maps that its one Cypher query already shaped like the answer (keyed by response
key). graphql-core would still resolve every field below it on its own — resolve info, path, arguments,
``read_row`` — and complete each value; for a page of households with their members that is thousands of calls
per request. :class:`CompiledExecutor` completes such values in one walk instead, with graphql-core's own field
collection (fragments, ``@skip``/``@include``, aliases) and each leaf type's own output coercion, so the answer
is the same. Whatever the walk does not expect — a null where the type forbids it, a value that does not coerce,
an object type whose fields have resolvers of their own, an abstract type — sends that value back to
graphql-core's completion, which produces the answer and the errors it always does (the walk has no side
effects, so starting over is safe).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.graphql.rows import read_row

FieldDetailsList = list[FieldDetails]


class Unexpected(Exception):
    """The walk met something it leaves to graphql-core."""


Complete = Callable[[Any], Any]


class CompiledExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, completing the compiled maps of root fields in one walk.

    The walk is planned once per request and selection (a function per field, built from the collected
    sub-fields), then applied to every value: a page of 50 households plans ``members`` once, not 50 times.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Keyed like graphql-core's own memo of collected sub-fields: the field group's identity, which the
        # executor keeps alive for the request.
        self._plans: dict[tuple[GraphQLOutputType, int], Complete] = {}

    def complete_value(self, return_type: GraphQLOutputType, field_details_list: FieldDetailsList,
                       info: GraphQLResolveInfo[Any], path: Path, result: Any, position_context: Any) -> Any:
        if not isinstance(result, Exception) and not (self.middleware_manager and self.middleware_manager.middlewares):
            try:
                return self._plan(return_type, field_details_list)(result)
            except Unexpected:
                pass
        return super().complete_value(return_type, field_details_list, info, path, result, position_context)

    def _plan(self, return_type: GraphQLOutputType, details: FieldDetailsList) -> Complete:
        key = (return_type, id(details))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._build(return_type, details)
        return plan

    def _build(self, return_type: GraphQLOutputType, details: FieldDetailsList) -> Complete:
        if isinstance(return_type, GraphQLNonNull):
            return _required(self._plan(return_type.of_type, details))
        if isinstance(return_type, GraphQLList):
            return _listed(self._plan(return_type.of_type, details))
        if isinstance(return_type, GraphQLScalarType | GraphQLEnumType):
            return _leaf(return_type.coerce_output_value)
        if isinstance(return_type, GraphQLObjectType):
            return self._object(return_type, details)
        raise Unexpected  # interfaces and unions: graphql-core resolves the runtime type

    def _object(self, object_type: GraphQLObjectType, details: FieldDetailsList) -> Complete:
        """Completes a map of the compiled query: each selected field is the map's value under its response
        key (what ``read_row`` would return), completed by its own plan; ``__typename`` is the type's name."""
        if object_type.is_type_of is not None:
            raise Unexpected
        grouped, defer_usages, forbidden = self.collect_subfields(object_type, details)
        if defer_usages or forbidden:
            raise Unexpected
        fields: list[tuple[str, Complete | None]] = []
        for key, sub_details in grouped.items():
            name = sub_details[0].node.name.value
            if name == "__typename":
                fields.append((key, None))
                continue
            definition = object_type.fields.get(name)
            if definition is None:
                if name.startswith("__"):
                    raise Unexpected  # introspection: graphql-core answers it
                continue  # unknown fields are left out, as graphql-core does
            if definition.resolve is not read_row:
                raise Unexpected
            fields.append((key, self._plan(definition.type, sub_details)))
        type_name = object_type.name

        def complete(value: Any) -> Any:
            if value is None:
                return None
            if type(value) is not dict:
                raise Unexpected
            try:
                return {key: type_name if plan is None else plan(value[key]) for key, plan in fields}
            except KeyError:
                raise Unexpected from None

        return complete


def _required(inner: Complete) -> Complete:
    def complete(value: Any) -> Any:
        completed = inner(value)
        if completed is None:
            raise Unexpected  # graphql-core reports the null and nulls the parent
        return completed

    return complete


def _listed(item: Complete) -> Complete:
    def complete(value: Any) -> Any:
        if value is None:
            return None
        if type(value) is not list and type(value) is not tuple:
            raise Unexpected
        return [item(v) for v in value]

    return complete


def _leaf(coerce: Callable[[Any], Any]) -> Complete:
    def complete(value: Any) -> Any:
        if value is None:
            return None
        try:
            coerced = coerce(value)
        except Exception:
            raise Unexpected from None
        if coerced is None or coerced is Undefined:
            raise Unexpected
        return coerced

    return complete
