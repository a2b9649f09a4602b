"""Everything about one case for its page: message, assignments, drafts, log, deadlines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.db.json_columns import json_value
from app.db.tables import Assignment, Department, Draft, Event, Message, Publication
from app.domain.intake import NETWORKS
from app.domain.lifecycle import (
    ACTION_TITLES,
    KIND_TITLES,
    STATE_TITLES,
    AssignmentState,
    DraftKind,
    Entity,
    MessageState,
    available_actions,
)
from app.domain.regulation_model import REFUSAL_TITLES, RefusalReason
from app.services.organisations import OrganisationRules
from app.services.queues import Countdown, countdown
from app.services.repeats import earlier_cases
from app.services.substitutes import ActorContext

# Russian names of event kinds for the timeline.
EVENT_TITLES: dict[str, str] = {
    "message_collected": "Сообщение получено",
    "marked": "Отмечено как требующее реагирования",
    "refused": "Признано не подлежащим обработке",
    "screening_undone": "Решение по отбору отменено",
    "reclassified": "Изменены тема или важность",
    "handed_over": "Передано ответственному работнику",
    "routed": "Направлено в подразделение",
    "draft_submitted": "Проект направлен на согласование",
    "draft_resubmitted": "Доработанный проект направлен на согласование",
    "draft_approved": "Проект согласован",
    "draft_returned": "Проект возвращён на доработку",
    "published": "Ответ размещён",
    "reply_recorded": "Получен ответ автора на уточнение",
    "returned_outside_competence": "Возвращено: вопрос не относится к полномочиям",
    "message_assignment_returned": "Возвращено на распределение",
    "message_complete": "Работа по сообщению завершена",
}


@dataclass(frozen=True)
class DeadlineView:
    """One open step of the case."""

    title: str
    clause: str
    assignment_id: int | None
    countdown: Countdown | None
    paused_seconds: float | None
    conditional: bool


@dataclass(frozen=True)
class AssignmentView:
    """One department's assignment with its drafts and the actions this user may take."""

    row: dict[str, Any]
    department: str
    drafts: list[dict[str, Any]]
    publications: list[dict[str, Any]]
    actions: list[str]

    @property
    def state_title(self) -> str:
        """Russian name of the state."""
        return STATE_TITLES[Entity.ASSIGNMENT][AssignmentState(self.row["state"])]

    @property
    def latest_draft(self) -> dict[str, Any] | None:
        """The newest draft version, if any."""
        return self.drafts[-1] if self.drafts else None


@dataclass(frozen=True)
class CaseView:
    """The case page's data."""

    message: dict[str, Any]
    assignments: list[AssignmentView]
    events: list[dict[str, Any]]
    deadlines: list[DeadlineView]
    actions: list[str]
    earlier: dict[str, Any] | None
    departments: list[dict[str, Any]]
    suggestions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def department_of(self) -> dict[int, str]:
        """Department name of each assignment id (for the deadlines list)."""
        return {a.row["id"]: a.department for a in self.assignments}

    @property
    def state_title(self) -> str:
        """Russian name of the message's state."""
        return STATE_TITLES[Entity.MESSAGE][MessageState(self.message["state"])]

    @property
    def network_title(self) -> str:
        """Russian name of the network."""
        return NETWORKS.get(self.message["network"], self.message["network"])

    @property
    def refusal_title(self) -> str:
        """Russian name of the refusal reason, if refused."""
        reason = self.message["refusal_reason"]
        return REFUSAL_TITLES[RefusalReason(reason)] if reason else ""


def action_title(entity: str, action: str) -> str:
    """Russian button label of an action."""
    titles = ACTION_TITLES[Entity(entity)]
    return titles.get(action, action)


def kind_title(kind: str) -> str:
    """Russian name of a draft kind."""
    return KIND_TITLES[DraftKind(kind)]


async def case_view(
    rules: OrganisationRules, ctx: ActorContext, message_id: int
) -> CaseView | None:
    """The case of this organisation, or None (another organisation's case is invisible)."""
    message = (
        await Message.select()
        .where((Message.id == message_id) & (Message.organisation == rules.id))
        .output(load_json=True)
        .first()
    )
    if message is None:
        return None
    rows = (
        await Assignment.select(
            *Assignment.all_columns(), Assignment.department.name.as_alias("dep")
        )
        .where(Assignment.message == message_id)
        .order_by(Assignment.id)
        .output(load_json=True)
    )
    drafts = (
        await Draft.select(*Draft.all_columns(), Draft.author.full_name.as_alias("author_name"))
        .where(Draft.assignment.is_in([r["id"] for r in rows] or [0]))
        .order_by(Draft.number)
        .output(load_json=True)
    )
    publications = await Publication.select().where(Publication.message == message_id)
    events = (
        await Event.select(
            *Event.all_columns(),
            Event.actor.full_name.as_alias("actor_name"),
            Event.substitute_for.full_name.as_alias("substitute_name"),
        )
        .where(Event.message == message_id)
        .order_by(Event.id)
    )
    for event in events:
        event["title"] = EVENT_TITLES.get(event["kind"], event["kind"])
    assignments = [
        AssignmentView(
            row=r,
            department=r["dep"],
            drafts=[d for d in drafts if d["assignment"] == r["id"]],
            publications=[p for p in publications if p["assignment"] == r["id"]],
            actions=_assignment_actions(rules, ctx, r),
        )
        for r in rows
    ]
    earlier = None
    if message["repeat_of"]:
        earlier = (
            await Message.select(Message.id, Message.text, Message.state, Message.detected_at)
            .where((Message.id == message["repeat_of"]) & (Message.organisation == rules.id))
            .first()
        )
    departments = (
        await Department.select(Department.id, Department.name, Department.topics)
        .where((Department.organisation == rules.id) & Department.is_active.eq(True))
        .order_by(Department.name)
    )
    suggestions = []
    if message["state"] == str(MessageState.COLLECTED):
        suggestions = await earlier_cases(rules.id, message_id)
    return CaseView(
        suggestions=suggestions,
        message=message,
        assignments=assignments,
        events=events,
        deadlines=_deadlines(rules, message),
        actions=[
            str(a)
            for a in available_actions(MessageState(message["state"]), ctx.roles, rules.profile)
        ],
        earlier=earlier,
        departments=departments,
    )


# Executor actions are offered only on assignments of the executor's own departments.
_EXECUTOR_ACTIONS = {"submit_draft", "resubmit", "return_outside_competence"}


def _assignment_actions(
    rules: OrganisationRules, ctx: ActorContext, row: dict[str, Any]
) -> list[str]:
    return [
        str(a)
        for a in available_actions(AssignmentState(row["state"]), ctx.roles, rules.profile)
        if str(a) not in _EXECUTOR_ACTIONS or row["department"] in ctx.department_ids
    ]


def _deadlines(rules: OrganisationRules, message: dict[str, Any]) -> list[DeadlineView]:
    from app.domain.lifecycle import STEP_TITLES, Step

    out = []
    for d in json_value(message["deadlines"]) or []:
        due = datetime.fromisoformat(d["due_at"]) if d["due_at"] else None
        started = datetime.fromisoformat(d["started_at"]) if d.get("started_at") else None
        out.append(
            DeadlineView(
                title=STEP_TITLES[Step(d["step"])],
                clause=d["clause"],
                assignment_id=d["assignment_id"],
                countdown=countdown(rules.calendar, d["step"], due, started),
                paused_seconds=d.get("remaining_seconds") if due is None else None,
                conditional=d["conditional"],
            )
        )
    return out
