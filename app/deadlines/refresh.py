"""Recompute and store the deadlines of a case after every change (in UTC)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.db.json_columns import json_value
from app.db.tables import Assignment, Message, Publication
from app.deadlines.violations import record_closed_steps
from app.domain.deadlines import (
    AssignmentFacts,
    CaseFacts,
    Pause,
    StepDeadline,
    binding_deadline,
    step_deadlines,
)
from app.domain.lifecycle import AssignmentState, DraftKind, MessageState
from app.domain.regulation.model import Importance
from app.identity.organisations import OrganisationRules


def pauses_from_row(raw: Any) -> tuple[Pause, ...]:
    """Clarification pauses as stored on an assignment."""
    items = json_value(raw) or []
    return tuple(
        Pause(
            datetime.fromisoformat(p["start"]),
            datetime.fromisoformat(p["end"]) if p.get("end") else None,
        )
        for p in items
    )


def _assignment_facts(row: dict[str, Any], clarified: set[int]) -> AssignmentFacts:
    return AssignmentFacts(
        id=row["id"],
        state=AssignmentState(row["state"]),
        received_at=row["assigned_at"],
        submitted_at=row["submitted_at"],
        returned_at=row["returned_at"],
        approved_at=row["approved_at"],
        intermediate_published_at=row["intermediate_published_at"],
        pauses=pauses_from_row(row["pauses"]),
        clarified=row["id"] in clarified,
    )


async def case_deadlines(rules: OrganisationRules, message_id: int) -> list[StepDeadline]:
    """Every open step of the case, computed from the stored facts."""
    message = await Message.select().where(Message.id == message_id).first()
    if message is None or message["detected_at"] is None:
        return []
    state = MessageState(message["state"])
    if state in (MessageState.COLLECTED, MessageState.REFUSED, MessageState.DONE):
        return []
    assignments = await Assignment.select().where(Assignment.message == message_id)
    clarifications = await Publication.select(Publication.assignment).where(
        (Publication.message == message_id) & (Publication.kind == DraftKind.CLARIFICATION)
    )
    clarified = {r["assignment"] for r in clarifications}
    facts = CaseFacts(
        detected_at=message["detected_at"],
        importance=Importance(message["importance"]),
        state=state,
        handed_over_at=message["handed_over_at"],
        routed_at=message["routed_at"],
        assignments=tuple(_assignment_facts(a, clarified) for a in assignments),
    )
    return step_deadlines(rules.profile, rules.calendar, facts)


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


def deadlinejson_value(d: StepDeadline) -> dict[str, Any]:
    """A step deadline as stored in message.deadlines."""
    return {
        "step": str(d.step),
        "clause": d.clause,
        "due_at": d.due_at.astimezone(UTC).isoformat() if d.due_at else None,
        "started_at": d.started_at.astimezone(UTC).isoformat(),
        "role": str(d.responsible_role),
        "assignment_id": d.assignment_id,
        "remaining_seconds": d.remaining.total_seconds() if d.remaining is not None else None,
        "conditional": d.conditional,
    }


async def refresh_deadlines(rules: OrganisationRules, message_id: int) -> list[StepDeadline]:
    """Store the case's deadlines and the binding one of the case and of each assignment;
    steps the change closed after their due instant become violations (app.deadlines.violations)."""
    before = await Message.select(Message.deadlines).where(Message.id == message_id).first()
    deadlines = await case_deadlines(rules, message_id)
    binding = binding_deadline(deadlines)
    answer = next((d for d in deadlines if str(d.step) == "answer" and d.due_at), None)
    stored = [deadlinejson_value(d) for d in deadlines]
    await Message.update(
        {
            Message.deadlines: stored,
            Message.binding_due_at: _utc(binding.due_at) if binding else None,
            Message.binding_step: str(binding.step) if binding else "",
            Message.answer_due_at: _utc(answer.due_at) if answer else None,
        }
    ).where(Message.id == message_id)
    for row in await Assignment.select(Assignment.id).where(Assignment.message == message_id):
        own = binding_deadline(d for d in deadlines if d.assignment_id == row["id"])
        await Assignment.update(
            {
                Assignment.due_at: _utc(own.due_at) if own else None,
                Assignment.due_step: str(own.step) if own else "",
            }
        ).where(Assignment.id == row["id"])
    previous = json_value(before["deadlines"]) if before else []
    await record_closed_steps(rules, message_id, previous, stored)
    return deadlines
