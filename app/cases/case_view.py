"""Everything about one case for its page: message, assignments, drafts, log, deadlines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.cases.publication import official_accounts
from app.cases.queues import Countdown, countdown
from app.cases.review import approvers_today, assignment_actions
from app.db.json_columns import json_value
from app.db.rows import view_of
from app.db.tables import (
    Assignment,
    Department,
    Draft,
    Event,
    ImmediateReport,
    Message,
    Publication,
)
from app.deadlines.breaches import (
    SEES_BREACHES,
    CaseBreach,
    case_breaches,
    oversees,
)
from app.domain.intake import NETWORKS
from app.domain.lifecycle import (
    ACTION_TITLES,
    STATE_TITLES,
    AssignmentState,
    Entity,
    MessageState,
    available_actions,
)
from app.domain.regulation.model import REFUSAL_TITLES, Importance, RefusalReason
from app.identity.actor import ActorContext
from app.identity.organisations import OrganisationRules
from app.identity.staff import Person, people_of
from app.intake.repeats import EarlierCase, earlier_cases

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
    "publication_queued": "Ответ отправляется в сеть через подключённый аккаунт",
    "published": "Ответ размещён",
    "reply_recorded": "Получен ответ автора на уточнение",
    "returned_outside_competence": "Возвращено: вопрос не относится к полномочиям",
    "message_assignment_returned": "Возвращено на распределение",
    "message_complete": "Работа по сообщению завершена",
    "message_edited": "Автор изменил текст сообщения",
    "message_deleted_in_network": "Автор удалил сообщение в сети (текст сохранён)",
    "breach_recorded": "Зафиксировано нарушение",
    "breach_decided": "Принято решение по нарушению",
    "places_edited": "Исправлены адреса",
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
class MessageView:
    """The message as its case page shows it (a stranger's text: the template escapes it)."""

    id: int
    version: int
    state: str
    network: str
    url: str
    author_name: str
    author_url: str
    text: str
    attachments: list[dict[str, Any]]
    topics: list[str]
    importance: str
    posted_at: datetime | None
    collected_at: datetime
    detected_at: datetime | None
    screened_by: int | None
    routed_at: datetime | None
    refusal_reason: str
    refusal_comment: str
    repeat_of: int | None
    deadlines: Any
    # The thread in the network (issue #14): the post commented on, earlier comments.
    thread: dict[str, Any] = field(default_factory=dict)
    deleted_in_network_at: datetime | None = None


@dataclass(frozen=True)
class DraftView:
    """One version of a draft answer with its review."""

    id: int
    number: int
    kind: str
    state: str
    text: str
    attachments: list[dict[str, Any]]
    author_name: str | None
    submitted_at: datetime | None
    review_comment: str


@dataclass(frozen=True)
class PublicationView:
    """An answer posted in the network: what kind, where, when."""

    kind: str
    url: str
    published_at: datetime
    account_name: str = ""  # the official account it was posted from (Penza p.5)


@dataclass(frozen=True)
class EventView:
    """One entry of the case's log."""

    id: int
    kind: str
    title: str
    at: datetime
    actor: int | None
    actor_name: str | None
    substitute_name: str | None
    comment: str


@dataclass(frozen=True)
class EarlierCaseView:
    """The earlier case this one repeats (Penza p.15, Parfino p.18)."""

    id: int
    text: str
    state: str
    detected_at: datetime | None


@dataclass(frozen=True)
class DepartmentChoice:
    """A department the case can be routed to, with the topics it answers."""

    id: int
    name: str
    topics: list[str]


@dataclass(frozen=True)
class AssignmentView:
    """One department's assignment with its drafts and the actions this user may take."""

    id: int
    version: int
    state: str
    topic: str
    returned_reason: str
    department_id: int
    department: str
    drafts: list[DraftView]
    publications: list[PublicationView]
    actions: list[str]
    review_note: str = ""  # four eyes: why this person may not review, or reviews in stead

    @property
    def state_title(self) -> str:
        """Russian name of the state."""
        return STATE_TITLES[Entity.ASSIGNMENT][AssignmentState(self.state)]

    @property
    def latest_draft(self) -> DraftView | None:
        """The newest draft version, if any."""
        return self.drafts[-1] if self.drafts else None


@dataclass(frozen=True)
class AccountOption:
    """An official account an answer may be posted from."""

    id: int
    name: str


@dataclass(frozen=True)
class ImmediateSent:
    """An immediate report to the head about this case (Penza p.21, Parfino p.24)."""

    created_at: datetime
    author_name: str
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class CaseView:
    """The case page's data."""

    message: MessageView
    assignments: list[AssignmentView]
    events: list[EventView]
    deadlines: list[DeadlineView]
    actions: list[str]
    earlier: EarlierCaseView | None
    departments: list[DepartmentChoice]
    suggestions: list[EarlierCase] = field(default_factory=list)
    breaches: list[CaseBreach] = field(default_factory=list)  # seen by overseers
    people: list[Person] = field(default_factory=list)  # a breach's possible person
    immediate: list[ImmediateSent] = field(default_factory=list)
    # The organisation's official accounts in the message's network (Penza p.5, Parfino p.4).
    accounts: list[AccountOption] = field(default_factory=list)

    @property
    def latest_edit(self) -> EventView | None:
        """The author's latest edit of the post after it was collected (the new text)."""
        return next((e for e in reversed(self.events) if e.kind == "message_edited"), None)

    @property
    def immediate_comment(self) -> str:
        """The immediate report pre-filled from the message (the specialist edits it)."""
        m = self.message
        who = f", {m.author_name}" if m.author_name else ""
        text = " ".join(m.text.split())
        text = text if len(text) <= 300 else text[:299] + "…"
        topics = f" Темы: {', '.join(m.topics)}." if m.topics else ""
        high = " высокой важности" if m.importance == Importance.HIGH else ""
        return f"Сообщение № {m.id} ({self.network_title}{who}){high}: «{text}».{topics}"

    @property
    def department_of(self) -> dict[int, str]:
        """Department name of each assignment id (for the deadlines list)."""
        return {a.id: a.department for a in self.assignments}

    @property
    def state_title(self) -> str:
        """Russian name of the message's state."""
        return STATE_TITLES[Entity.MESSAGE][MessageState(self.message.state)]

    @property
    def network_title(self) -> str:
        """Russian name of the network."""
        return NETWORKS.get(self.message.network, self.message.network)

    @property
    def refusal_title(self) -> str:
        """Russian name of the refusal reason, if refused."""
        reason = self.message.refusal_reason
        return REFUSAL_TITLES[RefusalReason(reason)] if reason else ""


def action_title(entity: str, action: str) -> str:
    """Russian button label of an action."""
    titles = ACTION_TITLES[Entity(entity)]
    return titles.get(action, action)


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
    publications = await Publication.select(
        *Publication.all_columns(), Publication.account.name.as_alias("account_name")
    ).where(Publication.message == message_id)
    events = (
        await Event.select(
            *Event.all_columns(),
            Event.actor.full_name.as_alias("actor_name"),
            Event.substitute_for.full_name.as_alias("substitute_name"),
        )
        .where(Event.message == message_id)
        .order_by(Event.id)
    )
    in_review = any(r["state"] == str(AssignmentState.DRAFT_SUBMITTED) for r in rows)
    approvers = await approvers_today(rules) if in_review else set()
    assignments = [
        view_of(
            AssignmentView,
            r,
            department_id=r["department"],
            department=r["dep"],
            drafts=[view_of(DraftView, d) for d in drafts if d["assignment"] == r["id"]],
            publications=[
                view_of(PublicationView, p, account_name=p["account_name"] or "")
                for p in publications
                if p["assignment"] == r["id"]
            ],
            **assignment_actions(
                rules, ctx, r, [d for d in drafts if d["assignment"] == r["id"]], approvers
            ),
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
    sees_breaches = bool(ctx.roles & SEES_BREACHES)
    immediate = (
        await ImmediateReport.select(
            ImmediateReport.created_at,
            ImmediateReport.created_by.full_name.as_alias("author_name"),
            ImmediateReport.acknowledged_at,
        )
        .where(ImmediateReport.message == message_id)
        .order_by(ImmediateReport.id)
    )
    accounts = await official_accounts(rules.id, message["network"])
    return CaseView(
        accounts=[view_of(AccountOption, a) for a in accounts],
        immediate=[
            view_of(ImmediateSent, r, author_name=r["author_name"] or "") for r in immediate
        ],
        suggestions=suggestions,
        breaches=await case_breaches(rules.id, message_id) if sees_breaches else [],
        people=await people_of(rules.id) if oversees(ctx) else [],
        message=view_of(MessageView, message),
        assignments=assignments,
        events=[
            view_of(EventView, e, title=EVENT_TITLES.get(e["kind"], e["kind"])) for e in events
        ],
        deadlines=_deadlines(rules, message),
        actions=[
            str(a)
            for a in available_actions(MessageState(message["state"]), ctx.roles, rules.profile)
        ],
        earlier=view_of(EarlierCaseView, earlier) if earlier else None,
        departments=[view_of(DepartmentChoice, d) for d in departments],
    )


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
