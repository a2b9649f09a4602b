"""Report jobs: scheduled summaries and violations reports; immediate-report reminders."""

from __future__ import annotations

from typing import Any

from app.reporting.delivery import deliver_due
from app.reporting.immediate import remind_unacknowledged


async def _mail_now(ctx: dict[str, Any]) -> None:
    if ctx.get("redis") is not None:
        await ctx["redis"].enqueue_job("send_emails")


async def deliver_reports(ctx: dict[str, Any]) -> dict[str, int]:
    """Make and deliver each organisation's due reports (exactly once per period)."""
    result = await deliver_due()
    if result.notifications:
        await _mail_now(ctx)
    return {
        "reports": result.reports,
        "notifications": result.notifications,
        "errors": len(result.errors),
    }


async def remind_immediate(ctx: dict[str, Any]) -> dict[str, int]:
    """Remind the head of immediate reports unacknowledged for 30 minutes (once each)."""
    sent = await remind_unacknowledged()
    if sent:
        await _mail_now(ctx)
    return {"reminders": sent}
