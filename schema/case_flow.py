"""The closed loop of a case: which move is allowed from which status, and escalation levels.

A case moves reported → accepted → dispatched → inProgress → resolved → (followedUp →) verified → closed, or is
rejected or escalated on the way. Escalation hands the case one level up (grid → village/community → town/street →
county) and the higher level accepts it again. A handler returns a wrongly dispatched case to the dispatcher
(back to accepted). A follow-up visit (回访) may come between resolution and verification. While a case is open its
handler may ask once for more time; the level above approves or refuses, and the status does not change. Rating
records the resident's satisfaction once the work is done. Every move is recorded as a ``CaseEvent``; this
module only decides whether a move is legal and what it leads to.

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
    RETURN = "return"
    FOLLOW_UP = "followUp"
    REQUEST_EXTENSION = "requestExtension"
    APPROVE_EXTENSION = "approveExtension"
    REFUSE_EXTENSION = "refuseExtension"


# Extensions a case may be granted over its life (延期 is asked once, then the level above decides).
EXTENSIONS_ALLOWED = 1
EXTENSION_MOVES = frozenset({CaseAction.APPROVE_EXTENSION, CaseAction.REFUSE_EXTENSION})


S = CaseStatus
TRANSITIONS: dict[CaseAction, dict[CaseStatus, CaseStatus]] = {
    CaseAction.ACCEPT: {S.REPORTED: S.ACCEPTED, S.ESCALATED: S.ACCEPTED},
    CaseAction.DISPATCH: {S.ACCEPTED: S.DISPATCHED},
    CaseAction.START: {S.DISPATCHED: S.IN_PROGRESS},
    CaseAction.RESOLVE: {S.IN_PROGRESS: S.RESOLVED},
    CaseAction.VERIFY: {S.RESOLVED: S.VERIFIED, S.FOLLOWED_UP: S.VERIFIED},
    CaseAction.CLOSE: {S.VERIFIED: S.CLOSED},
    CaseAction.REJECT: {S.REPORTED: S.REJECTED, S.ACCEPTED: S.REJECTED, S.ESCALATED: S.REJECTED},
    CaseAction.ESCALATE: {S.REPORTED: S.ESCALATED, S.ACCEPTED: S.ESCALATED, S.DISPATCHED: S.ESCALATED,
                          S.IN_PROGRESS: S.ESCALATED, S.ESCALATED: S.ESCALATED},
    # Rating changes no status: the resident judges work that is done.
    CaseAction.RATE: {S.RESOLVED: S.RESOLVED, S.FOLLOWED_UP: S.FOLLOWED_UP, S.VERIFIED: S.VERIFIED,
                      S.CLOSED: S.CLOSED},
    CaseAction.RETURN: {S.DISPATCHED: S.ACCEPTED, S.IN_PROGRESS: S.ACCEPTED},
    CaseAction.FOLLOW_UP: {S.RESOLVED: S.FOLLOWED_UP},
    # Extensions change no status: the deadline moves (when approved) while the work goes on.
    CaseAction.REQUEST_EXTENSION: {s: s for s in (S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.ESCALATED)},
    CaseAction.APPROVE_EXTENSION: {s: s for s in (S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.ESCALATED)},
    CaseAction.REFUSE_EXTENSION: {s: s for s in (S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.ESCALATED)},
}

# Every move a status admits before level and extension rules narrow it, in the loop's order.
TRANSITIONS_FROM: dict[CaseStatus, list[CaseAction]] = {
    status: [action for action, table in TRANSITIONS.items() if status in table] for status in CaseStatus
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


def allowed_moves(status: CaseStatus, level: EscalationLevel = EscalationLevel.GRID,
                  extension_requested: bool = False, extensions: int = 0) -> list[CaseAction]:
    """The moves a case in ``status`` (held at ``level``, with or without a pending extension request, granted
    ``extensions`` so far) may make, in the loop's order."""
    moves = list(TRANSITIONS_FROM[status])
    if level == ESCALATION_ORDER[-1]:
        moves = [m for m in moves if m != CaseAction.ESCALATE]
    if extension_requested:
        return [m for m in moves if m != CaseAction.REQUEST_EXTENSION]
    moves = [m for m in moves if m not in EXTENSION_MOVES]
    if extensions >= EXTENSIONS_ALLOWED:
        moves = [m for m in moves if m != CaseAction.REQUEST_EXTENSION]
    return moves


def next_level(level: EscalationLevel) -> EscalationLevel | None:
    """The level above ``level``, or None at the county."""
    index = ESCALATION_ORDER.index(level)
    return ESCALATION_ORDER[index + 1] if index + 1 < len(ESCALATION_ORDER) else None


def move(action: CaseAction, status: CaseStatus, level: EscalationLevel = EscalationLevel.GRID,
         extension_requested: bool = False, extensions: int = 0) -> tuple[CaseStatus, EscalationLevel]:
    """The status and level after ``action``; raises :class:`IllegalMove` when it is not allowed."""
    allowed = allowed_moves(status, level, extension_requested, extensions)
    if action not in allowed:
        raise IllegalMove(action, status, allowed, _why(action, status, extension_requested, extensions))
    new_level = level
    if action == CaseAction.ESCALATE:
        new_level = next_level(level) or level
    return TRANSITIONS[action][status], new_level


def _why(action: CaseAction, status: CaseStatus, extension_requested: bool, extensions: int) -> str:
    if status not in TRANSITIONS[action]:
        return ""
    if action == CaseAction.ESCALATE:
        return "it is already held by the county"
    if action == CaseAction.REQUEST_EXTENSION:
        return ("an extension request is waiting for a decision" if extension_requested
                else f"it has had the {EXTENSIONS_ALLOWED} extension allowed")
    if action in EXTENSION_MOVES:
        return "no extension has been requested"
    return ""
