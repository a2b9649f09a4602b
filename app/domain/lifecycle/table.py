"""The lifecycle's transition table: every allowed (state × action) with its duty and clocks.

Read a row as: in `source`, a person carrying `duty` in the profile may do `action`; the entity
moves to `target` and the listed step clocks start/stop/pause/resume. Rows with `when` exist
only in profiles with that switch; rows with `kind` only for drafts of that kind.
"""

from __future__ import annotations

from app.domain.lifecycle.model import AssignmentAction as AA
from app.domain.lifecycle.model import AssignmentState as AS
from app.domain.lifecycle.model import ClockOp, Condition, DraftKind, Effect, Entity, Rule, Step
from app.domain.lifecycle.model import MessageAction as MA
from app.domain.lifecycle.model import MessageState as MS
from app.domain.regulation.model import Duty

START, STOP, PAUSE, RESUME = ClockOp.START, ClockOp.STOP, ClockOp.PAUSE, ClockOp.RESUME
M, A = Entity.MESSAGE, Entity.ASSIGNMENT

# Clocks of a message before any assignment is out: they all stop when it leaves screening.
_SCREENING_CLOCKS = (
    Effect(STOP, Step.HAND_OVER),
    Effect(STOP, Step.ROUTE),
    Effect(STOP, Step.ANSWER),
)
# What starts for each new assignment (Penza p.9 return window, p.11 draft; the answer clock
# of the message continues per assignment).
_ASSIGNMENT_CLOCKS = (
    Effect(START, Step.RETURN_OUTSIDE_COMPETENCE),
    Effect(START, Step.DRAFT),
)
_SUBMIT = (
    Effect(STOP, Step.DRAFT),
    Effect(STOP, Step.RETURN_OUTSIDE_COMPETENCE),
    Effect(START, Step.REVIEW),
)

