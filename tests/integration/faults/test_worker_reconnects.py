"""The worker outlives Redis and PostgreSQL outages: it reconnects instead of exiting."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from arq.connections import RedisSettings
from redis.asyncio import Redis

from app.core.embedded import EmbeddedPostgres, EmbeddedRedis
from app.core.redis import WORKER_HEARTBEAT_KEY
from tasks.worker import run_until_stopped
from tests.integration.faults.conftest import kill_postgres, kill_redis


async def _eventually(check: Callable[[], Awaitable[object]], give_up_after: float = 10) -> float:
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < give_up_after, "the worker did not come back"
        await asyncio.sleep(0.1)
    return time.monotonic() - started


async def _heartbeat(redis: Redis) -> bool:
    try:
        return bool(await redis.get(WORKER_HEARTBEAT_KEY))
    except Exception:
        return False


async def test_worker_waits_for_postgres_and_survives_a_redis_restart(
    own_redis: EmbeddedRedis, shared_postgres: EmbeddedPostgres
) -> None:
    from app.db.piccolo_conf import DB

    redis = Redis.from_url(own_redis.url, decode_responses=True)
    await asyncio.to_thread(kill_postgres)  # the worker starts while the database is down
    worker = asyncio.create_task(
        run_until_stopped(RedisSettings.from_dsn(own_redis.url), handle_signals=False)
    )
    try:
        await asyncio.sleep(1.0)
        assert not worker.done(), "the worker gave up while PostgreSQL was down"
        assert not await _heartbeat(redis)
        await asyncio.to_thread(shared_postgres.restart)
        await _eventually(lambda: _heartbeat(redis))  # started once the database is back

        kill_redis(own_redis)
        await asyncio.sleep(1.0)
        assert not worker.done(), "the worker exited when Redis went away"
        own_redis.restart()
        await redis.delete(WORKER_HEARTBEAT_KEY)
        await _eventually(lambda: _heartbeat(redis))  # a new worker beat on startup
        assert not worker.done()
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
        if DB.pool is not None:
            await DB.close_connection_pool()
        await redis.aclose()
    # No worker's long-poll loops outlive it (neither the one Redis took down nor the last).
    loops = [t for t in asyncio.all_tasks() if t.get_name() == "connector-loops" and not t.done()]
    assert loops == []
