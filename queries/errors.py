"""Errors of the named-query library and of ad-hoc Cypher, each with a stable ``code``.

The codes are part of the interface: the CLI prints the message, the API returns
``{"code": ..., "message": ..., "parameter": ...}`` (see :meth:`QueryError.to_dict`). Messages say what was
wrong, where (the parameter or setting) and what to do.

::

    QueryError                         query.error
    ├── UnknownQuery                   query.unknown
    ├── QueryFileError                 query.file
    ├── ParameterError                 query.parameter
    │   ├── MissingParameter           query.parameter.missing
    │   ├── UnknownParameter           query.parameter.unknown
    │   └── InvalidParameter           query.parameter.invalid
    └── AdhocError                     cypher.error
        ├── CypherRefused              cypher.refused            (never retry: the statement is not allowed)
        │   ├── MultipleStatements     cypher.refused.multiple
        │   ├── ForbiddenClause        cypher.refused.clause
        │   ├── ForbiddenProcedure     cypher.refused.procedure
        │   ├── ProtectedProperty      cypher.refused.property
        │   ├── ProtectedLabel         cypher.refused.label
        │   └── NotReadOnly            cypher.refused.write
        ├── CypherInvalid              cypher.invalid            (syntax or semantic error reported by Neo4j)
        ├── CypherLimitError           cypher.limit              (a limit out of range, a statement too long,
        │                                                         or Neo4j's transaction memory limit reached)
        └── CypherTimeout              cypher.timeout            (also a graph.errors.QueryTimeout)
"""

from __future__ import annotations

from typing import Any

from graph.errors import GraphError, QueryTimeout
from schema.freetext import mask_numbers


class QueryError(GraphError):
    """Base of the errors of :mod:`queries`; ``code`` is stable, ``parameter`` names the culprit if any."""

    code = "query.error"
    http_status = 400

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        message = mask_numbers(message)  # a number the caller typed is not echoed in clear
        super().__init__(message)
        self.message = message
        self.parameter = parameter

    def to_dict(self) -> dict[str, Any]:
        """The error as the API returns it."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.parameter is not None:
            body["parameter"] = self.parameter
        return body


class UnknownQuery(QueryError):
    """No named query has this name."""

    code = "query.unknown"
    http_status = 404


class QueryFileError(QueryError):
    """A ``.cypher`` file of the library has a header that cannot be parsed (a defect of the package)."""

    code = "query.file"
    http_status = 500


class ParameterError(QueryError):
    """A parameter of a named query is missing, unknown or of the wrong type."""

    code = "query.parameter"


class MissingParameter(ParameterError):
    code = "query.parameter.missing"


class UnknownParameter(ParameterError):
    code = "query.parameter.unknown"


class InvalidParameter(ParameterError):
    code = "query.parameter.invalid"


class AdhocError(QueryError):
    """Base of the errors of guarded ad-hoc Cypher."""

    code = "cypher.error"


class CypherRefused(AdhocError):
    """The statement is not allowed in ad-hoc Cypher; retrying will not help."""

    code = "cypher.refused"
    http_status = 403


class MultipleStatements(CypherRefused):
    code = "cypher.refused.multiple"


class ForbiddenClause(CypherRefused):
    code = "cypher.refused.clause"


class ForbiddenProcedure(CypherRefused):
    code = "cypher.refused.procedure"


class ProtectedProperty(CypherRefused):
    code = "cypher.refused.property"


class ProtectedLabel(CypherRefused):
    code = "cypher.refused.label"


class NotReadOnly(CypherRefused):
    code = "cypher.refused.write"


class CypherInvalid(AdhocError):
    """Neo4j could not parse or plan the statement; the message carries Neo4j's own words."""

    code = "cypher.invalid"


class CypherLimitError(AdhocError):
    """A requested limit is outside what the settings allow, or the statement hit a limit (length, memory)."""

    code = "cypher.limit"


class CypherTimeout(AdhocError, QueryTimeout):
    """The statement ran past its time limit and was stopped by the server."""

    code = "cypher.timeout"
