"""The outbox in the worker: a reply posted as soon as «Разместить через …» is pressed, and
a minute pass for retries, attempts cut off mid-call and the publisher's alert (app.outbox)."""

from __future__ import annotations

from typing import Any

from app.outbox.sending import deliver
from app.outbox.watch import outbox_pass


async def deliver_reply(ctx: dict[str, Any], outgoing_id: int) -> str:
    """Post one queued reply now (the web's nudge); the minute pass is the guarantee."""
    return await deliver(outgoing_id)


async def deliver_due_replies(ctx: dict[str, Any]) -> dict[str, Any]:
    """Due retries, cut-off attempts, failing replies announced to their publishers."""
    result = await outbox_pass(ctx.get("redis"))
    if result.announced and ctx.get("redis") is not None:
        await ctx["redis"].enqueue_job("send_emails")  # mail the alerts now
    return {**result.delivered, "cut_off": result.cut_off, "announced": result.announced}
