"""Is a failure an outage of PostgreSQL or Redis (the server is down or restarting)?

Such a failure is not a bug of ours: the web answers 503 with Retry-After, the worker
reconnects with backoff, and both carry on once the server is back.
"""

from __future__ import annotations

import traceback
from types import TracebackType

import asyncpg
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# What a client should wait before retrying; the Russian page says «через минуту».
RETRY_AFTER_SECONDS = 60
UNAVAILABLE_MESSAGE = "Сервис временно недоступен, повторите через минуту."

_DRIVER_OUTAGES: tuple[type[BaseException], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    asyncpg.exceptions.PostgresConnectionError,  # cannot connect now, connection lost
    asyncpg.exceptions.OperatorInterventionError,  # admin or crash shutdown
    asyncpg.exceptions.ConnectionDoesNotExistError,
)
# Socket errors count only when they come out of a database or Redis driver (a missing
# media file is not an outage).
_SOCKET_ERRORS: tuple[type[BaseException], ...] = (OSError,)  # refused, reset, timed out
_DRIVER_MODULES = ("asyncpg", "redis", "piccolo.engine")


def _raised_in_driver(tb: TracebackType | None) -> bool:
    return any(
        str(frame.f_globals.get("__name__", "")).startswith(_DRIVER_MODULES)
        for frame, _ in traceback.walk_tb(tb)
    )


def which_server(exc: BaseException) -> str | None:
    """ "redis" or "database" when exc (or what caused it) is that server being down, else None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (RedisConnectionError, RedisTimeoutError)):
            return "redis"
        if isinstance(current, _DRIVER_OUTAGES):
            return "database"
        if isinstance(current, asyncpg.exceptions.InterfaceError) and "closed" in str(current):
            return "database"
        if isinstance(current, _SOCKET_ERRORS) and _raised_in_driver(current.__traceback__):
            names = {
                str(frame.f_globals.get("__name__", "")).split(".")[0]
                for frame, _ in traceback.walk_tb(current.__traceback__)
            }
            return "redis" if "redis" in names and "asyncpg" not in names else "database"
        current = current.__cause__ or current.__context__
    return None


def is_outage(exc: BaseException) -> bool:
    """True when exc means PostgreSQL or Redis is unreachable (retrying later can succeed)."""
    return which_server(exc) is not None
