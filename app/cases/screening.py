"""Screening of a new message (Penza pp.6, 8, 17; Parfino pp.5, 7, 9, 20)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.cases.transaction import MAX_COMMENT, CaseError, Outcome, checked_topics, message_action
from app.core import clock
from app.db.tables import Message
from app.domain.lifecycle import (
    LifecycleError,
    MessageAction,
    Transition,
    check_undo_screening,
)
from app.domain.regulation.model import Importance, RefusalReason
from app.domain.timers import working_minutes
from app.domain.topics import missing_topic_ru
from app.identity.actor import ActorContext
from app.identity.organisations import OrganisationRules
from app.intake.topics import add_suggestions, resolve
from app.screening.decisions import forget_screening, record_screening


async def mark_for_reaction(
    ctx: ActorContext,
    message_id: int,
    version: int,
    topics: list[str],
    importance: Importance,
    repeat_of: int | None = None,
) -> Outcome:
    """Needs a reaction: detected-at is now, and every deadline counts from it."""
    resolved = await resolve(ctx.organisation_id, checked_topics(topics))
    clean_topics = list(resolved.names)
    if repeat_of is not None:
        await check_repeat_target(ctx, message_id, repeat_of)

    def values(row: dict[str, Any], rules: OrganisationRules, t: Transition) -> dict[Any, Any]:
        now = clock.now()
        return {
            Message.detected_at: now,
            Message.topics: clean_topics,
            Message.importance: str(importance),
            Message.screened_by: ctx.user_id,
            Message.screened_at: now,
            Message.screening_wait_minutes: screening_wait(row, rules, now),
            Message.repeat_of: repeat_of,
            Message.refusal_reason: "",
        }

    outcome = await message_action(
        ctx,
        message_id,
        version,
        MessageAction.MARK,
        values,
        "marked",
        check=topic_check(clean_topics),
        also=lambda row: record_screening(
            ctx.organisation_id,
            row,
            ctx.user_id,
            importance=str(importance),
            topics=clean_topics,
        ),
    )
    await add_suggestions(ctx.organisation_id, resolved.unknown, ctx.user_id)
    return outcome


def topic_check(topics: list[str]) -> Callable[[dict[str, Any], OrganisationRules], None]:
    """Refuses a message without a topic where the profile requires one (Parfino p.7)."""

    def check(row: dict[str, Any], rules: OrganisationRules) -> None:
        problem = missing_topic_ru(rules.profile, topics)
        if problem:
            raise CaseError(problem, "topic_required")

    return check


def screening_wait(row: dict[str, Any], rules: OrganisationRules, now: datetime) -> int:
    """Working minutes the message waited from collection to this decision (reports)."""
    return working_minutes(rules.calendar, row["collected_at"], now)


async def check_repeat_target(ctx: ActorContext, message_id: int, repeat_of: int) -> None:
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
            Message.screening_wait_minutes: screening_wait(row, rules, now),
        }

    return await message_action(
        ctx,
        message_id,
        version,
        MessageAction.REFUSE,
        values,
        "refused",
        comment,
        check,
        also=lambda row: record_screening(
            ctx.organisation_id, row, ctx.user_id, refusal_reason=str(reason)
        ),
    )


async def decide_as_copy(ctx: ActorContext, message_id: int, version: int) -> Outcome:
    """Decide a copy of a complaint (Message.duplicate_of) as its first copy was decided:
    refused on the same ground, or marked with the same topics and importance. The person
    presses the button; nothing is decided for them."""
    copy = (
        await Message.select(Message.duplicate_of)
        .where((Message.id == message_id) & (Message.organisation == ctx.organisation_id))
        .first()
    )
    first = None
    if copy is not None and copy["duplicate_of"] is not None:
        first = (
            await Message.select(
                Message.id,
                Message.state,
                Message.refusal_reason,
                Message.refusal_comment,
                Message.topics,
                Message.importance,
                Message.detected_at,
            )
            .where(
                (Message.id == copy["duplicate_of"]) & (Message.organisation == ctx.organisation_id)
            )
            .first()
        )
    if first is None:
        raise CaseError("Это сообщение не копия другого.", "not_a_copy")
    if first["refusal_reason"]:
        return await refuse(
            ctx,
            message_id,
            version,
            RefusalReason(first["refusal_reason"]),
            first["refusal_comment"] or f"Копия сообщения № {first['id']}.",
        )
    if first["detected_at"] is None:
        raise CaseError(
            f"Сначала примите решение по сообщению № {first['id']}.", "first_copy_undecided"
        )
    return await mark_for_reaction(
        ctx, message_id, version, list(first["topics"] or []), Importance(first["importance"])
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
            Message.screening_wait_minutes: None,
            Message.repeat_of: None,
        }

    return await message_action(
        ctx,
        message_id,
        version,
        MessageAction.UNDO_SCREENING,
        values,
        "screening_undone",
        check=check,
        also=lambda row: forget_screening(message_id),
    )


async def reclassify(
    ctx: ActorContext, message_id: int, version: int, topics: list[str], importance: Importance
) -> Outcome:
    """Change topics or importance; the deadlines are recomputed from detected-at."""
    resolved = await resolve(ctx.organisation_id, checked_topics(topics))
    clean_topics = list(resolved.names)

    def values(row: dict[str, Any], rules: OrganisationRules, t: Transition) -> dict[Any, Any]:
        return {Message.topics: clean_topics, Message.importance: str(importance)}

    outcome = await message_action(
        ctx,
        message_id,
        version,
        MessageAction.RECLASSIFY,
        values,
        "reclassified",
        check=topic_check(clean_topics),
    )
    await add_suggestions(ctx.organisation_id, resolved.unknown, ctx.user_id)
    return outcome


async def hand_over(ctx: ActorContext, message_id: int, version: int) -> Outcome:
    """Pass a detected message to the coordinator (Parfino p.7)."""

    def values(row: dict[str, Any], rules: OrganisationRules, t: Transition) -> dict[Any, Any]:
        return {Message.handed_over_at: clock.now()}

    return await message_action(
        ctx, message_id, version, MessageAction.HAND_OVER, values, "handed_over"
    )
