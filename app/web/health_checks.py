"""Reachability of the database, Redis and the worker."""

from __future__ import annotations

import time
from typing import Any

from redis.asyncio import Redis

from app.core.redis import WORKER_HEARTBEAT_KEY
from app.db.tables import Organisation

# The worker writes its heartbeat every 10 s; older than this means it is not running.
WORKER_STALE_AFTER_SECONDS = 60


async def system_health(redis: Redis) -> dict[str, Any]:
    """A JSON-ready report; status is "ok" only when the database and Redis answer."""
    report: dict[str, Any] = {}
    try:
        await Organisation.raw("SELECT 1")
        report["database"] = {"ok": True}
    except Exception as exc:  # any failure means "down" here; the message helps the operator
        report["database"] = {"ok": False, "error": type(exc).__name__}
    heartbeat: str | None = None
    try:
        await redis.ping()
        heartbeat = await redis.get(WORKER_HEARTBEAT_KEY)
        report["redis"] = {"ok": True}
    except Exception as exc:
        report["redis"] = {"ok": False, "error": type(exc).__name__}
    age = round(time.time() - float(heartbeat), 1) if heartbeat else None
    report["worker"] = {
        "ok": age is not None and age <= WORKER_STALE_AFTER_SECONDS,
        "heartbeat_age_seconds": age,
    }
    down = [part for part in ("database", "redis") if not report[part]["ok"]]
    report["status"] = "down" if down else "ok"
    if down:
        report["down"] = down
    return report
