"""Replies going out through a connector (issue #14): at most once, retried with backoff.

An outgoing reply is queued when a person presses «Разместить через …»; the worker marks it
`posting` before it calls the network and `posted` once the network confirms (together with
the publication). A refused attempt becomes `failed` with the next attempt scheduled (1, 2, 4 …
minutes, capped); after `MAX_ATTEMPTS` it is `given_up`. An attempt whose outcome nobody
knows (the worker died mid-call, or the network's answer was lost) is repeated by the worker
only where the network takes the reply's key and never posts twice (VK `guid`); elsewhere
(Telegram) it becomes `failed` with no next attempt, for a person to look at the thread and
press «Повторить» or post by hand: an honest at-most-once. Nothing here reads the clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class OutgoingState(StrEnum):
    """Where an outgoing reply is."""

    QUEUED = "queued"  # waiting for the worker
    POSTING = "posting"  # the worker is calling the network (marked before the call)
    POSTED = "posted"  # the network confirmed; the publication is recorded with it
    FAILED = "failed"  # refused or unconfirmed; next_attempt_at set = the worker retries
    GIVEN_UP = "given_up"  # the worker stopped retrying: a person posts it or retries
    CANCELLED = "cancelled"  # not needed any more (posted by hand, the case moved on)


# On its way: a second press, or the manual «Опубликовано», would post the answer twice.
ACTIVE_STATES = frozenset({OutgoingState.QUEUED, OutgoingState.POSTING})
# Waiting for a person: «Повторить» puts it back in the queue.
RETRYABLE_STATES = frozenset({OutgoingState.FAILED, OutgoingState.GIVEN_UP})

FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(minutes=60)
# 1 + 2 + 4 + … + 60 + 60 minutes: about four hours of retries before the worker stops.
MAX_ATTEMPTS = 10
# An attempt still `posting` this long after it began was cut off (a worker killed mid-call):
# the connector's call times out within seconds and the worker's job within two minutes.
UNCONFIRMED_AFTER = timedelta(minutes=5)

# A reply due this long ago and still queued: no worker takes it (none running?). The case
# page then offers the manual link again, which cancels the queued reply.
STALLED_AFTER = timedelta(minutes=5)

UNCONFIRMED_RU = (
    "Не удалось подтвердить размещение: проверьте тред и разместите вручную или повторите."
)
GIVEN_UP_RU = "Попытки исчерпаны: разместите ответ вручную и укажите ссылку, или повторите."


def retry_delay(attempts: int) -> timedelta:
    """The pause after the `attempts`-th refused attempt: 1, 2, 4, 8 … minutes, capped."""
    doubled = FIRST_RETRY * (2 ** min(max(attempts - 1, 0), 16))
    return min(doubled, LONGEST_RETRY)


def next_attempt(attempts: int, now: datetime, retry_after: float | None = None) -> datetime | None:
    """When the worker tries again after a refused attempt (not before the network asked,
    `retry_after` seconds); None when it stops trying."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + max(retry_delay(attempts), timedelta(seconds=retry_after or 0))


def unconfirmed(posting_since: datetime | None, now: datetime) -> bool:
    """An attempt that began this long ago and never ended: its worker died mid-call."""
    return posting_since is not None and now - posting_since >= UNCONFIRMED_AFTER


def stalled(state: str, due_at: datetime | None, now: datetime) -> bool:
    """Queued, due long ago, and not taken: the queue does not move."""
    return state == OutgoingState.QUEUED and due_at is not None and now - due_at >= STALLED_AFTER


def unknown_outcome_ru(error: str) -> str:
    """What the case page says of an attempt the network may or may not have posted."""
    return f"{error.rstrip('.')}. {UNCONFIRMED_RU}" if error else UNCONFIRMED_RU


def failing_too_long(requested_at: datetime, now: datetime, limit: timedelta) -> bool:
    """Still not posted `limit` after the button was pressed: the publisher is told."""
    return now - requested_at >= limit
