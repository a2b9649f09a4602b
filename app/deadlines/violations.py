"""Violations: a step deadline that passed, recorded once, attributed, resolved when acted on.

Recorded by the sweep while a step is open past its due instant, and by `record_closed_steps`
when an action closes a step after its due instant (so a step missed while the worker was down
is not lost). The action's instant gives the final lateness in working minutes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core import clock, links
from app.db.tables import Assignment, Draft, Message, Organisation, Violation
from app.domain.breaches import BREACH_TITLES, BreachKind
from app.domain.escalation import Staff
from app.domain.lifecycle import STEP_TITLES, AssignmentState, Step
from app.domain.roles import Role
from app.domain.timers import OpenStep, closed_late, late_minutes
from app.identity.organisations import OrganisationRules
from app.identity.staff import load_staff


@dataclass(frozen=True)
class AssignmentRefs:
    """Who works on an assignment: its department, named executor, latest draft's author."""

    department_id: int
    executor_id: int | None = None
    draft_author_id: int | None = None


async def assignment_refs(message_ids: Sequence[int]) -> dict[int, AssignmentRefs]:
    """Refs of every assignment of these messages, by assignment id."""
    if not message_ids:
        return {}
    rows = await Assignment.select(Assignment.id, Assignment.department, Assignment.executor).where(
        Assignment.message.is_in(list(message_ids))
    )
    authors: dict[int, int] = {}
    if rows:
        drafts = (
            await Draft.select(Draft.assignment, Draft.author)
            .where(Draft.assignment.is_in([r["id"] for r in rows]) & Draft.author.is_not_null())
            .order_by(Draft.number)
        )
        authors = {d["assignment"]: d["author"] for d in drafts}  # the latest wins
    return {
        r["id"]: AssignmentRefs(r["department"], r["executor"], authors.get(r["id"])) for r in rows
    }


def attribute(
    staff: Staff, step: OpenStep, refs: AssignmentRefs | None, screened_by: int | None
) -> tuple[int | None, int | None, int | None]:
    """(responsible user, their substitute if absent, department) of a step (Penza p.18,
    Parfino p.21: the executor answers for timeliness; other steps: the role's holder)."""
    role = Role(step.role)
    department = refs.department_id if refs else None
    if role is Role.EXECUTOR and refs is None:
        return None, None, None  # a case-level draft before routing: no executor has it yet
    if role is Role.EXECUTOR and refs is not None:
        fallback = refs.executor_id or refs.draft_author_id
    else:
        fallback = screened_by
    user = staff.responsible(role, department, fallback)
    substitute = staff.substitutes.get(user) if user is not None else None
    return user, substitute, department


async def record_violation(
    rules: OrganisationRules,
    staff: Staff,
    step: OpenStep,
    refs: AssignmentRefs | None,
    screened_by: int | None,
    now: datetime,
    resolved: bool = False,
) -> int | None:
    """Insert the violation unless its key exists; its id when this call recorded it."""
    assert step.due_at is not None
    user, substitute, department = attribute(staff, step, refs, screened_by)
    late = late_minutes(rules.calendar, step.due_at, now)
    row = Violation(
        organisation=rules.id,
        message=step.message_id,
        assignment=step.assignment_id,
        step=str(step.step),
        clause=step.clause,
        started_at=step.started_at,
        due_at=step.due_at,
        responsible_role=step.role,
        responsible_user=user,
        substitute_user=substitute,
        department=department,
        recorded_at=now,
        late_minutes=late,
        resolved_at=now if resolved else None,
        final_late_minutes=late if resolved else None,
        dedup_key=step.key,
    )
    inserted = (
        await Violation.insert(row)
        .on_conflict(target=Violation.dedup_key, action="DO NOTHING")
        .returning(Violation.id)
    )
    return inserted[0]["id"] if inserted else None


async def case_level_recorded(message_id: int, step: Step, due_at: datetime) -> bool:
    """True when the case-level step (before routing) with this due instant was recorded:
    the assignment that carries it on is not charged again for the same lateness."""
    return await Violation.exists().where(
        (Violation.message == message_id)
        & Violation.assignment.is_null()
        & (Violation.step == str(step))
        & (Violation.due_at == due_at)
    )


def _steps(message_id: int, raw: Any) -> list[OpenStep]:
    return [OpenStep.from_json(message_id, d) for d in raw or ()]


async def record_closed_steps(
    rules: OrganisationRules,
    message_id: int,
    before: Iterable[Mapping[str, Any]],
    after: Iterable[Mapping[str, Any]],
) -> None:
    """After an action recomputed a case's deadlines: record steps it closed late and give
    every violation whose step is now closed its final lateness (run inside the action)."""
    now = clock.now()
    old, new = _steps(message_id, before), _steps(message_id, after)
    returned: list[int] = []
    if any(s.conditional and s.due_at and s.due_at < now for s in old):
        rows = await Assignment.select(Assignment.id).where(
            (Assignment.message == message_id)
            & (Assignment.state == str(AssignmentState.RETURNED_OUTSIDE_COMPETENCE))
        )
        returned = [r["id"] for r in rows]
    late = closed_late(old, new, now, returned)
    if late:
        staff = await load_staff(rules.id, now.astimezone(rules.calendar.tz).date())
        refs = await assignment_refs([message_id])
        message = await Message.select(Message.screened_by).where(Message.id == message_id).first()
        screened_by = message["screened_by"] if message else None
        for step in late:
            if step.assignment_id and await case_level_recorded(message_id, step.step, step.due_at):  # type: ignore[arg-type]
                continue
            ref = refs.get(step.assignment_id) if step.assignment_id else None
            await record_violation(rules, staff, step, ref, screened_by, now, resolved=True)
    await resolve_closed(rules, message_id, new, now)


