"""Timer rules: when a step's warnings and deadline fall due, and the keys that make each once.

A step is one entry of `Message.deadlines` (see app.deadlines.refresh.deadline_json). A warning
falls due when a share of the step's budget is left (default 50 % and 20 %), counted back from
the due instant in the organisation's working time; the deadline notice and the violation fall
due at the due instant. Nothing here reads the clock: "now" is the caller's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from app.domain.activity import ActivityRule
from app.domain.lifecycle.model import Step
from app.domain.regulation.model import Importance, RegulationProfile, TimeBasis
from app.domain.worktime import WorkCalendar

DEFAULT_WARNING_SHARES: tuple[float, ...] = (0.5, 0.2)
# A product rule (issue #12): deadlines start when a message is marked, so a message left
# unscreened this long (working minutes) is brought to the specialist's and official's notice.
DEFAULT_UNSCREENED_MINUTES = 60
MAX_UNSCREENED_MINUTES = 60 * 24 * 5
# A product rule (issue #12): where high importance calls for the immediate report (Parfino
# p.9 = p.24), the specialist is reminded when it was not sent this long after marking.
DEFAULT_IMMEDIATE_REPORT_MINUTES = 30
# A product rule (issue #14): an answer the network still refuses this long (calendar
# minutes) after «Разместить через …» was pressed is brought to the publisher's notice, to
# post it by hand. Data: `alert_settings["publication_failing_minutes"]`.
DEFAULT_PUBLICATION_FAILING_MINUTES = 30


class AlarmKind(StrEnum):
    """What falls due for a step: a warning before the deadline, or the deadline itself."""

    WARNING = "warning"
    DEADLINE = "deadline"


@dataclass(frozen=True)
class AlertSettings:
    """An organisation's timer and alert settings (stored as `Organisation.alert_settings`)."""

    warning_shares: tuple[float, ...] = DEFAULT_WARNING_SHARES
    activity: ActivityRule = field(default_factory=ActivityRule)
    unscreened_minutes: int = DEFAULT_UNSCREENED_MINUTES  # working minutes before the alert
    immediate_report_minutes: int = DEFAULT_IMMEDIATE_REPORT_MINUTES  # before the reminder
    publication_failing_minutes: int = DEFAULT_PUBLICATION_FAILING_MINUTES  # before the alert

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> AlertSettings:
        """Settings from stored JSON; missing keys take the defaults, bad values are refused."""
        data = data or {}
        shares = tuple(float(s) for s in data.get("warning_shares", DEFAULT_WARNING_SHARES))
        if any(not 0 < s < 1 for s in shares):
            raise ValueError("warning shares must lie strictly between 0 and 1")
        activity = ActivityRule.from_mapping(data.get("activity") or {})
        unscreened = int(data.get("unscreened_minutes", DEFAULT_UNSCREENED_MINUTES))
        immediate = int(data.get("immediate_report_minutes", DEFAULT_IMMEDIATE_REPORT_MINUTES))
        failing = int(data.get("publication_failing_minutes", DEFAULT_PUBLICATION_FAILING_MINUTES))
        if not all(1 <= m <= MAX_UNSCREENED_MINUTES for m in (unscreened, immediate, failing)):
            raise ValueError("alerts must come after 1 minute to 5 working days")
        shares = tuple(sorted(set(shares), reverse=True))
        return cls(shares, activity, unscreened, immediate, failing)

    @property
    def immediate_report_limit(self) -> timedelta:
        """How long (working time) after marking «высокая» the immediate report may wait."""
        return timedelta(minutes=self.immediate_report_minutes)

    @property
    def publication_failing_limit(self) -> timedelta:
        """How long (calendar time) a network may refuse an answer before the publisher hears."""
        return timedelta(minutes=self.publication_failing_minutes)

    @property
    def unscreened_limit(self) -> timedelta:
        """How long (working time) a message may wait unscreened before the alert."""
        return timedelta(minutes=self.unscreened_minutes)


