"""Network connectors in the worker: one pass over every active long-poll account each
minute, and the webhook inbox (stored as soon as the web enqueues it, swept every minute).

Each pass is short (a long-poll wait of about a second per account), so the cron never
overlaps itself. A long-running long-poll loop per account (seconds from comment to
«Новые») is the next step of issue #14.
"""

from __future__ import annotations

from typing import Any

from app.connectors import inbox
from app.connectors.accounts import poll_all
from app.outbox import replies


async def poll_connectors(ctx: dict[str, Any]) -> int:
    """Poll every active connected account once; returns how many messages were stored."""
    replies.install()  # the author's reply to a clarification resumes the case
    results = await poll_all()
    return sum(r.stored for r in results)


async def process_inbox(ctx: dict[str, Any], account_id: int | None = None) -> int:
    """Store what webhooks brought for the account (enqueued by `POST /hooks/<id>`)."""
    replies.install()
    return await inbox.process_inbox(account_id)


async def sweep_inbox(ctx: dict[str, Any]) -> int:
    """Every minute: store whatever is still pending (a job lost with Redis, a failed
    attempt), and forget rows processed long ago."""
    replies.install()
    stored = await inbox.process_inbox()
    await inbox.prune_inbox()
    return stored
