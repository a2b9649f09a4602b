"""Breaches the official records by hand, and the official's decision on any breach
(Penza pp.18–19, Parfino pp.21–22); pure rules in app.domain.breaches."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from app.core import clock
from app.core.errors import UserError
from app.db.tables import Assignment, Membership, Message, Violation
from app.domain.breaches import BREACH_TITLES, BreachKind, checked_breach, checked_decision
from app.domain.roles import Role
from app.identity.actor import ActorContext
from app.identity.organisations import organisation_rules
from app.journal.events import EventActor, record_event

# Who records breaches and decides on them: the responsible officials (Penza p.19, Parfino
# p.22); the head too, above them.
OVERSEERS = (Role.OFFICIAL, Role.HEAD)
# Who sees a case's breaches: the overseers, and the specialist who compiles the reports.
SEES_BREACHES = frozenset({*OVERSEERS, Role.SPECIALIST})


class BreachError(UserError):
    """A breach or decision refused; nothing was changed."""


def _overseer(ctx: ActorContext) -> EventActor:
    role = next((r for r in OVERSEERS if r in ctx.roles), None)
    if role is None:
        raise BreachError(
            "Нарушения фиксирует и решения по ним принимает ответственное должностное лицо.", "role"
        )
    return EventActor(ctx.user_id, str(role), ctx.substitute_for(role))


async def record_breach(
    ctx: ActorContext,
    message_id: int,
    kind: str,
    description: str,
    person_id: int | None,
    assignment_id: int | None = None,
) -> int:
    """Record a breach other than a missed deadline against a case and a person; its id."""
    actor = _overseer(ctx)
    breach, text = checked_breach(kind, description)
    message = (
        await Message.select(Message.id)
        .where((Message.id == message_id) & (Message.organisation == ctx.organisation_id))
        .first()
    )
    if message is None:
        raise BreachError("Сообщение не найдено.", "not_found")
    department, role = None, ""
    if assignment_id is not None:
        a = (
            await Assignment.select(Assignment.department)
            .where((Assignment.id == assignment_id) & (Assignment.message == message_id))
            .first()
        )
        if a is None:
            raise BreachError("Поручение не относится к этому сообщению.", "assignment")
        department = a["department"]
    if person_id is not None:
        roles = await Membership.select(Membership.role).where(
            (Membership.user == person_id) & (Membership.organisation == ctx.organisation_id)
        )
        if not roles:
            raise BreachError("Сотрудник не найден в организации.", "person")
        role = str(roles[0]["role"])
    rules = await organisation_rules(ctx.organisation_id)
    now = clock.now()
    async with Violation._meta.db.transaction():
        row = Violation(
            organisation=ctx.organisation_id,
            message=message_id,
            assignment=assignment_id,
            step="",
            clause=rules.profile.reports.violations.clause,
            started_at=now,
            due_at=now,
            responsible_role=role,
            responsible_user=person_id,
            department=department,
            recorded_at=now,
            resolved_at=now,
            escalated_at=now,  # recorded by the official: nobody above needs telling
            dedup_key=f"breach:{message_id}:{uuid.uuid4().hex}",
            kind=str(breach),
            description=text,
            recorded_by=ctx.user_id,
        )
        await row.save()
        await record_event(
            ctx.organisation_id,
            "breach_recorded",
            actor,
            message_id=message_id,
            assignment_id=assignment_id,
            after={"violation": row.id, "kind": str(breach), "person": person_id},
            comment=text,
        )
    return int(row.id)


def oversees(ctx: ActorContext) -> bool:
    """True when this person records breaches and decides on them."""
    return any(r in ctx.roles for r in OVERSEERS)


async def decide_breach(
    ctx: ActorContext, message_id: int, violation_id: int, decision: str, measures: str
) -> None:
    """The official's decision on a breach of a case (either kind) and the measures taken."""
    actor = _overseer(ctx)
    note = checked_decision(decision, measures)
    row = (
        await Violation.select(Violation.id, Violation.message, Violation.decision)
        .where(
            (Violation.id == violation_id)
            & (Violation.organisation == ctx.organisation_id)
            & (Violation.message == message_id)
        )
        .first()
    )
    if row is None:
        raise BreachError("Нарушение не найдено.", "not_found")
    async with Violation._meta.db.transaction():
        await Violation.update(
            {
                Violation.decision: note.decision,
                Violation.measures: note.measures,
                Violation.decided_by: ctx.user_id,
                Violation.decided_at: clock.now(),
            }
        ).where(Violation.id == violation_id)
        await record_event(
            ctx.organisation_id,
            "breach_decided",
            actor,
            message_id=row["message"],
            before={"decision": row["decision"]},
            after={"violation": violation_id, "decision": note.decision, "measures": note.measures},
        )


@dataclass(frozen=True)
class CaseBreach:
    """A breach of one case as the case page shows it."""

    id: int
    kind: str
    step: str
    recorded_at: datetime
    description: str
    responsible_name: str
    decision: str
    measures: str
    decided_by_name: str
    decided_at: datetime | None

    @property
    def kind_title(self) -> str:
        """Russian name of the kind."""
        return BREACH_TITLES.get(BreachKind(self.kind), self.kind)


async def case_breaches(organisation_id: int, message_id: int) -> list[CaseBreach]:
    """Every breach of a case, oldest first."""
    v = Violation
    rows = (
        await v.select(
            v.id,
            v.kind,
            v.step,
            v.recorded_at,
            v.description,
            v.decision,
            v.measures,
            v.decided_at,
            v.responsible_user.full_name.as_alias("responsible_name"),
            v.decided_by.full_name.as_alias("decided_by_name"),
        )
        .where((v.organisation == organisation_id) & (v.message == message_id))
        .order_by(v.id)
    )
    return [
        CaseBreach(
            id=r["id"],
            kind=r["kind"],
            step=r["step"],
            recorded_at=r["recorded_at"],
            description=r["description"],
            responsible_name=r["responsible_name"] or "",
            decision=r["decision"],
            measures=r["measures"],
            decided_by_name=r["decided_by_name"] or "",
            decided_at=r["decided_at"],
        )
        for r in rows
    ]
