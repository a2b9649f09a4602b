"""The transaction core of every case action: load → domain rule → save → log → deadlines.

Every action runs in one transaction, checks the organisation and the version the user saw
(optimistic locking), applies app.domain.lifecycle.apply, writes one event and recomputes the
deadlines. Errors reach the user as CaseError with a Russian message; nothing is changed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.errors import UserError
from app.db.tables import Message
from app.deadlines.refresh import refresh_deadlines
from app.domain.lifecycle import (
    LifecycleError,
    MessageAction,
    MessageState,
    Transition,
    apply,
)
from app.identity.actor import ActorContext
from app.identity.organisations import OrganisationRules, organisation_rules
from app.journal.events import EventActor, record_event
from app.journal.live import publish_change

STALE_RU = "Сообщение уже изменено другим пользователем. Обновите страницу и повторите действие."
MAX_TOPICS = 10
MAX_TOPIC = 120
MAX_DRAFT_TEXT = 10_000
MAX_COMMENT = 2_000


class CaseError(UserError):
    """A refused case action; nothing was changed."""


def stale() -> CaseError:
    return CaseError(STALE_RU, "stale")


def not_found() -> CaseError:
    return CaseError("Сообщение не найдено.", "not_found")


@dataclass(frozen=True)
class Outcome:
    """What an action changed: the case and, for assignment actions, the assignment."""

    message_id: int
    assignment_id: int | None
    state: str
    event_kind: str


async def in_transaction(work: Callable[[], Awaitable[Outcome]], organisation_id: int) -> Outcome:
    async with Message._meta.db.transaction():
        outcome = await work()
    # After the commit, so that whoever re-reads sees the change.
    await publish_change(organisation_id, outcome.message_id, outcome.event_kind)
    return outcome


def apply_rule(
    state: Any, action: Any, ctx: ActorContext, rules: OrganisationRules, **kw: Any
) -> Transition:
    try:
        return apply(state, action, ctx.roles, rules.profile, **kw)
    except LifecycleError as error:
        raise CaseError(error.message_ru, error.code) from error


def event_actor(
    ctx: ActorContext, transition: Transition, department_id: int | None = None
) -> EventActor:
    role = transition.role
    if ctx.user_id is None:  # the software acting for the organisation (a connector)
        return EventActor(None, ctx.software or "system")
    return EventActor(ctx.user_id, str(role or ""), ctx.substitute_for(role, department_id))


async def message_row(ctx: ActorContext, message_id: int) -> dict[str, Any]:
    row = (
        await Message.select()
        .where((Message.id == message_id) & (Message.organisation == ctx.organisation_id))
        .first()
    )
    if row is None:
        raise not_found()
    return row


async def save_message(row: dict[str, Any], version: int, values: dict[Any, Any]) -> None:
    """Update the message if nobody changed it since `version` was read."""
    if row["version"] != version:
        raise stale()
    updated = (
        await Message.update({**values, Message.version: version + 1})
        .where((Message.id == row["id"]) & (Message.version == version))
        .returning(Message.id)
    )
    if not updated:
        raise stale()


def checked_topics(topics: list[str]) -> list[str]:
    cleaned = [t.strip()[:MAX_TOPIC] for t in topics if t and t.strip()]
    if len(cleaned) > MAX_TOPICS:
        raise CaseError(f"Не больше {MAX_TOPICS} тем.", "too_many_topics")
    return list(dict.fromkeys(cleaned))


async def message_action(
    ctx: ActorContext,
    message_id: int,
    version: int,
    action: MessageAction,
    values: Callable[[dict[str, Any], OrganisationRules, Transition], dict[Any, Any]],
    event_kind: str,
    comment: str = "",
    check: Callable[[dict[str, Any], OrganisationRules], None] | None = None,
    also: Callable[[dict[str, Any]], Awaitable[None]] | None = None,
) -> Outcome:
    """One message action; `also(row)` writes what goes with it in the same transaction
    (the decision against screening's suggestion)."""
    rules = await organisation_rules(ctx.organisation_id)

    async def work() -> Outcome:
        row = await message_row(ctx, message_id)
        if check is not None:
            check(row, rules)
        transition = apply_rule(MessageState(row["state"]), action, ctx, rules)
        changes = values(row, rules, transition)
        await save_message(row, version, {Message.state: str(transition.target), **changes})
        after = {
            "state": str(transition.target),
            **{c._meta.name: plain_value(v) for c, v in changes.items()},
        }
        await record_event(
            ctx.organisation_id,
            event_kind,
            event_actor(ctx, transition),
            message_id=message_id,
            before={"state": row["state"]},
            after=after,
            comment=comment,
        )
        if also is not None:
            await also(row)
        await refresh_deadlines(rules, message_id)
        return Outcome(message_id, None, str(transition.target), event_kind)

    return await in_transaction(work, ctx.organisation_id)


def plain_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, dict, str, int, float, bool)) or value is None:
        return value
    return str(value)
