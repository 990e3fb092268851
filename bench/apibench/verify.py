"""Before timing: ask both servers the same sample of requests and check that they answer the same data."""

from __future__ import annotations

import json
from collections.abc import Iterable

import httpx

from apibench.mix import KINDS, SERVERS, Request, canonical


def ask(url: str, token: str, request: Request, server: str) -> object:
    """The normalised answer of ``server`` at ``url`` to ``request``; raises on HTTP or GraphQL errors."""
    kind = KINDS[request.kind]
    answer = httpx.post(url, json={"query": kind.queries[server], "variables": request.variables[server]},
                        headers={"Authorization": f"Bearer {token}"}, timeout=60.0)
    body = answer.json()
    if answer.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"{server} answered {request.kind} with HTTP {answer.status_code}: "
                           f"{json.dumps(body, ensure_ascii=False)[:500]}")
    return canonical(kind.normalise[server](body["data"]))


def _first_difference(left: object, right: object, path: str = "") -> str:
    """Where two answers first differ, as a path and the two values."""
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right)):
            if left.get(key) != right.get(key):
                return _first_difference(left.get(key), right.get(key), f"{path}.{key}")
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return f"{path}: {len(left)} items vs {len(right)}"
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{path}[{i}]")
    return f"{path or '(answer)'}: {json.dumps(left, ensure_ascii=False)[:200]} vs " \
           f"{json.dumps(right, ensure_ascii=False)[:200]}"


def compare(urls: dict[str, str], token: str, sample: Iterable[Request]) -> tuple[int, list[str]]:
    """(requests compared, differences found); an empty answer from either side counts as a difference."""
    compared, problems = 0, []
    for request in sample:
        answers = [ask(urls[server], token, request, server) for server in SERVERS]
        compared += 1
        if answers[0] in (None, [], {}):
            problems.append(f"{request.kind} {request.variables[SERVERS[0]]}: empty answer")
        elif answers[0] != answers[1]:
            problems.append(f"{request.kind} {request.variables[SERVERS[0]]}: "
                            f"{_first_difference(answers[0], answers[1])}")
    return compared, problems
