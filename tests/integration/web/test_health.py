"""The health endpoint and the worker heartbeat."""

from __future__ import annotations

import time

from app.core.redis import WORKER_HEARTBEAT_KEY
from tasks.heartbeat import heartbeat


async def test_healthz_reports_database_redis_and_missing_worker(client) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["redis"]["ok"]
    assert body["worker"] == {"ok": False, "heartbeat_age_seconds": None}


async def test_heartbeat_job_makes_the_worker_visible(client, redis) -> None:
    await heartbeat({"redis": redis})
    body = (await client.get("/healthz")).json()
    assert body["worker"]["ok"] is True
    assert 0 <= body["worker"]["heartbeat_age_seconds"] < 5


async def test_stale_heartbeat_is_reported_as_down(client, redis) -> None:
    await redis.set(WORKER_HEARTBEAT_KEY, str(time.time() - 600))
    body = (await client.get("/healthz")).json()
    assert body["worker"]["ok"] is False
    assert body["worker"]["heartbeat_age_seconds"] >= 600
