"""Errors a caller may see. Each has a stable code that goes into the GraphQL error's ``extensions``.

Anything else raised while answering a request is masked: the caller gets ``Internal server error`` with code
``INTERNAL_ERROR``, never a stack trace or Cypher text.
"""

from __future__ import annotations


class ApiError(Exception):
    """An error whose message is meant for the caller."""

    code = "BAD_REQUEST"
    status = 400

    def __init__(self, message: str, **extensions: object) -> None:
        super().__init__(message)
        self.extensions = extensions


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"
    status = 401


class Forbidden(ApiError):
    code = "FORBIDDEN"
    status = 403


class NotFound(ApiError):
    code = "NOT_FOUND"
    status = 404


class BadInput(ApiError):
    code = "BAD_USER_INPUT"


class IllegalCaseMove(ApiError):
    code = "ILLEGAL_CASE_MOVE"
    status = 409


class ContactRefused(ApiError):
    code = "CONTACT_REFUSED"
    status = 409


class TooExpensive(ApiError):
    """A request whose compiled query would cost more than the settings allow (refused before Neo4j)."""

    code = "QUERY_TOO_EXPENSIVE"


class RateLimited(ApiError):
    code = "RATE_LIMITED"
    status = 429


class TooLarge(ApiError):
    code = "REQUEST_TOO_LARGE"
    status = 413


class ServiceUnavailable(ApiError):
    code = "DATABASE_UNAVAILABLE"
    status = 503


class Timeout(ApiError):
    code = "QUERY_TIMEOUT"
    status = 504


MASKED_MESSAGE = "Internal server error"
