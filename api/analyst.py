"""``POST /cypher``: analysts' read-only ad-hoc Cypher, guarded by :func:`queries.adhoc.run_adhoc`.

JSON in: ``{"query": "...", "parameters": {...}, "timeoutMs": 2000, "maxRows": 500, "reason": "..."}``.
JSON out: ``{"columns": [...], "rows": [[...]], "truncated": false, "elapsedMs": 12.3, ...}``; errors use the
library's stable codes. The bearer token is checked first, so unauthenticated requests never reach Neo4j.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.auth import CAN_READ_AUDIT, CAN_RUN_CYPHER, CAN_SEE_TAGS, Role, authenticate
from api.endpoint import error_body
from api.errors import ApiError, BadInput, Forbidden, ServiceUnavailable
from api.state import AppState
from graph.errors import DatabaseUnavailable
from queries.adhoc import run_adhoc
from queries.errors import QueryError


async def cypher(request: Request) -> Response:
    state = AppState.of(request)
    try:
        caller = authenticate(request.headers.get("authorization"), state.jwt_key, state.revocations)
        caller.require(CAN_RUN_CYPHER, "run ad-hoc Cypher")
        if caller.scoped:
            # A statement cannot be confined to a grid subtree, so scoped tokens may not run one.
            raise Forbidden("ad-hoc Cypher reads the whole town: it needs a token without a grid scope")
        try:
            body = await request.json()
        except ValueError:
            raise BadInput("the request body must be JSON: {\"query\": \"MATCH … RETURN …\"}") from None
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            raise BadInput("give the statement as \"query\" (a string)")
    except ApiError as exc:
        return JSONResponse(error_body(exc), status_code=exc.status)

    def run() -> dict[str, Any]:
        result = run_adhoc(state.db, state.settings, body["query"], body.get("parameters"), actor=caller.name,
                           role=caller.role.value, timeout_ms=body.get("timeoutMs"), max_rows=body.get("maxRows"),
                           allow_tags=caller.role in CAN_SEE_TAGS,
                           # An analyst's person keys would carry ID hashes; the audit trail is for admins.
                           allow_keys=caller.role != Role.ANALYST, allow_audit=caller.role in CAN_READ_AUDIT,
                           reason=str(body.get("reason") or ""))
        return {"columns": result.columns, "rows": result.rows, "truncated": result.truncated,
                "elapsedMs": round(result.elapsed * 1000, 3), "timeoutMs": result.timeout_ms,
                "maxRows": result.max_rows, "auditId": result.audit_id}

    try:
        return JSONResponse(await run_in_threadpool(run))
    except QueryError as exc:
        return JSONResponse({"errors": [{"message": exc.message, "extensions": exc.to_dict()}]},
                            status_code=exc.http_status)
    except DatabaseUnavailable:
        unavailable = ServiceUnavailable("the database is not reachable right now; try again shortly")
        return JSONResponse(error_body(unavailable), status_code=503, headers={"Retry-After": "5"})
