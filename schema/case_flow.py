"""The closed loop of a case: which move is allowed from which status, escalation levels and deadlines.

A case moves reported → accepted → dispatched → inProgress → resolved → verified → closed, or is rejected or
escalated on the way. Escalation hands the case one level up (grid → village/community → town/street →
county) and the higher level accepts it again. Rating records the resident's satisfaction once the work is
done. Every move is recorded as a ``CaseEvent``; this module only decides whether a move is legal and what it
leads to.

Deadlines (期限) by case kind, counted from the moment the case is reported:

- hotline (12345): by urgency, ``urgent`` the same day, ``priority`` 3 working days, ``normal`` 13 working days;
- dispute: 30 days (the usual term of people's mediation);
- petition: 60 days (the term for handling a petition);
- order (a resident's order): 7 days;
- wish (a micro-wish): 30 days;
- supervision: 15 working days;
- project (a micro-update): 90 days.

Working days are Monday to Friday (public holidays are not modelled); a deadline falls at the end of its day in
China Standard Time.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from enum import StrEnum

from schema.vocabulary import CaseKind, CaseStatus, EscalationLevel

CHINA_TIME = timezone(timedelta(hours=8))


class CaseAction(StrEnum):
    ACCEPT = "accept"
    DISPATCH = "dispatch"
    START = "start"
    RESOLVE = "resolve"
    VERIFY = "verify"
    CLOSE = "close"
    REJECT = "reject"
    ESCALATE = "escalate"
    RATE = "rate"


class Urgency(StrEnum):
    URGENT = "urgent"      # 特急: the same day
    PRIORITY = "priority"  # 紧急: 3 working days
    NORMAL = "normal"      # 一般: 13 working days


S = CaseStatus
TRANSITIONS: dict[CaseAction, dict[CaseStatus, CaseStatus]] = {
    CaseAction.ACCEPT: {S.REPORTED: S.ACCEPTED, S.ESCALATED: S.ACCEPTED},
    CaseAction.DISPATCH: {S.ACCEPTED: S.DISPATCHED},
    CaseAction.START: {S.DISPATCHED: S.IN_PROGRESS},
    CaseAction.RESOLVE: {S.IN_PROGRESS: S.RESOLVED},
    CaseAction.VERIFY: {S.RESOLVED: S.VERIFIED},
    CaseAction.CLOSE: {S.VERIFIED: S.CLOSED},
    CaseAction.REJECT: {S.REPORTED: S.REJECTED, S.ACCEPTED: S.REJECTED, S.ESCALATED: S.REJECTED},
    CaseAction.ESCALATE: {S.REPORTED: S.ESCALATED, S.ACCEPTED: S.ESCALATED, S.DISPATCHED: S.ESCALATED,
                          S.IN_PROGRESS: S.ESCALATED, S.ESCALATED: S.ESCALATED},
    # Rating changes no status: the resident judges work that is done.
    CaseAction.RATE: {S.RESOLVED: S.RESOLVED, S.VERIFIED: S.VERIFIED, S.CLOSED: S.CLOSED},
}

ESCALATION_ORDER: tuple[EscalationLevel, ...] = (
    EscalationLevel.GRID, EscalationLevel.VILLAGE, EscalationLevel.TOWN, EscalationLevel.COUNTY,
)


class IllegalMove(ValueError):
    """A move that the case's current status (or level) does not allow."""

    def __init__(self, action: CaseAction, status: CaseStatus, allowed: list[CaseAction], why: str = "") -> None:
        self.action, self.status, self.allowed = action, status, allowed
        moves = ", ".join(a.value for a in allowed) or "none"
        detail = f" ({why})" if why else ""
        super().__init__(f"cannot {action.value} a case that is {status.value}{detail}; allowed moves: {moves}")


def allowed_moves(status: CaseStatus, level: EscalationLevel = EscalationLevel.GRID) -> list[CaseAction]:
    """The moves a case in ``status`` (held at ``level``) may make, in the loop's order."""
    moves = [action for action, table in TRANSITIONS.items() if status in table]
    if level == ESCALATION_ORDER[-1]:
        moves = [m for m in moves if m != CaseAction.ESCALATE]
    return moves


def next_level(level: EscalationLevel) -> EscalationLevel | None:
    """The level above ``level``, or None at the county."""
    index = ESCALATION_ORDER.index(level)
    return ESCALATION_ORDER[index + 1] if index + 1 < len(ESCALATION_ORDER) else None


def move(action: CaseAction, status: CaseStatus,
         level: EscalationLevel = EscalationLevel.GRID) -> tuple[CaseStatus, EscalationLevel]:
    """The status and level after ``action``; raises :class:`IllegalMove` when it is not allowed."""
    allowed = allowed_moves(status, level)
    if action not in allowed:
        why = "it is already held by the county" if action == CaseAction.ESCALATE and status in \
            TRANSITIONS[action] else ""
        raise IllegalMove(action, status, allowed, why)
    new_level = level
    if action == CaseAction.ESCALATE:
        new_level = next_level(level) or level
    return TRANSITIONS[action][status], new_level


def add_working_days(day: datetime, count: int) -> datetime:
    """``day`` moved forward by ``count`` working days (Monday to Friday)."""
    current = day
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def _end_of_day(moment: datetime) -> datetime:
    local = moment.astimezone(CHINA_TIME)
    return datetime.combine(local.date(), time(23, 59, 59), tzinfo=CHINA_TIME)


CALENDAR_DAYS: dict[CaseKind, int] = {
    CaseKind.DISPUTE: 30, CaseKind.PETITION: 60, CaseKind.ORDER: 7, CaseKind.WISH: 30, CaseKind.PROJECT: 90,
}
WORKING_DAYS: dict[CaseKind, int] = {CaseKind.SUPERVISION: 15}
HOTLINE_WORKING_DAYS: dict[Urgency, int] = {Urgency.URGENT: 0, Urgency.PRIORITY: 3, Urgency.NORMAL: 13}


def deadline_for(kind: CaseKind, reported_at: datetime, urgency: Urgency = Urgency.NORMAL) -> datetime:
    """When a case of ``kind`` reported at ``reported_at`` must be done (end of that day, China time)."""
    local = reported_at.astimezone(CHINA_TIME)
    if kind == CaseKind.HOTLINE:
        return _end_of_day(add_working_days(local, HOTLINE_WORKING_DAYS[urgency]))
    if kind in WORKING_DAYS:
        return _end_of_day(add_working_days(local, WORKING_DAYS[kind]))
    return _end_of_day(local + timedelta(days=CALENDAR_DAYS[kind]))
