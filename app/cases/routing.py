"""Routing a message to departments (Penza p.8; Parfino pp.7, 17)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.cases.transaction import (
    MAX_TOPIC,
    CaseError,
    Outcome,
    apply_rule,
    event_actor,
    in_transaction,
    message_row,
    save_message,
)
from app.core import clock
from app.db.tables import Assignment, Department, Message
from app.deadlines.refresh import refresh_deadlines
from app.domain.lifecycle import (
    AssignmentState,
    MessageAction,
    MessageState,
)
from app.identity.actor import ActorContext
from app.identity.organisations import organisation_rules
from app.journal.events import record_event
from app.screening.decisions import record_routing


@dataclass(frozen=True)
class RouteTarget:
    """One department to receive an assignment, with the topic it answers."""

    department_id: int
    topic: str = ""


async def route(
    ctx: ActorContext, message_id: int, version: int, targets: list[RouteTarget]
) -> Outcome:
    """Send the message to one or several departments: one assignment each (split, p.17)."""
    if not targets:
        raise CaseError("Выберите хотя бы одно подразделение.", "no_departments")
    if len({t.department_id for t in targets}) != len(targets):
        raise CaseError("Подразделение выбрано дважды.", "duplicate_department")
    rules = await organisation_rules(ctx.organisation_id)

    async def work() -> Outcome:
        row = await message_row(ctx, message_id)
        transition = apply_rule(MessageState(row["state"]), MessageAction.ROUTE, ctx, rules)
        ids = [t.department_id for t in targets]
        known = await Department.select(Department.id, Department.name).where(
            Department.id.is_in(ids)
            & (Department.organisation == ctx.organisation_id)
            & Department.is_active.eq(True)
        )
        if len(known) != len(ids):
            raise CaseError("Подразделение не найдено.", "department_not_found")
        busy = await Assignment.select(Assignment.department.name).where(
            (Assignment.message == message_id)
            & Assignment.department.is_in(ids)
            & Assignment.state.not_in(
                [str(AssignmentState.DONE), str(AssignmentState.RETURNED_OUTSIDE_COMPETENCE)]
            )
        )
        if busy:
            name = busy[0]["department.name"]
            raise CaseError(f"У подразделения «{name}» уже есть поручение по сообщению.", "busy")
        await record_routing(ctx.organisation_id, row, ctx.user_id, [str(d["name"]) for d in known])
        now = clock.now()
        values: dict[Any, Any] = {Message.state: str(transition.target)}
        if row["routed_at"] is None:
            values[Message.routed_at] = now
        await save_message(row, version, values)
        actor = event_actor(ctx, transition)
        for target in targets:
            inserted = await Assignment.insert(
                Assignment(
                    organisation=ctx.organisation_id,
                    message=message_id,
                    department=target.department_id,
                    topic=target.topic.strip()[:MAX_TOPIC],
                    state=str(AssignmentState.ASSIGNED),
                    assigned_by=ctx.user_id,
                    assigned_at=now,
                )
            ).returning(Assignment.id)
            await record_event(
                ctx.organisation_id,
                "routed",
                actor,
                message_id=message_id,
                assignment_id=inserted[0]["id"],
                before={"state": row["state"]},
                after={
                    "state": str(transition.target),
                    "department_id": target.department_id,
                    "topic": target.topic,
                },
            )
        await refresh_deadlines(rules, message_id)
        return Outcome(message_id, None, str(transition.target), "routed")

    return await in_transaction(work, ctx.organisation_id)