TABLE: tuple[Rule, ...] = (
    # -- message: screening (Penza pp.6, 8, 17; Parfino pp.5, 7, 20) --------------------------
    Rule(M, MS.COLLECTED, MA.MARK, MS.HANDING_OVER, Duty.SCREEN,
         (Effect(START, Step.HAND_OVER), Effect(START, Step.ANSWER)), when=Condition.HAND_OVER),
    Rule(M, MS.COLLECTED, MA.MARK, MS.ROUTING, Duty.SCREEN,
         (Effect(START, Step.ROUTE), Effect(START, Step.ANSWER)), when=Condition.NO_HAND_OVER),
    Rule(M, MS.COLLECTED, MA.REFUSE, MS.REFUSED, Duty.SCREEN),
    Rule(M, MS.HANDING_OVER, MA.REFUSE, MS.REFUSED, Duty.SCREEN, _SCREENING_CLOCKS),
    Rule(M, MS.ROUTING, MA.REFUSE, MS.REFUSED, Duty.SCREEN, _SCREENING_CLOCKS),
    Rule(M, MS.REFUSED, MA.UNDO_SCREENING, MS.COLLECTED, Duty.SCREEN),
    Rule(M, MS.HANDING_OVER, MA.UNDO_SCREENING, MS.COLLECTED, Duty.SCREEN, _SCREENING_CLOCKS),
    Rule(M, MS.ROUTING, MA.UNDO_SCREENING, MS.COLLECTED, Duty.SCREEN, _SCREENING_CLOCKS),
    # importance decides the answer budget (Penza p.10, Parfino pp.8–9, 11–12)
    Rule(M, MS.HANDING_OVER, MA.RECLASSIFY, MS.HANDING_OVER, Duty.SCREEN,
         (Effect(ClockOp.RECOMPUTE, Step.ANSWER),)),
    Rule(M, MS.ROUTING, MA.RECLASSIFY, MS.ROUTING, Duty.SCREEN,
         (Effect(ClockOp.RECOMPUTE, Step.ANSWER),)),
    Rule(M, MS.IN_WORK, MA.RECLASSIFY, MS.IN_WORK, Duty.SCREEN,
         (Effect(ClockOp.RECOMPUTE, Step.ANSWER),)),
    # -- message: hand-over and routing (Penza p.8; Parfino pp.7, 17) ------------------------
    Rule(M, MS.HANDING_OVER, MA.HAND_OVER, MS.ROUTING, Duty.HAND_OVER,
         (Effect(STOP, Step.HAND_OVER),)),
    Rule(M, MS.ROUTING, MA.ROUTE, MS.IN_WORK, Duty.ROUTE,
         (Effect(STOP, Step.ROUTE), *_ASSIGNMENT_CLOCKS)),
    # more departments for a message already in work (split by topic, Parfino p.17)
    Rule(M, MS.IN_WORK, MA.ROUTE, MS.IN_WORK, Duty.ROUTE, _ASSIGNMENT_CLOCKS),
    Rule(M, MS.IN_WORK, MA.ASSIGNMENT_RETURNED, MS.ROUTING, None),
    Rule(M, MS.IN_WORK, MA.COMPLETE, MS.DONE, None),
    # -- assignment: outside competence (Penza p.9) ------------------------------------------
    Rule(A, AS.ASSIGNED, AA.RETURN_OUTSIDE_COMPETENCE, AS.RETURNED_OUTSIDE_COMPETENCE, Duty.DRAFT,
         (Effect(STOP, Step.RETURN_OUTSIDE_COMPETENCE), Effect(STOP, Step.DRAFT),
          Effect(STOP, Step.ANSWER))),
    # -- assignment: drafts and review (Penza pp.11–13; Parfino pp.10–14) --------------------
    Rule(A, AS.ASSIGNED, AA.SUBMIT_DRAFT, AS.DRAFT_SUBMITTED, Duty.DRAFT, _SUBMIT),
    # the executor may go on without the author's reply; a pause then ends (Parfino p.10)
    Rule(A, AS.AWAITING_REPLY, AA.SUBMIT_DRAFT, AS.DRAFT_SUBMITTED, Duty.DRAFT,
         (Effect(RESUME, Step.ANSWER, Condition.PAUSES), Effect(START, Step.REVIEW))),
    # after an intermediate answer only the final one is due (Penza p.14, Parfino p.16)
    Rule(A, AS.AWAITING_FINAL, AA.SUBMIT_DRAFT, AS.DRAFT_SUBMITTED, Duty.DRAFT,
         (Effect(STOP, Step.FINAL_DRAFT), Effect(START, Step.REVIEW)), kind=DraftKind.FINAL),
    Rule(A, AS.DRAFT_SUBMITTED, AA.APPROVE, AS.APPROVED, Duty.APPROVE,
         (Effect(STOP, Step.REVIEW), Effect(START, Step.PUBLISH))),
    Rule(A, AS.DRAFT_SUBMITTED, AA.RETURN_FOR_REVISION, AS.RETURNED_FOR_REVISION, Duty.APPROVE,
         (Effect(STOP, Step.REVIEW), Effect(START, Step.REVISE))),
    Rule(A, AS.RETURNED_FOR_REVISION, AA.RESUBMIT, AS.DRAFT_SUBMITTED, Duty.DRAFT,
         (Effect(STOP, Step.REVISE), Effect(START, Step.REVIEW))),
    # -- assignment: publication (Penza p.10; Parfino pp.10, 15, 16) -------------------------
    Rule(A, AS.APPROVED, AA.PUBLISH, AS.DONE, Duty.PUBLISH,
         (Effect(STOP, Step.PUBLISH), Effect(STOP, Step.ANSWER)), kind=DraftKind.FINAL),
    Rule(A, AS.APPROVED, AA.PUBLISH, AS.AWAITING_FINAL, Duty.PUBLISH,
         (Effect(STOP, Step.PUBLISH), Effect(STOP, Step.ANSWER), Effect(START, Step.FINAL_DRAFT)),
         kind=DraftKind.INTERMEDIATE),
    Rule(A, AS.APPROVED, AA.PUBLISH, AS.AWAITING_REPLY, Duty.PUBLISH,
         (Effect(STOP, Step.PUBLISH), Effect(PAUSE, Step.ANSWER, Condition.PAUSES)),
         kind=DraftKind.CLARIFICATION),
    Rule(A, AS.AWAITING_REPLY, AA.RECORD_REPLY, AS.ASSIGNED, Duty.RECORD_REPLY,
         (Effect(RESUME, Step.ANSWER, Condition.PAUSES), Effect(START, Step.DRAFT))),
)  # fmt: skip
