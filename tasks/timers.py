"""Timer jobs: the minute sweep and the e-mail run. Both are safe to run twice or at once."""

from __future__ import annotations

from typing import Any

from app.deadlines.sweep import sweep
from app.notify.mailer import send_pending


async def sweep_timers(ctx: dict[str, Any]) -> dict[str, int]:
    """Warnings, deadline notices, violations, escalation, activity (app.deadlines.sweep)."""
    result = await sweep(ctx.get("redis"))
    if result.notifications and ctx.get("redis") is not None:
        # Mail the new notifications now rather than at the next minute's run.
        await ctx["redis"].enqueue_job("send_emails")
    return {
        "notifications": result.notifications,
        "violations": result.violations,
        "escalated": result.escalated,
        "alerts": result.alerts,
        "errors": len(result.errors),
    }


async def send_emails(ctx: dict[str, Any]) -> dict[str, int]:
    """Send due e-mail copies of notifications (retries with backoff live in the database)."""
    result = await send_pending()
    return {"sent": result.sent, "failed": result.failed}
