"""The outbox's minute pass in the worker: attempts cut off, due retries, the publisher told.

1. An attempt still `posting` long after it began lost its worker mid-call. Where the network
   takes the reply's key (VK `guid`) it is simply queued again; elsewhere (Telegram) nobody
   knows whether it was posted, so it waits for a person (app.domain.outbox).
2. Replies whose first attempt or retry is due are delivered (`sending.deliver`).
3. A reply the network still refuses `publication_failing_minutes` (the organisation's alert
   settings, default 30) after the button was pressed is brought to the publisher's notice
   once: «разместите вручную».
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redis.asyncio import Redis

from app.connectors.publishing import publish_is_idempotent
from app.core import clock
from app.deadlines.sweep import alert_settings
from app.deadlines.texts import case_url, when
from app.domain.intake import NETWORKS
from app.domain.outbox import failing_too_long
from app.identity.organisations import organisation_rules
from app.notify.notifications import Kind, NewNotification, create_notifications
from app.outbox import queue
from app.outbox.sending import deliver

# Replies delivered in one pass (the rest wait for the next minute; each call is seconds).
BATCH = 50


@dataclass
class OutboxPass:
    """What one pass did."""

    delivered: dict[str, int]
    cut_off: int = 0
    announced: int = 0


async def outbox_pass(redis: Redis | None = None) -> OutboxPass:
    """One pass: cut-off attempts, due deliveries, announcements of failing ones."""
    result = OutboxPass({})
    for row in await queue.cut_off(clock.now()):
        if publish_is_idempotent(str(row["network"])):
            await queue.retry_now(row["id"], clock.now())
        else:
            await queue.unknown_outcome(row["id"])
        result.cut_off += 1
    for outgoing_id in await queue.due(clock.now(), BATCH):
        outcome = await deliver(outgoing_id)
        result.delivered[outcome] = result.delivered.get(outcome, 0) + 1
    result.announced = await announce_failing(clock.now(), redis)
    return result


async def announce_failing(now: datetime, redis: Redis | None = None) -> int:
    """Tell each publisher, once, of their answer the network keeps refusing."""
    notes: list[NewNotification] = []
    limits: dict[int, Any] = {}
    for row in await queue.failing_unannounced():
        org = int(row["organisation"])
        if org not in limits:
            limits[org] = (await alert_settings(org)).publication_failing_limit
        if not failing_too_long(row["requested_at"], now, limits[org]):
            continue
        if row["requested_by"] is not None:
            notes.append(await _note(row))
        await queue.mark_announced(row["id"], now)
    return len(await create_notifications(notes, redis))


async def _note(row: dict[str, Any]) -> NewNotification:
    rules = await organisation_rules(int(row["organisation"]))
    network = NETWORKS.get(row["network"], row["network"])
    title = f"Ответ не размещается через {network}: разместите вручную"
    body = (
        f"Сообщение № {row['message']}: {network} («{row['account_name']}») не принимает ответ, "
        f"отправленный {when(rules, row['requested_at'])}. {row['last_error']} "
        "Разместите ответ вручную и укажите ссылку на странице сообщения или нажмите «Повторить»."
    )
    return NewNotification(
        int(row["requested_by"]),
        Kind.PUBLICATION,
        title,
        body,
        case_url(rules, int(row["message"])),
        f"outbox:{row['id']}:{row['requested_at'].isoformat()}:u{row['requested_by']}",
        rules.id,
        int(row["message"]),
    )
