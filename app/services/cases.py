"""The lifecycle of a case, persisted: load → domain rule → save → log event → deadlines.

Every action runs in one transaction, checks the organisation and the version the user saw
(optimistic locking), applies app.domain.lifecycle.apply, writes one event and recomputes the
deadlines. Errors reach the user as CaseError with a Russian message; nothing is changed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app import clock
from app.db.json_columns import json_value
from app.db.tables import Assignment, Department, Draft, Message, Publication
from app.domain.intake import normalise_url
from app.domain.lifecycle import (
    AssignmentAction,
    AssignmentState,
    DraftKind,
    LifecycleError,
    MessageAction,
    MessageState,
    Transition,
    apply,
    check_undo_screening,
    follow_up,
)
from app.domain.regulation_model import Importance, RefusalReason
from app.domain.roles import Role
from app.services.deadlines import refresh_deadlines
from app.services.events import Actor, record_event
from app.services.live import publish_change
from app.services.organisations import OrganisationRules, organisation_rules
from app.services.substitutes import ActorContext

STALE_RU = "Сообщение уже изменено другим пользователем. Обновите страницу и повторите действие."
MAX_TOPICS = 10
MAX_TOPIC = 120
MAX_DRAFT_TEXT = 10_000
MAX_COMMENT = 2_000


class CaseError(ValueError):
    """A refused action; `message_ru` is for the user, `code` for tests and logs."""

    def __init__(self, message_ru: str, code: str = "refused") -> None:
        super().__init__(message_ru)
        self.message_ru = message_ru
        self.code = code


def _stale() -> CaseError:
    return CaseError(STALE_RU, "stale")


def _not_found() -> CaseError:
    return CaseError("Сообщение не найдено.", "not_found")


@dataclass(frozen=True)
class Outcome:
    """What an action changed: the case and, for assignment actions, the assignment."""

    message_id: int
    assignment_id: int | None
    state: str
    event_kind: str


async def _in_transaction(work: Callable[[], Awaitable[Outcome]], organisation_id: int) -> Outcome:
    async with Message._meta.db.transaction():
        outcome = await work()
    # After the commit, so that whoever re-reads sees the change.
    await publish_change(organisation_id, outcome.message_id, outcome.event_kind)
    return outcome


def _apply(
    state: Any, action: Any, ctx: ActorContext, rules: OrganisationRules, **kw: Any
) -> Transition:
    try:
        return apply(state, action, ctx.roles, rules.profile, **kw)
    except LifecycleError as error:
        raise CaseError(error.message_ru, error.code) from error


def _actor(ctx: ActorContext, transition: Transition, department_id: int | None = None) -> Actor:
    role = transition.role
    return Actor(ctx.user_id, str(role or ""), ctx.substitute_for(role, department_id))


async def _message_row(ctx: ActorContext, message_id: int) -> dict[str, Any]:
    row = (
        await Message.select()
        .where((Message.id == message_id) & (Message.organisation == ctx.organisation_id))
        .first()
    )
    if row is None:
        raise _not_found()
    return row


async def _save_message(row: dict[str, Any], version: int, values: dict[Any, Any]) -> None:
    """Update the message if nobody changed it since `version` was read."""
    if row["version"] != version:
        raise _stale()
    updated = (
        await Message.update({**values, Message.version: version + 1})
        .where((Message.id == row["id"]) & (Message.version == version))
        .returning(Message.id)
    )
    if not updated:
        raise _stale()


def _topics(topics: list[str]) -> list[str]:
    cleaned = [t.strip()[:MAX_TOPIC] for t in topics if t and t.strip()]
    if len(cleaned) > MAX_TOPICS:
        raise CaseError(f"Не больше {MAX_TOPICS} тем.", "too_many_topics")
    return list(dict.fromkeys(cleaned))


async def _message_action(
    ctx: ActorContext,
    message_id: int,
    version: int,
    action: MessageAction,
    values: Callable[[dict[str, Any], OrganisationRules, Transition], dict[Any, Any]],
    event_kind: str,
    comment: str = "",
    check: Callable[[dict[str, Any], OrganisationRules], None] | None = None,
) -> Outcome:
    rules = await organisation_rules(ctx.organisation_id)

    async def work() -> Outcome:
        row = await _message_row(ctx, message_id)
        if check is not None:
            check(row, rules)
        transition = _apply(MessageState(row["state"]), action, ctx, rules)
        changes = values(row, rules, transition)
        await _save_message(row, version, {Message.state: str(transition.target), **changes})
        after = {
            "state": str(transition.target),
            **{c._meta.name: _plain(v) for c, v in changes.items()},
        }
        await record_event(
            ctx.organisation_id, event_kind, _actor(ctx, transition),
            message_id=message_id, before={"state": row["state"]}, after=after, comment=comment,
        )  # fmt: skip
        await refresh_deadlines(rules, message_id)
        return Outcome(message_id, None, str(transition.target), event_kind)

    return await _in_transaction(work, ctx.organisation_id)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, dict, str, int, float, bool)) or value is None:
        return value
    return str(value)


# -- screening (Penza pp.6, 8, 17; Parfino pp.5, 7, 9, 20) ------------------------------------


async def mark_for_reaction(
    ctx: ActorContext,
    message_id: int,
    version: int,
    topics: list[str],
    importance: Importance,
    repeat_of: int | None = None,
) -> Outcome:
    """Needs a reaction: detected-at is now, and every deadline counts from it."""
    clean_topics = _topics(topics)
    if repeat_of is not None:
        await _check_repeat_target(ctx, message_id, repeat_of)

    def values(row: dict[str, Any], rules: OrganisationRules, t: Transition) -> dict[Any, Any]:
        now = clock.now()
        return {
            Message.detected_at: now,
            Message.topics: clean_topics,
            Message.importance: str(importance),
            Message.screened_by: ctx.user_id,
            Message.screened_at: now,
            Message.repeat_of: repeat_of,
            Message.refusal_reason: "",
        }

    return await _message_action(ctx, message_id, version, MessageAction.MARK, values, "marked")


async def _check_repeat_target(ctx: ActorContext, message_id: int, repeat_of: int) -> None:
    if repeat_of == message_id or not await Message.exists().where(
        (Message.id == repeat_of) & (Message.organisation == ctx.organisation_id)
    ):
        raise CaseError("Ранее рассмотренное сообщение не найдено.", "repeat_not_found")


async def refuse(
    ctx: ActorContext, message_id: int, version: int, reason: RefusalReason, comment: str = ""
) -> Outcome:
    """Not subject to processing (Penza p.17, Parfino p.20) or needs no reaction."""
    comment = comment.strip()[:MAX_COMMENT]

    def check(row: dict[str, Any], rules: OrganisationRules) -> None:
        if reason not in rules.profile.refusal_reasons:
            raise CaseError("Такое основание не предусмотрено регламентом.", "bad_reason")

    def values(row: dict[str, Any], rules: OrganisationRules, t: Transition) -> dict[Any, Any]:
        now = clock.now()
        return {
            Message.refusal_reason: str(reason),
            Message.refusal_comment: comment,
            Message.screened_by: ctx.user_id,
            Message.screened_at: now,
        }

    return await _message_action(
        ctx, message_id, version, MessageAction.REFUSE, values, "refused", comment, check
    )


async def undo_screening(ctx: ActorContext, message_id: int, version: int) -> Outcome:
    """The same person takes back a screening decision within the profile's window."""

    def check(row: dict[str, Any], rules: OrganisationRules) -> None:
        if row["screened_at"] is None:
            raise CaseError("Решение по сообщению ещё не принималось.", "not_screened")
        if row["routed_at"] is not None:
            raise CaseError(
                "Сообщение уже направлено исполнителям: решение отменить нельзя.", "routed"
            )
        try:
            check_undo_screening(
                row["screened_at"], clock.now(), row["screened_by"], ctx.user_id, rules.profile
            )
        except LifecycleError as error:
            raise CaseError(error.message_ru, error.code) from error

    def values(row: dict[str, Any], rules: OrganisationRules, t: Transition) -> dict[Any, Any]:
        return {
            Message.detected_at: None,
            Message.refusal_reason: "",
            Message.refusal_comment: "",
            Message.screened_by: None,
            Message.screened_at: None,
            Message.repeat_of: None,
        }

    return await _message_action(
        ctx, message_id, version, MessageAction.UNDO_SCREENING, values, "screening_undone",
        check=check,
    )  # fmt: skip


