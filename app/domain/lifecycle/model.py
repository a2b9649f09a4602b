"""States, actions, steps and clock effects of the lifecycle; values are stored in the DB.

Keep values short snake_case (≤ 30 chars) and never rename one: rows and events hold them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.core.errors import UserError
from app.domain.regulation.model import Duty
from app.domain.roles import Role


class Entity(StrEnum):
    """What a transition applies to."""

    MESSAGE = "message"
    ASSIGNMENT = "assignment"


class MessageState(StrEnum):
    """Where a message is: screened, handed over (Parfino), routed, worked on, closed."""

    COLLECTED = "collected"  # taken in, not screened yet
    REFUSED = "refused"  # not subject to processing (Penza p.17, Parfino p.20) or no reaction
    HANDING_OVER = "handing_over"  # detected; the specialist hands it to the coordinator (p.7)
    ROUTING = "routing"  # detected (or every assignment returned); to be sent to departments
    IN_WORK = "in_work"  # at least one assignment is open
    DONE = "done"  # every assignment that was not returned is done


class MessageAction(StrEnum):
    """What people (or the system, after assignments change) do with a message."""

    MARK = "mark"  # needs a reaction: sets detected-at, topic(s), importance
    REFUSE = "refuse"
    UNDO_SCREENING = "undo_screening"  # the same person, within the profile's window
    RECLASSIFY = "reclassify"  # change topic or importance: deadlines are recomputed
    HAND_OVER = "hand_over"  # Parfino p.7
    ROUTE = "route"  # one or several departments (split, Parfino p.17)
    ASSIGNMENT_RETURNED = "assignment_returned"  # system: no assignment is left open
    COMPLETE = "complete"  # system: every remaining assignment is done


class AssignmentState(StrEnum):
    """Where one department's assignment (поручение) is."""

    ASSIGNED = "assigned"  # received; the executor drafts
    DRAFT_SUBMITTED = "draft_submitted"  # waiting for approval (also after a revision)
    RETURNED_FOR_REVISION = "returned_for_revision"
    APPROVED = "approved"  # waiting for publication
    AWAITING_REPLY = "awaiting_reply"  # clarification published; waiting for the author
    AWAITING_FINAL = "awaiting_final"  # intermediate answer published; final draft due (p.14/p.16)
    RETURNED_OUTSIDE_COMPETENCE = "returned_outside_competence"  # Penza p.9; terminal
    DONE = "done"  # final answer published; terminal


class AssignmentAction(StrEnum):
    """What people do with an assignment."""

    SUBMIT_DRAFT = "submit_draft"
    RETURN_OUTSIDE_COMPETENCE = "return_outside_competence"
    APPROVE = "approve"
    RETURN_FOR_REVISION = "return_for_revision"
    RESUBMIT = "resubmit"
    PUBLISH = "publish"
    RECORD_REPLY = "record_reply"


class DraftKind(StrEnum):
    """Kinds of draft: a final answer, an intermediate answer, a clarification request."""

    FINAL = "final"
    INTERMEDIATE = "intermediate"
    CLARIFICATION = "clarification"


class Step(StrEnum):
    """A timed step of the regulations: each has a clock, a budget in the profile and a clause."""

    HAND_OVER = "hand_over"  # Parfino p.7
    ROUTE = "route"  # Penza p.8
    RETURN_OUTSIDE_COMPETENCE = "return_outside_competence"  # Penza p.9
    ANSWER = "answer"  # Penza p.10, Parfino pp.8–9
    DRAFT = "draft"  # Penza p.11, Parfino pp.11–12
    REVIEW = "review"  # Penza p.12, Parfino p.13
    REVISE = "revise"  # Penza p.13, Parfino p.14
    PUBLISH = "publish"  # Parfino p.15
    FINAL_DRAFT = "final_draft"  # Penza p.14, Parfino p.16


class ClockOp(StrEnum):
    """What a transition does to a step's clock."""

    START = "start"
    STOP = "stop"
    PAUSE = "pause"  # record a pause start (clarification published, profile pauses)
    RESUME = "resume"  # record the pause end (the author's reply)
    RECOMPUTE = "recompute"  # importance changed: the budget changes, the start does not


class Condition(StrEnum):
    """A profile switch that selects a row or an effect."""

    HAND_OVER = "hand_over"  # the profile has a hand-over to a coordinator
    NO_HAND_OVER = "no_hand_over"
    PAUSES = "pauses"  # a clarification pauses the answer clock


@dataclass(frozen=True)
class Effect:
    """One clock effect of a transition, optionally only under a profile switch."""

    op: ClockOp
    step: Step
    when: Condition | None = None


@dataclass(frozen=True)
class Rule:
    """One row of the transition table; `duty` None = done by the system, not by a person."""

    entity: Entity
    source: MessageState | AssignmentState
    action: MessageAction | AssignmentAction
    target: MessageState | AssignmentState
    duty: Duty | None
    effects: tuple[Effect, ...] = ()
    kind: DraftKind | None = None  # only for a draft of this kind (None = any)
    when: Condition | None = None  # only in profiles with this switch


@dataclass(frozen=True)
class Transition:
    """The outcome of an allowed action: new state, the role that allowed it, clock effects."""

    entity: Entity
    source: MessageState | AssignmentState
    action: MessageAction | AssignmentAction
    target: MessageState | AssignmentState
    role: Role | None  # the actor's role that carries the duty (None for the system)
    effects: tuple[Effect, ...]


class LifecycleError(UserError):
    """An action is not allowed: wrong state, wrong role, wrong draft kind or too late."""

    def __init__(self, message: str, message_ru: str, code: str = "illegal_action") -> None:
        super().__init__(message_ru, code, detail=message)
