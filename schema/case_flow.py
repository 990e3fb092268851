"""The closed loop of a case: which move is allowed from which status, escalation levels and deadlines.

A case moves reported → accepted → dispatched → inProgress → resolved → verified → closed, or is rejected or
escalated on the way. Escalation hands the case one level up (grid → village/community → town/street →
county) and the higher level accepts it again. Rating records the resident's satisfaction once the work is
done. Every move is recorded as a ``CaseEvent``; this module only decides whether a move is legal and what it
leads to.

Deadlines are :mod:`schema.deadlines`.
"""

from __future__ import annotations

from enum import StrEnum

from schema.vocabulary import CaseStatus, EscalationLevel


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
