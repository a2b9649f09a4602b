"""Asking the worker to run a job now (arq's queue in Redis).

A nudge only: work that must happen is written to PostgreSQL first and a cron job of the
worker picks it up from there, so a nudge lost with Redis delays it by a minute, no more.
"""

from __future__ import annotations

import logging

from arq.connections import ArqRedis
from redis.exceptions import RedisError

from app.core.config import get_settings

log = logging.getLogger(__name__)


async def nudge_worker(function: str, *args: object) -> bool:
    """Queue `function(*args)` for the worker; False when Redis could not take it."""
    url = get_settings().redis_url
    if not url:
        return False
    # arq stores jobs pickled: a client of its own, not the web's text-decoding one.
    redis = ArqRedis.from_url(url)
    try:
        await redis.enqueue_job(function, *args)
        return True
    except (RedisError, OSError):
        log.warning("job %s not queued; the worker's minute pass will do it", function)
        return False
    finally:
        await redis.aclose()