async def reclassify(
    ctx: ActorContext, message_id: int, version: int, topics: list[str], importance: Importance
) -> Outcome:
    """Change topics or importance; the deadlines are recomputed from detected-at."""
    clean_topics = _topics(topics)

    def values(row: dict[str, Any], rules: OrganisationRules, t: Transition) -> dict[Any, Any]:
        return {Message.topics: clean_topics, Message.importance: str(importance)}

    return await _message_action(
        ctx, message_id, version, MessageAction.RECLASSIFY, values, "reclassified"
    )


async def hand_over(ctx: ActorContext, message_id: int, version: int) -> Outcome:
    """Pass a detected message to the coordinator (Parfino p.7)."""

    def values(row: dict[str, Any], rules: OrganisationRules, t: Transition) -> dict[Any, Any]:
        return {Message.handed_over_at: clock.now()}

    return await _message_action(
        ctx, message_id, version, MessageAction.HAND_OVER, values, "handed_over"
    )


# -- routing (Penza p.8; Parfino pp.7, 17) ------------------------------------------------------


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
        row = await _message_row(ctx, message_id)
        transition = _apply(MessageState(row["state"]), MessageAction.ROUTE, ctx, rules)
        ids = [t.department_id for t in targets]
        known = await Department.select(Department.id).where(
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
        now = clock.now()
        values: dict[Any, Any] = {Message.state: str(transition.target)}
        if row["routed_at"] is None:
            values[Message.routed_at] = now
        await _save_message(row, version, values)
        actor = _actor(ctx, transition)
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
                ctx.organisation_id, "routed", actor, message_id=message_id,
                assignment_id=inserted[0]["id"], before={"state": row["state"]},
                after={"state": str(transition.target), "department_id": target.department_id,
                       "topic": target.topic},
            )  # fmt: skip
        await refresh_deadlines(rules, message_id)
        return Outcome(message_id, None, str(transition.target), "routed")

    return await _in_transaction(work, ctx.organisation_id)


