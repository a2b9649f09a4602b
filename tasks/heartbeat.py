"""The worker's heartbeat: its wall-clock time in Redis, read by /healthz and `otklik check`."""

from __future__ import annotations

import time
from typing import Any

from app.core.redis import WORKER_HEARTBEAT_KEY

# Kept a while after the worker dies, so /healthz can say how long ago it was last seen.
HEARTBEAT_TTL_SECONDS = 24 * 3600


async def heartbeat(ctx: dict[str, Any]) -> float:
    """Record that the worker is alive; returns the recorded time."""
    now = time.time()
    await ctx["redis"].set(WORKER_HEARTBEAT_KEY, f"{now:.3f}", ex=HEARTBEAT_TTL_SECONDS)
    return now
