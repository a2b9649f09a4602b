"""Due instants of every open step of a case (Penza pp.8–14, Parfino pp.7–15), from the profile.

Input is `CaseFacts` (what happened and when; the services read it from the rows and the event
log); output is one `StepDeadline` per open step. A clarification pause (Parfino p.10) stops
the answer clock and every step counted from it; while a pause is open those steps have no due
instant, only the budget that was left. Nothing here reads the clock: "now" is the caller's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.domain.lifecycle.model import AssignmentState, MessageState, Step
from app.domain.regulation.model import Duty, Importance, RegulationProfile, TimeBasis, Timing
from app.domain.roles import Role
from app.domain.worktime import WorkCalendar


@dataclass(frozen=True)
class Pause:
    """A clarification pause of the answer clock: [start, end); end None = still waiting."""

    start: datetime
    end: datetime | None = None


@dataclass(frozen=True)
class AssignmentFacts:
    """What happened to one assignment; timestamps are of the current round (the latest)."""

    id: int
    state: AssignmentState
    received_at: datetime
    submitted_at: datetime | None = None  # latest submission or resubmission
    returned_at: datetime | None = None  # latest return for revision
    approved_at: datetime | None = None  # latest approval
    intermediate_published_at: datetime | None = None
    pauses: tuple[Pause, ...] = ()  # only when the profile pauses (Parfino p.10)
    # A clarification request was published: it fulfilled the draft step (Penza p.11, Parfino
    # pp.10–12), so after the author's reply the draft has no deadline of its own.
    clarified: bool = False


@dataclass(frozen=True)
class CaseFacts:
    """What happened to a message: detection, importance, hand-over, routing, assignments."""

    detected_at: datetime
    importance: Importance
    state: MessageState
    handed_over_at: datetime | None = None  # Parfino p.7
    routed_at: datetime | None = None  # first routing (Penza p.8)
    assignments: tuple[AssignmentFacts, ...] = ()


@dataclass(frozen=True)
class StepDeadline:
    """One open step: its clause, due instant (None while paused), who must act."""

    step: Step
    clause: str
    due_at: datetime | None
    responsible_role: Role
    assignment_id: int | None
    budget: Timing
    started_at: datetime
    remaining: timedelta | None = None  # while paused: the budget left when the pause began
    conditional: bool = False  # binds only if the step is taken at all (Penza p.9)

    @property
    def paused(self) -> bool:
        """True while the clock is stopped by a clarification pause."""
        return self.due_at is None

    def is_overdue(self, now: datetime) -> bool:
        """True when the step is still open at `now` and its due instant has passed."""
        return self.due_at is not None and now > self.due_at


@dataclass(frozen=True)
class ClockReading:
    """A budget run against a clock with pauses: the due instant, or the budget left."""

    due_at: datetime | None
    remaining: timedelta


class _Clock:
    """Working or calendar time over one WorkCalendar (the answer deadline has the switch)."""

    def __init__(self, calendar: WorkCalendar, basis: TimeBasis) -> None:
        self.calendar, self.basis = calendar, basis

    def add(self, start: datetime, work: timedelta) -> datetime:
        if self.basis is TimeBasis.WORKING:
            return self.calendar.add(start, work)
        # Calendar hours are elapsed hours: count in UTC so a DST change does not shift them.
        return (start.astimezone(UTC) + work).astimezone(self.calendar.tz)

    def between(self, start: datetime, end: datetime) -> timedelta:
        if self.basis is TimeBasis.WORKING:
            return self.calendar.between(start, end)
        return end - start


def run_clock(
    calendar: WorkCalendar,
    basis: TimeBasis,
    start: datetime,
    budget: timedelta,
    pauses: Iterable[Pause] = (),
) -> ClockReading:
    """Spend `budget` from `start`, the clock stopped inside every pause."""
    clock = _Clock(calendar, basis)
    t, left = start, budget
    for pause in sorted(pauses, key=lambda p: p.start):
        if pause.end is not None and pause.end <= t:
            continue  # over before the clock reached it
        begin = max(pause.start, t)
        due = clock.add(t, left)
        if due <= begin:
            break  # the budget runs out before this pause
        left -= clock.between(t, begin)
        if pause.end is None:
            return ClockReading(None, left)
        t = pause.end
    return ClockReading(clock.add(t, left), left)


def answer_due(
    profile: RegulationProfile,
    calendar: WorkCalendar,
    detected_at: datetime,
    importance: Importance,
    pauses: Iterable[Pause] = (),
) -> ClockReading:
    """When the answer is due (Penza p.10, Parfino pp.8–10), with clarification pauses."""
    budget = profile.timings.answer(importance).duration
    return run_clock(calendar, profile.answer_basis, detected_at, budget, pauses)


def _role(profile: RegulationProfile, duty: Duty) -> Role:
    return profile.roles_for(duty)[0]


def _simple(
    step: Step,
    timing: Timing,
    start: datetime,
    role: Role,
    calendar: WorkCalendar,
    assignment_id: int | None = None,
    conditional: bool = False,
) -> StepDeadline:
    due = calendar.add(start, timing.duration)
    return StepDeadline(
        step, timing.clause, due, role, assignment_id, timing, start, conditional=conditional
    )


def _answer_and_draft(
    profile: RegulationProfile,
    calendar: WorkCalendar,
    facts: CaseFacts,
    assignment_id: int | None,
    pauses: tuple[Pause, ...],
    with_draft: bool,
) -> list[StepDeadline]:
    """The answer step and the draft step counted back from it (Penza p.11, Parfino pp.11–12)."""
    answer = profile.timings.answer(facts.importance)
    reading = answer_due(profile, calendar, facts.detected_at, facts.importance, pauses)
    remaining = reading.remaining if reading.due_at is None else None
    out = [
        StepDeadline(
            Step.ANSWER,
            answer.clause,
            reading.due_at,
            _role(profile, Duty.PUBLISH),
            assignment_id,
            answer,
            facts.detected_at,
            remaining,
        )
    ]
    if with_draft:
        lead = profile.timings.draft_lead(facts.importance)
        # p.11 counts the lead back in working time even when the answer counts calendar hours;
        # a calendar-hour deadline at night can put that before detection: then due at once.
        due = None
        if reading.due_at is not None:
            due = max(calendar.add(reading.due_at, -lead.duration), facts.detected_at)
        left = None if remaining is None else remaining - lead.duration
        out.append(
            StepDeadline(
                Step.DRAFT,
                lead.clause,
                due,
                _role(profile, Duty.DRAFT),
                assignment_id,
                lead,
                facts.detected_at,
                left,
            )
        )
    return out


_ANSWER_OPEN = {
    AssignmentState.ASSIGNED,
    AssignmentState.DRAFT_SUBMITTED,
    AssignmentState.RETURNED_FOR_REVISION,
    AssignmentState.APPROVED,
    AssignmentState.AWAITING_REPLY,
}


def _assignment_steps(
    profile: RegulationProfile, calendar: WorkCalendar, facts: CaseFacts, a: AssignmentFacts
) -> list[StepDeadline]:
    t, out = profile.timings, []
    executor, approver = _role(profile, Duty.DRAFT), _role(profile, Duty.APPROVE)
    if a.state in _ANSWER_OPEN and a.intermediate_published_at is None:
        with_draft = a.state is AssignmentState.ASSIGNED and not a.clarified
        # Penza-2020 counts a clarification within the draft deadline: its clock never stops.
        pauses = a.pauses if profile.clarification_pauses else ()
        out += _answer_and_draft(profile, calendar, facts, a.id, pauses, with_draft)
    roc = t.return_outside_competence
    if roc and a.state is AssignmentState.ASSIGNED and a.submitted_at is None:
        out.append(
            _simple(
                Step.RETURN_OUTSIDE_COMPETENCE,
                roc,
                a.received_at,
                executor,
                calendar,
                a.id,
                conditional=True,
            )
        )
    if a.state is AssignmentState.DRAFT_SUBMITTED and a.submitted_at:
        out.append(_simple(Step.REVIEW, t.review, a.submitted_at, approver, calendar, a.id))
    if a.state is AssignmentState.RETURNED_FOR_REVISION and a.returned_at:
        out.append(_simple(Step.REVISE, t.revise, a.returned_at, executor, calendar, a.id))
    # Where no clause times publication (Penza), the answer deadline binds it, except for the
    # final answer after an intermediate one: then the organisation's publication window does.
    publish = t.publish or (t.publish_window if a.intermediate_published_at else None)
    if publish and a.state is AssignmentState.APPROVED and a.approved_at:
        publisher = _role(profile, Duty.PUBLISH)
        out.append(_simple(Step.PUBLISH, publish, a.approved_at, publisher, calendar, a.id))
    if a.state is AssignmentState.AWAITING_FINAL and a.intermediate_published_at:
        final = t.final_after_intermediate
        start = a.intermediate_published_at
        due = calendar.add_working_days(start, final.working_days)
        out.append(StepDeadline(Step.FINAL_DRAFT, final.clause, due, executor, a.id, final, start))
    return out


_CLOSED_ASSIGNMENT = {AssignmentState.RETURNED_OUTSIDE_COMPETENCE, AssignmentState.DONE}


def step_deadlines(
    profile: RegulationProfile, calendar: WorkCalendar, facts: CaseFacts
) -> list[StepDeadline]:
    """Every open step of the case with its due instant, in due order (paused ones last)."""
    t, out = profile.timings, []
    if facts.state is MessageState.HANDING_OVER and t.hand_over and facts.handed_over_at is None:
        role = _role(profile, Duty.HAND_OVER)
        out.append(_simple(Step.HAND_OVER, t.hand_over, facts.detected_at, role, calendar))
    if facts.state is MessageState.ROUTING and t.route and facts.routed_at is None:
        role = _role(profile, Duty.ROUTE)
        out.append(_simple(Step.ROUTE, t.route, facts.detected_at, role, calendar))
    active = [a for a in facts.assignments if a.state not in _CLOSED_ASSIGNMENT]
    waiting = facts.state in (MessageState.HANDING_OVER, MessageState.ROUTING)
    if waiting and not active:
        # Before any department has it, the case still runs against p.10 / pp.8–9 and p.11.
        out += _answer_and_draft(profile, calendar, facts, None, (), with_draft=True)
    if facts.state in (MessageState.ROUTING, MessageState.IN_WORK):
        for a in facts.assignments:
            out += _assignment_steps(profile, calendar, facts, a)
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(out, key=lambda d: (d.due_at or far, d.step, d.assignment_id or 0))


def binding_deadline(deadlines: Iterable[StepDeadline]) -> StepDeadline | None:
    """The earliest due step that binds (not paused, not conditional), or None."""
    binding = [d for d in deadlines if d.due_at is not None and not d.conditional]
    return min(binding, key=lambda d: d.due_at or datetime.max.replace(tzinfo=UTC), default=None)
