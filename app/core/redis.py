"""The Redis client of this process, from REDIS_URL."""

from __future__ import annotations

import asyncio
import weakref

from arq.connections import ArqRedis
from redis.asyncio import Redis

from app.core.config import get_settings

KEY_PREFIX = "otklik:"
WORKER_HEARTBEAT_KEY = KEY_PREFIX + "worker:heartbeat"

# One shared client per event loop (a client's connections belong to the loop that made them).
_shared: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Redis] = weakref.WeakKeyDictionary()


def redis_from_settings() -> Redis:
    """A new client for REDIS_URL (unix:// or redis://)."""
    url = get_settings().redis_url
    if not url:
        raise RuntimeError("REDIS_URL is not set: start through `otklik` or set it")
    return Redis.from_url(url, decode_responses=True)


def shared_redis() -> Redis:
    """The client shared by everything running in this event loop (rate limits, leases): its
    pool keeps a few connections open instead of one connection per call."""
    loop = asyncio.get_running_loop()
    client = _shared.get(loop)
    if client is None:
        client = _shared[loop] = redis_from_settings()
    return client


async def close_shared_redis() -> None:
    """Close this loop's shared client (a worker's shutdown)."""
    client = _shared.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()


def job_queue_from_settings() -> ArqRedis:
    """A client that enqueues the worker's jobs (arq pickles them: no decoded responses)."""
    url = get_settings().redis_url
    if not url:
        raise RuntimeError("REDIS_URL is not set: start through `otklik` or set it")
    return ArqRedis.from_url(url)
