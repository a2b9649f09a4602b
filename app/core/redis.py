"""The Redis client of this process, from REDIS_URL."""

from __future__ import annotations

from arq.connections import ArqRedis
from redis.asyncio import Redis

from app.core.config import get_settings

KEY_PREFIX = "otklik:"
WORKER_HEARTBEAT_KEY = KEY_PREFIX + "worker:heartbeat"


def redis_from_settings() -> Redis:
    """A new client for REDIS_URL (unix:// or redis://)."""
    url = get_settings().redis_url
    if not url:
        raise RuntimeError("REDIS_URL is not set: start through `otklik` or set it")
    return Redis.from_url(url, decode_responses=True)


def job_queue_from_settings() -> ArqRedis:
    """A client that enqueues the worker's jobs (arq pickles them: no decoded responses)."""
    url = get_settings().redis_url
    if not url:
        raise RuntimeError("REDIS_URL is not set: start through `otklik` or set it")
    return ArqRedis.from_url(url)