# -- assignments (Penza pp.9, 11–14, 16; Parfino pp.10–16, 19) ---------------------------------


async def _assignment_action(
    ctx: ActorContext,
    assignment_id: int,
    version: int,
    action: AssignmentAction,
    body: Callable[
        [dict[str, Any], OrganisationRules, Transition, datetime], Awaitable[dict[Any, Any]]
    ],
    event_kind: str,
    kind: DraftKind | None = None,
    comment: str = "",
    kind_from_draft: bool = False,
) -> Outcome:
    rules = await organisation_rules(ctx.organisation_id)

    async def work() -> Outcome:
        row = (
            await Assignment.select()
            .where(
                (Assignment.id == assignment_id) & (Assignment.organisation == ctx.organisation_id)
            )
            .first()
        )
        if row is None:
            raise CaseError("Поручение не найдено.", "not_found")
        if row["version"] != version:
            raise _stale()
        draft_kind = kind
        if kind_from_draft:
            draft_kind = DraftKind(await _latest_draft_kind(assignment_id))
        transition = _apply(AssignmentState(row["state"]), action, ctx, rules, kind=draft_kind)
        if transition.role is Role.EXECUTOR and row["department"] not in ctx.department_ids:
            raise CaseError("Поручение адресовано другому подразделению.", "other_department")
        now = clock.now()
        changes = await body(row, rules, transition, now)
        updated = (
            await Assignment.update(
                {**changes, Assignment.state: str(transition.target),
                 Assignment.version: version + 1}
            )
            .where((Assignment.id == assignment_id) & (Assignment.version == version))
            .returning(Assignment.id)
        )  # fmt: skip
        if not updated:
            raise _stale()
        after = {"state": str(transition.target)}
        if draft_kind is not None:
            after["kind"] = str(draft_kind)
        await record_event(
            ctx.organisation_id, event_kind, _actor(ctx, transition, row["department"]),
            message_id=row["message"], assignment_id=assignment_id,
            before={"state": row["state"]}, after=after, comment=comment,
        )  # fmt: skip
        await _follow_up(ctx, rules, row["message"])
        await refresh_deadlines(rules, row["message"])
        return Outcome(row["message"], assignment_id, str(transition.target), event_kind)

    return await _in_transaction(work, ctx.organisation_id)


