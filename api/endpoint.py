"""``/graphql``: GraphQL over HTTP. POST JSON for queries and mutations, GET for queries only.

The bearer token is checked before anything else, so unauthenticated requests never reach the database.
A browser asking for HTML gets GraphiQL. Errors carry a stable ``extensions.code``; an unreachable database
answers 503. With GRIDGRAPH_DEBUG the response's ``extensions.cypher`` reports the Cypher statements run and
the database time.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from graphql import GraphQLError, OperationDefinitionNode, parse
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from api.auth import authenticate
from api.context import ApiContext
from api.errors import MASKED_MESSAGE, ApiError, BadInput
from api.graphiql import graphiql_page
from api.limits import MAX_JSON_DEPTH, check_json
from api.schema import MAX_TOKENS
from api.state import AppState


class JSONBody(JSONResponse):
    """JSON as Starlette writes it (UTF-8, compact), encoded by orjson at a fraction of the CPU; what orjson
    refuses (integers past 64 bits) goes through the standard encoder."""

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content)
        except orjson.JSONEncodeError:
            return super().render(content)


def error_body(error: ApiError) -> dict[str, Any]:
    return {"errors": [{"message": str(error), "extensions": {"code": error.code, **error.extensions}}]}


def format_error(error: GraphQLError) -> dict[str, Any]:
    """The one error shape: message, locations, path and ``extensions.code``."""
    body: dict[str, Any] = {"message": error.message}
    if error.locations:
        body["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        body["path"] = list(error.path)
    original = error.original_error
    if isinstance(original, ApiError):
        body["extensions"] = {"code": original.code, **original.extensions}
    elif error.message == MASKED_MESSAGE and original is None:
        body["extensions"] = {"code": "INTERNAL_ERROR"}
    elif isinstance(original, GraphQLError):
        body["extensions"] = {"code": "BAD_USER_INPUT"}  # a value that does not coerce to its input type
    else:
        body["extensions"] = {"code": "GRAPHQL_VALIDATION_FAILED"}
    return body


async def _read_request(request: Request) -> tuple[dict[str, Any], bool]:
    """The GraphQL request (query, variables, operationName) and whether it came by GET."""
    if request.method == "GET":
        params = request.query_params
        variables = params.get("variables")
        try:
            parsed = json.loads(variables) if variables else None
        except (ValueError, RecursionError):
            raise BadInput("variables must be JSON") from None
        return {"query": params.get("query"), "variables": parsed,
                "operationName": params.get("operationName")}, True
    raw = await request.body()
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:  # what orjson refuses (other encodings than UTF-8, NaN …) as the standard decoder reads it
            body = json.loads(raw)
        except (ValueError, RecursionError):
            raise BadInput("the request body must be JSON: {\"query\": \"…\", \"variables\": {…}}, nested at "
                           f"most {MAX_JSON_DEPTH} levels deep") from None
    if not isinstance(body, dict):
        raise BadInput("the request body must be a JSON object")
    return body, False


def _operation(query: str, name: Any) -> str | None:
    """The operation to run: ``operationName`` must be text naming an operation of the document (checked here,
    so that a wrong one is a 400 with a GraphQL error, not an execution failure)."""
    if name is None or name == "":
        return None
    if not isinstance(name, str):
        raise BadInput("operationName must be a string")
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return name  # the syntax error is reported by the execution, in its usual shape
    names = {d.name.value for d in document.definitions if isinstance(d, OperationDefinitionNode) and d.name}
    if name not in names:
        known = ", ".join(sorted(names)) or "none (the document's operations have no names)"
        raise BadInput(f"operationName {name!r} names no operation of the document; its operations: {known}")
    return name


async def graphql(request: Request) -> Response:
    if request.method == "GET" and "query" not in request.query_params and \
            "text/html" in request.headers.get("accept", ""):
        return await graphiql_page(request)
    state = AppState.of(request)
    try:
        caller = authenticate(request.headers.get("authorization"), state.jwt_key)
        payload, by_get = await _read_request(request)
    except ApiError as exc:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONBody(error_body(exc), status_code=exc.status, headers=headers)
    query = payload.get("query")
    variables = payload.get("variables")
    if not isinstance(query, str) or not query.strip():
        return JSONBody(error_body(BadInput("no query given")), status_code=400)
    if variables is not None and not isinstance(variables, dict):
        return JSONBody(error_body(BadInput("variables must be a JSON object")), status_code=400)
    operation = payload.get("operationName")
    try:
        check_json(variables, "variables")
        operation = _operation(query, operation)
    except ApiError as exc:
        return JSONBody(error_body(exc), status_code=exc.status)

    context = ApiContext(db=state.db, settings=state.settings, sensitive=state.sensitive, caller=caller)
    allowed = {OperationType.QUERY} if by_get else {OperationType.QUERY, OperationType.MUTATION}
    try:
        result = await run_in_threadpool(
            state.schema.execute_sync, query, variables, context, None, operation, allowed)
    except InvalidOperationTypeError:
        return JSONBody(error_body(BadInput("mutations need POST; GET is for queries only")), status_code=405,
                            headers={"Allow": "POST"})

    request.scope.setdefault("gridgraph", {}).update(
        role=caller.role.value, queries=context.stats.queries, db_seconds=context.stats.db_seconds)
    body: dict[str, Any] = {"data": result.data}
    status = 200
    if result.errors:
        body["errors"] = [format_error(e) for e in result.errors]
        codes = {e["extensions"]["code"] for e in body["errors"]}
        if "DATABASE_UNAVAILABLE" in codes:
            status = 503
    if state.settings.debug:
        body["extensions"] = {"cypher": {"queries": context.stats.queries,
                                         "dbMs": round(context.stats.db_seconds * 1000, 3),
                                         "perQueryMs": [round(s * 1000, 3) for s in context.stats.per_query]}}
    return JSONBody(body, status_code=status, headers={"Retry-After": "5"} if status == 503 else None)
