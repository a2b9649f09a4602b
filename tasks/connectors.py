"""Network connectors in the worker: one pass over every active account each minute.

Each pass is short (a long-poll wait of about a second per account), so the cron never
overlaps itself. A long-running long-poll loop per account (seconds from comment to
«Новые») is the next step of issue #14.
"""

from __future__ import annotations

from typing import Any

from app.connectors.accounts import poll_all
from app.outbox import replies


async def poll_connectors(ctx: dict[str, Any]) -> int:
    """Poll every active connected account once; returns how many messages were stored."""
    replies.install()  # the author's reply to a clarification resumes the case
    results = await poll_all()
    return sum(r.stored for r in results)
