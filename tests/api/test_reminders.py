"""Reminders: written once per case, threshold and recipient; pushed to a webhook with retries; read in GraphQL."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest

from api.auth import Role
from graph.database import Database
from queries.reminders import deliver, remind
from schema.vocabulary import OPEN_STATUSES
from tests.api.conftest import Api
from tests.fixtures.town import NOW, Town


def expected_reminders(town: Town, within_hours: int, now: datetime = NOW) -> set[tuple[str, str, str, str]]:
    """(case, threshold, recipient, role) from the town's objects: handlers, else the grid's chief; the chief above."""
    parent = {g["code"]: g["parent"] for g in town.grids}
    wanted = set()
    for case in town.cases:
        if case.status not in OPEN_STATUSES or case.deadline >= now + timedelta(hours=within_hours):
            continue
        threshold = "overdue" if case.deadline < now else "dueSoon"
        handlers = [case.assigned_org] if case.assigned_org else (
            [town.grid_chiefs[case.grid]] if case.grid in town.grid_chiefs else [])
        wanted |= {(case.code, threshold, key, "handler") for key in handlers}
        above = parent.get(case.grid)
        if above in town.grid_chiefs:
            wanted.add((case.code, threshold, town.grid_chiefs[above], "above"))
    return wanted


def test_reminders_are_written_once_per_case_threshold_and_recipient(town_db: Database, town: Town) -> None:
    within = 24 * 11  # the fixture's open micro-wishes are due ten days after NOW, the rest are overdue
    written = remind(town_db, within, NOW)
    got = {(n["caseCode"], n["threshold"], n["recipientKey"], n["role"]) for n in written}
    wanted = expected_reminders(town, within)
    assert got == wanted
    assert {t for _, t, _, _ in wanted} == {"overdue", "dueSoon"}  # the fixture has both
    assert remind(town_db, within, NOW) == []  # the next run writes nothing new
    # Eleven days on, the cases due soon then are overdue (a reminder of the next threshold).
    later = remind(town_db, within, NOW + timedelta(days=11))
    expected_later = expected_reminders(town, within, NOW + timedelta(days=11)) - wanted
    assert {(n["caseCode"], n["threshold"], n["recipientKey"], n["role"]) for n in later} == expected_later
    assert any(t == "overdue" and (c, "dueSoon", k, r) in wanted for c, t, k, r in expected_later)


class Receiver(BaseHTTPRequestHandler):
    """A local gateway that refuses the first ``fail`` posts (HTTP 503) and records the others."""

    fail = 0
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Receiver.fail > 0:
            Receiver.fail -= 1
            self.send_response(503)
        else:
            Receiver.received.append(json.loads(body))
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Receiver.received = []
    yield f"http://127.0.0.1:{server.server_address[1]}/sms"
    server.shutdown()
    server.server_close()


def test_the_webhook_is_retried_and_delivery_recorded(town_db: Database, gateway: str) -> None:
    written = remind(town_db, 24, NOW)
    assert written
    Receiver.fail = 5
    assert deliver(town_db, gateway, tries=2, backoff=0.01) == (0, len(written))  # kept for the next run
    Receiver.fail = 1
    assert deliver(town_db, gateway, tries=3, backoff=0.01) == (len(written), 0)
    assert {n["id"] for n in Receiver.received[0]["notifications"]} == {n["id"] for n in written}
    assert deliver(town_db, gateway, tries=1, backoff=0.01) == (0, 0)  # nothing left undelivered
    assert deliver(town_db, "http://127.0.0.1:9/unreachable", tries=1) == (0, 0)


def test_notifications_in_graphql_are_scoped_and_marked_read(town_db: Database, town: Town, api: Api) -> None:
    written = remind(town_db, 24 * 3, NOW)
    query = "{ notifications(first: 100) { totalCount nodes { id caseCode threshold read case { code } } } }"
    everything = api.data(query)["notifications"]
    assert everything["totalCount"] == len(written)
    scope = "/A1/A1-V1/"
    mine = api.data(query, token=api.token(Role.GRID_STAFF, "A1-V1", scope))["notifications"]["nodes"]
    in_scope = {n["id"] for n in written if next(c for c in town.cases if c.code == n["caseCode"]).grid.startswith(
        "A1-V1")}
    assert {n["id"] for n in mine} == in_scope and in_scope
    outside = [n["id"] for n in written if n["id"] not in in_scope]
    staff = api.token(Role.GRID_STAFF, "A1-V1", scope, name="chief")
    marked = api.data("mutation($ids: [String!]!) { markRead(ids: $ids) }",
                      {"ids": sorted(in_scope)[:2] + outside[:2]}, token=staff)["markRead"]
    assert marked == 2  # outside the scope: untouched
    unread = api.data(query, token=staff)["notifications"]["nodes"]
    assert {n["id"] for n in unread} == in_scope - set(sorted(in_scope)[:2])
    every = api.data("{ notifications(unreadOnly: false, first: 100) { nodes { id read } } }", token=staff)
    assert sum(n["read"] for n in every["notifications"]["nodes"]) == 2


def test_analysts_neither_read_nor_mark_notifications(town_db: Database, api: Api) -> None:
    remind(town_db, 24, NOW)
    for query in ("{ notifications { totalCount } }", 'mutation { markRead(ids: ["x"]) }'):
        assert api.post(query, role=Role.ANALYST)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
