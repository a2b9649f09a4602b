"""The hourly sweep of orphan attachment files (app.intake.orphans)."""

from __future__ import annotations

from typing import Any

from arq import cron

from app.intake.orphans import sweep_orphans


async def sweep_media(ctx: dict[str, Any]) -> dict[str, int]:
    """Delete attachment files older than a day that no draft refers to."""
    return {"removed": await sweep_orphans()}


# Hourly: an orphan lives at most a day and an hour; the walk reads one directory per organisation.
SWEEP_MEDIA_CRON = cron(
    sweep_media, minute=47, second=25, run_at_startup=False, unique=True, timeout=600
)
