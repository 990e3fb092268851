"""Errors of the database layer. Each message says what went wrong and what to do about it."""


class GraphError(Exception):
    """Base of every error this package raises on purpose."""


class LocalServerError(GraphError):
    """The local Neo4j could not be built, started or stopped."""


class DatabaseUnavailable(GraphError):
    """Neo4j cannot be reached. Retrying later may succeed."""


class DatabaseAuthError(GraphError):
    """Neo4j refused the configured user name or password."""


class QueryTimeout(GraphError):
    """A transaction ran past its server-side time limit and was stopped."""