@dataclass(frozen=True)
class OpenStep:
    """One stored step deadline of a case."""

    message_id: int
    step: Step
    clause: str
    due_at: datetime | None
    started_at: datetime
    role: str
    assignment_id: int | None
    conditional: bool = False

    @classmethod
    def from_json(cls, message_id: int, raw: Mapping[str, Any]) -> OpenStep:
        """A step from one entry of `Message.deadlines`."""
        due = raw.get("due_at")
        return cls(
            message_id=message_id,
            step=Step(raw["step"]),
            clause=str(raw.get("clause", "")),
            due_at=datetime.fromisoformat(due) if due else None,
            started_at=datetime.fromisoformat(raw["started_at"]),
            role=str(raw.get("role", "")),
            assignment_id=raw.get("assignment_id"),
            conditional=bool(raw.get("conditional", False)),
        )

    @property
    def key(self) -> str:
        """Identity of this step and due instant: `message:assignment:step:due`."""
        due = self.due_at.isoformat() if self.due_at else "paused"
        return f"{self.message_id}:{self.assignment_id or 0}:{self.step}:{due}"

    def continues(self, other: OpenStep) -> bool:
        """True when `other` (after a change) is still this step: same step, same assignment,
        or a case-level step carried on by an assignment with the same due instant."""
        if other.step is not self.step:
            return False
        if other.assignment_id == self.assignment_id:
            return True
        return self.assignment_id is None and other.due_at == self.due_at


@dataclass(frozen=True)
class Alarm:
    """A warning (with the share of budget left) or the deadline, and when it falls due."""

    kind: AlarmKind
    at: datetime
    share: float | None = None

    @property
    def code(self) -> str:
        """`warning50`, `warning20`, `deadline`: part of the notification's unique key."""
        if self.share is None:
            return str(self.kind)
        return f"{self.kind}{round(self.share * 100)}"


def step_budget(
    profile: RegulationProfile, calendar: WorkCalendar, step: OpenStep, importance: Importance
) -> timedelta:
    """The step's whole budget: the profile's timing, or the span from start to due."""
    t = profile.timings
    fixed = {
        Step.HAND_OVER: t.hand_over,
        Step.ROUTE: t.route,
        Step.RETURN_OUTSIDE_COMPETENCE: t.return_outside_competence,
        Step.ANSWER: t.answer(importance),
        Step.REVIEW: t.review,
        Step.REVISE: t.revise,
        Step.PUBLISH: t.publish or t.publish_window,
    }.get(step.step)
    if fixed is not None and fixed.minutes:
        return fixed.duration
    # The draft step (answer minus lead) and the final draft (working days): their span.
    assert step.due_at is not None
    return calendar.between(step.started_at, step.due_at)


def step_alarms(
    calendar: WorkCalendar,
    step: OpenStep,
    budget: timedelta,
    shares: Iterable[float] = DEFAULT_WARNING_SHARES,
    basis: TimeBasis = TimeBasis.WORKING,
) -> list[Alarm]:
    """The warnings (a share of `budget` left before due) and the deadline, in time order."""
    if step.due_at is None:
        return []
    out = []
    for share in sorted(shares, reverse=True):
        left = budget * share
        working = basis is TimeBasis.WORKING
        at = calendar.add(step.due_at, -left) if working else step.due_at - left
        out.append(Alarm(AlarmKind.WARNING, max(at, step.started_at), share))
    out.append(Alarm(AlarmKind.DEADLINE, step.due_at))
    return sorted(out, key=lambda a: a.at)


def step_basis(profile: RegulationProfile, step: OpenStep) -> TimeBasis:
    """Calendar hours only for the answer step of a profile switched to them (Penza p.10)."""
    return profile.answer_basis if step.step is Step.ANSWER else TimeBasis.WORKING


def working_minutes(calendar: WorkCalendar, start: datetime, end: datetime) -> int:
    """Whole working minutes from `start` to `end` (0 when `end` is not later)."""
    return max(int(calendar.between(start, end).total_seconds() // 60), 0)


def late_minutes(calendar: WorkCalendar, due_at: datetime, at: datetime) -> int:
    """Whole working minutes from the due instant to `at` (0 when not late)."""
    return working_minutes(calendar, due_at, at)


def closed_late(
    before: Iterable[OpenStep],
    after: Iterable[OpenStep],
    now: datetime,
    returned_assignments: Iterable[int] = (),
) -> list[OpenStep]:
    """Steps that a change closed after their due instant: each is a violation.

    A conditional step (Penza p.9) is a violation only when it was taken, i.e. its assignment
    was returned outside competence; otherwise a draft closed it and it never bound.
    """
    after = list(after)
    returned = set(returned_assignments)
    out = []
    for old in before:
        if old.due_at is None or old.due_at >= now:
            continue
        if old.conditional and old.assignment_id not in returned:
            continue
        if not any(old.continues(new) for new in after):
            out.append(old)
    return out
