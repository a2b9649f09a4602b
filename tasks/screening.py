"""Screening assistance in the worker: each new message assessed at once, and a minute's
catch-up pass for whatever a lost job left unassessed (app.screening.assess)."""

from __future__ import annotations

from typing import Any

from arq import cron

from app.screening.assess import assess_message, assess_unassessed


async def assess_new_message(ctx: dict[str, Any], message_id: int) -> bool:
    """Assess one message just stored (queued by intake)."""
    return await assess_message(message_id)


async def assess_backlog(ctx: dict[str, Any]) -> dict[str, int]:
    """Assess messages with no assessment yet (the database is the source of truth)."""
    return {"assessed": await assess_unassessed()}


# Every minute; at startup it catches up what arrived while no worker ran.
ASSESS_BACKLOG_CRON = cron(assess_backlog, second=40, run_at_startup=True, unique=True, timeout=55)
