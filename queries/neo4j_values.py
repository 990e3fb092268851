"""Values coming back from Neo4j, made into plain Python or JSON-safe values.

``to_native`` is for named queries (their columns are scalars and lists): driver temporal types become
``date``/``datetime``/``time``. ``to_jsonable`` is for ad-hoc Cypher, whose rows can hold anything: nodes
become ``{elementId, labels, properties}``, relationships and paths likewise, temporal values ISO 8601 text,
and protected keys are dropped from every property map and map on the way.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import Point
from neo4j.time import Date, DateTime, Duration, Time


def to_native(value: Any) -> Any:
    """Driver temporal values as ``datetime``/``date``/``time``, recursively through lists and maps."""
    if isinstance(value, DateTime | Date | Time):
        return value.to_native()
    if isinstance(value, Duration):
        return value.iso_format()
    if isinstance(value, list | tuple):
        return [to_native(item) for item in value]
    if isinstance(value, dict):
        return {key: to_native(item) for key, item in value.items()}
    return value


def _properties(entity: Mapping[str, Any], hidden: frozenset[str], labels: frozenset[str]) -> dict[str, Any]:
    return {key: to_jsonable(item, hidden, labels) for key, item in sorted(entity.items()) if key not in hidden}


def to_jsonable(value: Any, hidden: frozenset[str] = frozenset(), hidden_labels: frozenset[str] = frozenset()) -> Any:
    """A JSON-safe form of ``value``; keys in ``hidden`` are removed from every map and property set, and nodes
    with a label in ``hidden_labels`` come back without properties."""
    if isinstance(value, Node):
        shown = {} if hidden_labels & value.labels else _properties(value, hidden, hidden_labels)
        return {"elementId": value.element_id, "labels": sorted(value.labels), "properties": shown}
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)  # NaN and infinities are not JSON
    if isinstance(value, Relationship):
        return {"elementId": value.element_id, "type": value.type,
                "start": value.start_node.element_id if value.start_node is not None else None,
                "end": value.end_node.element_id if value.end_node is not None else None,
                "properties": _properties(value, hidden, hidden_labels)}
    if isinstance(value, Path):
        return {"nodes": [to_jsonable(n, hidden, hidden_labels) for n in value.nodes],
                "relationships": [to_jsonable(r, hidden, hidden_labels) for r in value.relationships]}
    if isinstance(value, DateTime | Date | Time | Duration):
        return value.iso_format()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, Point):
        return {"srid": value.srid, "coordinates": list(value)}
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item, hidden, hidden_labels) for key, item in value.items() if key not in hidden}
    if isinstance(value, list | tuple):
        return [to_jsonable(item, hidden, hidden_labels) for item in value]
    return str(value)