async def _follow_up(ctx: ActorContext, rules: OrganisationRules, message_id: int) -> None:
    """System transition of the message once its assignments are all returned or done."""
    message = (
        await Message.select(Message.state, Message.version).where(Message.id == message_id).first()
    )
    assert message is not None
    states = [
        AssignmentState(r["state"])
        for r in await Assignment.select(Assignment.state).where(Assignment.message == message_id)
    ]
    action = follow_up(MessageState(message["state"]), states)
    if action is None:
        return
    transition = apply(MessageState(message["state"]), action, None, rules.profile)
    await Message.update(
        {Message.state: str(transition.target), Message.version: message["version"] + 1}
    ).where(Message.id == message_id)
    await record_event(
        ctx.organisation_id, f"message_{action}", Actor.system(), message_id=message_id,
        before={"state": message["state"]}, after={"state": str(transition.target)},
    )  # fmt: skip


async def _latest_draft(assignment_id: int) -> dict[str, Any]:
    draft = (
        await Draft.select()
        .where(Draft.assignment == assignment_id)
        .order_by(Draft.number, ascending=False)
        .first()
    )
    if draft is None:
        raise CaseError("У поручения нет проекта ответа.", "no_draft")
    return draft


async def _latest_draft_kind(assignment_id: int) -> str:
    return str((await _latest_draft(assignment_id))["kind"])


def _draft_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise CaseError("Введите текст проекта ответа.", "empty_draft")
    if len(text) > MAX_DRAFT_TEXT:
        raise CaseError(f"Текст проекта — не больше {MAX_DRAFT_TEXT} символов.", "draft_too_long")
    return text.replace("\x00", "")


async def _new_draft(
    ctx: ActorContext,
    row: dict[str, Any],
    kind: DraftKind,
    text: str,
    attachments: list[dict[str, Any]],
    now: datetime,
) -> None:
    number = await Draft.count().where(Draft.assignment == row["id"]) + 1
    await Draft(
        organisation=ctx.organisation_id,
        assignment=row["id"],
        kind=str(kind),
        number=number,
        text=text,
        attachments=attachments,
        state="submitted",
        author=ctx.user_id,
        created_at=now,
        submitted_at=now,
    ).save()


def _close_pause(raw: Any, now: datetime) -> list[dict[str, Any]]:
    pauses = list(json_value(raw) or [])
    return [{**p, "end": p.get("end") or now.isoformat()} for p in pauses]


async def submit_draft(
    ctx: ActorContext,
    assignment_id: int,
    version: int,
    kind: DraftKind,
    text: str,
    attachments: list[dict[str, Any]] | None = None,
) -> Outcome:
    """Submit a draft (final, intermediate or clarification) for approval (Penza p.11)."""
    clean = _draft_text(text)

    async def body(
        row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
    ) -> dict[Any, Any]:
        await _new_draft(ctx, row, kind, clean, attachments or [], now)
        values: dict[Any, Any] = {Assignment.submitted_at: now}
        if row["state"] == AssignmentState.AWAITING_REPLY:
            values[Assignment.pauses] = _close_pause(row["pauses"], now)
        return values

    return await _assignment_action(
        ctx, assignment_id, version, AssignmentAction.SUBMIT_DRAFT, body, "draft_submitted",
        kind=kind,
    )  # fmt: skip


async def resubmit(
    ctx: ActorContext,
    assignment_id: int,
    version: int,
    text: str,
    attachments: list[dict[str, Any]] | None = None,
) -> Outcome:
    """Send the revised draft back for approval (Penza p.13, Parfino p.14)."""
    clean = _draft_text(text)

    async def body(
        row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
    ) -> dict[Any, Any]:
        kind = DraftKind(await _latest_draft_kind(row["id"]))
        await _new_draft(ctx, row, kind, clean, attachments or [], now)
        return {Assignment.submitted_at: now}

    return await _assignment_action(
        ctx, assignment_id, version, AssignmentAction.RESUBMIT, body, "draft_resubmitted"
    )


