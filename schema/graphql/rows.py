"""Objects of the GraphQL schema are plain maps that the compiled query produced, keyed by response key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from graphql import GraphQLResolveInfo
from strawberry.types import Info


def read_row(source: Any, info: GraphQLResolveInfo[Any], **_: Any) -> Any:
    """The value of the field being resolved, already computed by the root field's one query."""
    return cast(Mapping[str, Any], source)[cast(str, info.path.key)]


def from_row(source: object, info: Info) -> Any:
    """The same, for fields declared with arguments (their arguments were compiled into the query)."""
    return cast(Mapping[str, Any], source)[cast(str, info._raw_info.path.key)]
