"""Routing suggestions learn as cases are routed (issue #15): a catch-up every minute."""

from __future__ import annotations

from typing import Any

from arq import cron

from app.screening.routing_history import learn_new_assignments


async def learn_from_routing(ctx: dict[str, Any]) -> dict[str, int]:
    """Learn the assignments created since each organisation's watermark (exactly once)."""
    return {"learned": await learn_new_assignments()}


# Every minute, and at startup (a worker that was down catches up the routings it missed).
LEARN_FROM_ROUTING_CRON = cron(
    learn_from_routing, second=15, run_at_startup=True, unique=True, timeout=300
)