async def return_outside_competence(
    ctx: ActorContext, assignment_id: int, version: int, reason: str
) -> Outcome:
    """The executor returns a message outside the department's competence (Penza p.9)."""
    reason = reason.strip()[:MAX_COMMENT]
    if not reason:
        raise CaseError("Укажите, почему вопрос не относится к полномочиям.", "reason_required")

    async def body(
        row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
    ) -> dict[Any, Any]:
        return {Assignment.returned_reason: reason, Assignment.returned_outside_at: now}

    return await _assignment_action(
        ctx, assignment_id, version, AssignmentAction.RETURN_OUTSIDE_COMPETENCE, body,
        "returned_outside_competence", comment=reason,
    )  # fmt: skip


async def _review_latest_draft(
    ctx: ActorContext, assignment_id: int, state: str, now: datetime, comment: str = ""
) -> None:
    """Record the reviewer's decision on the newest draft version."""
    draft = await _latest_draft(assignment_id)
    await Draft.update(
        {
            Draft.state: state,
            Draft.reviewed_by: ctx.user_id,
            Draft.reviewed_at: now,
            Draft.review_comment: comment,
        }
    ).where(Draft.id == draft["id"])


async def approve(ctx: ActorContext, assignment_id: int, version: int) -> Outcome:
    """Approve the submitted draft (Penza p.12, Parfino p.13)."""

    async def body(
        row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
    ) -> dict[Any, Any]:
        await _review_latest_draft(ctx, row["id"], "approved", now)
        return {Assignment.approved_at: now}

    return await _assignment_action(
        ctx, assignment_id, version, AssignmentAction.APPROVE, body, "draft_approved"
    )


async def return_for_revision(
    ctx: ActorContext, assignment_id: int, version: int, comment: str
) -> Outcome:
    """Return the draft for revision with a comment (Penza p.12–13, Parfino p.13–14)."""
    comment = comment.strip()[:MAX_COMMENT]
    if not comment:
        raise CaseError("Напишите, что нужно доработать.", "comment_required")

    async def body(
        row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
    ) -> dict[Any, Any]:
        await _review_latest_draft(ctx, row["id"], "returned", now, comment)
        return {Assignment.returned_at: now, Assignment.revision_rounds: row["revision_rounds"] + 1}

    return await _assignment_action(
        ctx, assignment_id, version, AssignmentAction.RETURN_FOR_REVISION, body,
        "draft_returned", comment=comment,
    )  # fmt: skip


async def publish(
    ctx: ActorContext, assignment_id: int, version: int, url: str, external_id: str = ""
) -> Outcome:
    """Record the approved text as posted in the network (Parfino p.15): its link."""
    try:
        clean_url = normalise_url(url)
    except ValueError as error:
        raise CaseError(str(error), "bad_url") from error
    external_id = external_id.strip()[:200]

    async def body(
        row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
    ) -> dict[Any, Any]:
        draft = await _latest_draft(row["id"])
        await Publication(
            organisation=ctx.organisation_id,
            message=row["message"],
            assignment=row["id"],
            draft=draft["id"],
            kind=draft["kind"],
            url=clean_url,
            external_id=external_id,
            published_by=ctx.user_id,
            published_at=now,
        ).save()
        values: dict[Any, Any] = {}
        kind = DraftKind(draft["kind"])
        if kind is DraftKind.FINAL:
            values[Assignment.done_at] = now
        elif kind is DraftKind.INTERMEDIATE:
            values[Assignment.intermediate_published_at] = now
        elif rules.profile.clarification_pauses:
            pauses = json_value(row["pauses"])
            values[Assignment.pauses] = [*(pauses or []), {"start": now.isoformat(), "end": None}]
        return values

    return await _assignment_action(
        ctx, assignment_id, version, AssignmentAction.PUBLISH, body, "published",
        kind_from_draft=True,
    )  # fmt: skip


async def record_reply(
    ctx: ActorContext, assignment_id: int, version: int, reply: str = ""
) -> Outcome:
    """The author answered the clarification request: the answer clock resumes (Parfino p.10)."""
    reply = reply.strip()[:MAX_COMMENT]

    async def body(
        row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
    ) -> dict[Any, Any]:
        return {Assignment.pauses: _close_pause(row["pauses"], now)}

    return await _assignment_action(
        ctx, assignment_id, version, AssignmentAction.RECORD_REPLY, body, "reply_recorded",
        comment=reply,
    )  # fmt: skip
