"""The outbox's rows. Every move is one UPDATE guarded by the state it leaves, so two
workers (or a worker and a person) never both move the same reply; rules in app.domain.outbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.cases.transaction import CaseError
from app.db.tables import OutgoingReply
from app.domain.outbox import (
    ACTIVE_STATES,
    GIVEN_UP_RU,
    UNCONFIRMED_AFTER,
    OutgoingState,
    next_attempt,
    unknown_outcome_ru,
)

Out = OutgoingReply
QUEUED, POSTING, POSTED = OutgoingState.QUEUED, OutgoingState.POSTING, OutgoingState.POSTED
FAILED, GIVEN_UP = OutgoingState.FAILED, OutgoingState.GIVEN_UP
MAX_ERROR = 1000


def draft_key(draft_id: int) -> str:
    """The idempotency key of one answer: the network gets it on every attempt."""
    return f"otklik-draft-{draft_id}"


async def enqueue(
    draft: dict[str, Any],
    assignment: dict[str, Any],
    account_id: int,
    thread: str,
    requested_by: int | None,
    now: datetime,
) -> int:
    """Queue the draft's answer (inside the case action's transaction). An earlier attempt of
    the same draft that failed, was given up or cancelled goes back to the queue under the
    same key; one on its way or posted is refused."""
    values: dict[Any, Any] = {
        Out.account: account_id,
        Out.thread: thread[:200],
        Out.text: draft["text"],
        Out.kind: draft["kind"],
        Out.state: str(QUEUED),
        Out.attempts: 0,
        Out.next_attempt_at: now,
        Out.posting_since: None,
        Out.last_error: "",
        Out.requested_by: requested_by,
        Out.requested_at: now,
        Out.escalated_at: None,
    }
    key = draft_key(int(draft["id"]))
    inserted = (
        await Out.insert(
            Out(
                organisation=assignment["organisation"],
                message=assignment["message"],
                assignment=assignment["id"],
                draft=draft["id"],
                key=key,
                **{c._meta.name: v for c, v in values.items()},
            )
        )
        .on_conflict(target=Out.key, action="DO NOTHING")
        .returning(Out.id)
    )
    if inserted:
        return int(inserted[0]["id"])
    again = (
        await Out.update(values)
        .where((Out.key == key) & Out.state.not_in([str(s) for s in (*ACTIVE_STATES, POSTED)]))
        .returning(Out.id)
    )
    if again:
        return int(again[0]["id"])
    row = await Out.select(Out.state, Out.reply_url).where(Out.key == key).first()
    if row is not None and row["state"] == POSTED:
        raise CaseError(
            f"Ответ уже размещён в сети: {row['reply_url']}. Отметьте размещение по этой ссылке.",
            "posted",
        )
    raise CaseError("Ответ уже отправляется через сеть: дождитесь подтверждения.", "sending")


async def claim(outgoing_id: int, now: datetime) -> dict[str, Any] | None:
    """Take a due reply for one attempt: `posting` is stored before the network is called."""
    rows = (
        await Out.update(
            {Out.state: str(POSTING), Out.attempts: Out.attempts + 1, Out.posting_since: now}
        )
        .where(
            (Out.id == outgoing_id)
            & Out.state.is_in([str(QUEUED), str(FAILED)])
            & (Out.next_attempt_at <= now)
        )
        .returning(*Out.all_columns())
    )
    return rows[0] if rows else None


async def _leave_posting(outgoing_id: int, values: dict[Any, Any]) -> bool:
    moved = (
        await Out.update({**values, Out.posting_since: None})
        .where((Out.id == outgoing_id) & (Out.state == str(POSTING)))
        .returning(Out.id)
    )
    return bool(moved)


async def mark_posted(
    outgoing_id: int, reply_id: str, url: str, now: datetime, note: str = ""
) -> bool:
    """The network confirmed the post (`note`: what is still to do about it)."""
    values = {
        Out.state: str(POSTED),
        Out.reply_external_id: reply_id[:200],
        Out.reply_url: url[:1000],
        Out.posted_at: now,
        Out.next_attempt_at: None,
        Out.last_error: note[:MAX_ERROR],
    }
    return await _leave_posting(outgoing_id, values)


async def note_posted(outgoing_id: int, note: str) -> None:
    """Something is still to do about a posted reply (its publication was not recorded)."""
    await Out.update({Out.last_error: note[:MAX_ERROR]}).where(Out.id == outgoing_id)


async def refused(
    outgoing_id: int, error: str, attempts: int, now: datetime, retry_after: float | None = None
) -> bool:
    """The network said no: retry after the backoff (or the wait it asked for), or give up
    after the last attempt."""
    retry_at = next_attempt(attempts, now, retry_after)
    state, note = (GIVEN_UP, f"{error} {GIVEN_UP_RU}") if retry_at is None else (FAILED, error)
    values: dict[Any, Any] = {
        Out.state: str(state),
        Out.next_attempt_at: retry_at,
        Out.last_error: note[:MAX_ERROR],
    }
    return await _leave_posting(outgoing_id, values)


async def unknown_outcome(outgoing_id: int, error: str = "") -> bool:
    """Nobody knows whether the network posted it: a person decides (no next attempt)."""
    values = {
        Out.state: str(FAILED),
        Out.next_attempt_at: None,
        Out.last_error: unknown_outcome_ru(error)[:MAX_ERROR],
    }
    return await _leave_posting(outgoing_id, values)


async def retry_now(outgoing_id: int, now: datetime) -> bool:
    """Back to the queue at once (a network that takes the key never posts it twice)."""
    return await _leave_posting(outgoing_id, {Out.state: str(QUEUED), Out.next_attempt_at: now})


async def cancel(outgoing_id: int, reason: str) -> bool:
    """Not to be posted any more (the answer was recorded otherwise, the case moved on)."""
    values = {
        Out.state: str(OutgoingState.CANCELLED),
        Out.next_attempt_at: None,
        Out.last_error: reason,
    }
    return await _leave_posting(outgoing_id, values)


async def due(now: datetime, limit: int) -> list[int]:
    """Replies whose (next) attempt is due, the longest waiting first."""
    rows = (
        await Out.select(Out.id)
        .where(Out.state.is_in([str(QUEUED), str(FAILED)]) & (Out.next_attempt_at <= now))
        .order_by(Out.next_attempt_at)
        .limit(limit)
    )
    return [int(r["id"]) for r in rows]


async def cut_off(now: datetime) -> list[dict[str, Any]]:
    """Attempts still `posting` long after they began: their worker died mid-call."""
    return await Out.select(Out.id, Out.account.network.as_alias("network")).where(
        (Out.state == str(POSTING)) & (Out.posting_since <= now - UNCONFIRMED_AFTER)
    )


async def failing_unannounced() -> list[dict[str, Any]]:
    """Replies that need a person and whose publisher was not told yet."""
    return await Out.select(
        *Out.all_columns(),
        Out.account.name.as_alias("account_name"),
        Out.account.network.as_alias("network"),
    ).where(Out.state.is_in([str(FAILED), str(GIVEN_UP)]) & Out.escalated_at.is_null())


async def mark_announced(outgoing_id: int, now: datetime) -> None:
    await Out.update({Out.escalated_at: now}).where(
        (Out.id == outgoing_id) & Out.escalated_at.is_null()
    )