async def resolve_closed(
    rules: OrganisationRules, message_id: int, open_steps: Sequence[OpenStep], now: datetime
) -> None:
    """Final lateness for the case's unresolved violations whose step is no longer open."""
    rows = await Violation.select(
        Violation.id,
        Violation.step,
        Violation.assignment,
        Violation.due_at,
        Violation.clause,
        Violation.started_at,
        Violation.responsible_role,
    ).where((Violation.message == message_id) & Violation.resolved_at.is_null())
    for r in rows:
        step = OpenStep(
            message_id,
            Step(r["step"]),
            r["clause"],
            r["due_at"],
            r["started_at"],
            r["responsible_role"],
            r["assignment"],
        )
        if any(step.continues(s) for s in open_steps):
            continue
        await Violation.update(
            {
                Violation.resolved_at: now,
                Violation.final_late_minutes: late_minutes(rules.calendar, r["due_at"], now),
            }
        ).where((Violation.id == r["id"]) & Violation.resolved_at.is_null())


# -- oversight (the official's page, the reports of Penza p.19 and Parfino p.22) -------------


@dataclass(frozen=True)
class ViolationView:
    """One violation as the official's page and the violations report show it."""

    id: int
    message_id: int
    assignment_id: int | None
    step: str
    clause: str
    started_at: datetime
    due_at: datetime
    recorded_at: datetime
    late_minutes: int
    resolved_at: datetime | None
    final_late_minutes: int | None
    responsible_role: str
    responsible_user_id: int | None
    responsible_name: str
    substitute_name: str
    department_id: int | None
    department_name: str
    case_url: str
    kind: str = str(BreachKind.DEADLINE)
    description: str = ""  # what was wrong (a breach the official recorded)
    decision: str = ""  # the official's decision, and the measures taken
    measures: str = ""
    decided_by_name: str = ""
    decided_at: datetime | None = None

    @property
    def is_deadline(self) -> bool:
        """True for a missed deadline (recorded by the timers)."""
        return self.kind == BreachKind.DEADLINE

    @property
    def step_title(self) -> str:
        """The step's Russian title, or the kind of a breach other than a deadline."""
        if not self.is_deadline:
            return BREACH_TITLES.get(BreachKind(self.kind), self.kind)
        return STEP_TITLES.get(Step(self.step), self.step)

    @property
    def lateness_minutes(self) -> int:
        """Final lateness once acted on, else the lateness when recorded."""
        return self.final_late_minutes if self.final_late_minutes is not None else self.late_minutes


async def list_violations(
    organisation_id: int,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    department_id: int | None = None,
    user_id: int | None = None,
    step: str | None = None,
    unresolved_only: bool = False,
    limit: int = 500,
) -> list[ViolationView]:
    """Violations of the organisation whose due instant lies in [start, end), newest first."""
    slug = await Organisation.select(Organisation.slug).where(Organisation.id == organisation_id)
    org_slug = str(slug[0]["slug"]) if slug else ""
    v = Violation
    query = v.select(
        *v.all_columns(),
        v.responsible_user.full_name.as_alias("responsible_name"),
        v.substitute_user.full_name.as_alias("substitute_name"),
        v.department.name.as_alias("department_name"),
        v.decided_by.full_name.as_alias("decided_by_name"),
    ).where(v.organisation == organisation_id)
    if start is not None:
        query = query.where(v.due_at >= start)
    if end is not None:
        query = query.where(v.due_at < end)
    if department_id is not None:
        query = query.where(v.department == department_id)
    if user_id is not None:
        query = query.where((v.responsible_user == user_id) | (v.substitute_user == user_id))
    if step:
        query = query.where(v.step == step)
    if unresolved_only:
        query = query.where(v.resolved_at.is_null())
    rows = await query.order_by(v.due_at, ascending=False).order_by(v.id).limit(limit)
    return [
        ViolationView(
            r["id"],
            r["message"],
            r["assignment"],
            r["step"],
            r["clause"],
            r["started_at"],
            r["due_at"],
            r["recorded_at"],
            r["late_minutes"],
            r["resolved_at"],
            r["final_late_minutes"],
            r["responsible_role"],
            r["responsible_user"],
            r["responsible_name"] or "",
            r["substitute_name"] or "",
            r["department"],
            r["department_name"] or "",
            links.case(org_slug, r["message"]),
            kind=r["kind"],
            description=r["description"],
            decision=r["decision"],
            measures=r["measures"],
            decided_by_name=r["decided_by_name"] or "",
            decided_at=r["decided_at"],
        )
        for r in rows
    ]


async def violations_for_period(
    organisation_id: int, start: datetime, end: datetime
) -> list[ViolationView]:
    """Every violation due in [start, end): the data of the violations report (Parfino p.22)."""
    return await list_violations(organisation_id, start=start, end=end, limit=100_000)
