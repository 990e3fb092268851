"""The selection under a field, read from the request's syntax tree with arguments coerced.

Fragments and inline fragments are flattened, ``@skip``/``@include`` honoured, and fields that share a
response key merged, as GraphQL's own field collection does. ``__typename`` is left to graphql-core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSkipDirective,
    GraphQLUnionType,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_directive_values
from graphql.language import SelectionNode


@dataclass
class Selection:
    """One selected field: its response ``key`` (alias or name), ``name``, arguments and sub-selection."""

    key: str
    name: str
    args: dict[str, Any] = field(default_factory=dict)
    children: list[Selection] = field(default_factory=list)

    def child(self, name: str) -> list[Selection]:
        return [c for c in self.children if c.name == name]


def current_field(info: GraphQLResolveInfo[Any]) -> Selection:
    """The selection of the field being resolved (merged over all its nodes)."""
    parent = info.parent_type
    return _build(info, parent, info.field_name, info.path.key if isinstance(info.path.key, str) else info.field_name,
                  list(info.field_nodes))


def _variables(info: GraphQLResolveInfo[Any]) -> VariableValues:
    """The request's coerced variables in the form graphql-core's value helpers take."""
    values: Any = info.variable_values
    if isinstance(values, VariableValues):
        return values
    # Strawberry hands graphql-core the plain dict of coerced values.
    return VariableValues(sources={}, coerced=dict(values or {}))


def _included(node: SelectionNode, variables: VariableValues) -> bool:
    skip = get_directive_values(GraphQLSkipDirective, node, variables)
    if skip and skip.get("if") is True:
        return False
    include = get_directive_values(GraphQLIncludeDirective, node, variables)
    return not (include and include.get("if") is False)


def _applies(info: GraphQLResolveInfo[Any], condition: NamedTypeNode | None, object_type: GraphQLObjectType) -> bool:
    """Whether a fragment's type condition matches ``object_type``: the type itself, or an interface or union
    it belongs to (``... on PersonFields`` applies to Person and PartyMember alike)."""
    if condition is None or condition.name.value == object_type.name:
        return True
    conditional = info.schema.get_type(condition.name.value)
    return isinstance(conditional, GraphQLInterfaceType | GraphQLUnionType) and info.schema.is_sub_type(
        conditional, object_type)


def _collect(info: GraphQLResolveInfo[Any], selection_set: SelectionSetNode | None, object_type: GraphQLObjectType,
             grouped: dict[str, list[FieldNode]]) -> None:
    if selection_set is None:
        return
    fragments: dict[str, FragmentDefinitionNode] = info.fragments
    variables = _variables(info)
    for node in selection_set.selections:
        if node.directives and not _included(node, variables):
            continue
        if isinstance(node, FieldNode):
            key = node.alias.value if node.alias else node.name.value
            grouped.setdefault(key, []).append(node)
        elif isinstance(node, InlineFragmentNode):
            if _applies(info, node.type_condition, object_type):
                _collect(info, node.selection_set, object_type, grouped)
        elif isinstance(node, FragmentSpreadNode):
            fragment = fragments.get(node.name.value)
            if fragment is not None and _applies(info, fragment.type_condition, object_type):
                _collect(info, fragment.selection_set, object_type, grouped)


def _build(info: GraphQLResolveInfo[Any], parent: GraphQLObjectType, name: str, key: str,
           nodes: list[FieldNode]) -> Selection:
    definition = parent.fields[name]
    args = get_argument_values(definition, nodes[0], _variables(info))
    selection = Selection(key=key, name=name, args=args)
    named = get_named_type(definition.type)
    if isinstance(named, GraphQLObjectType):
        grouped: dict[str, list[FieldNode]] = {}
        for node in nodes:
            _collect(info, node.selection_set, named, grouped)
        for child_key, child_nodes in grouped.items():
            child_name = child_nodes[0].name.value
            if child_name.startswith("__"):
                continue
            selection.children.append(_build(info, named, child_name, child_key, child_nodes))
    return selection
