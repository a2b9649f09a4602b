"""Servers the commands need: embedded PostgreSQL and Redis when no URL is set, and migrations."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from app.core.config import get_settings


@contextlib.contextmanager
def servers() -> Iterator[dict[str, Any]]:
    """Make DATABASE_URL and REDIS_URL usable: start embedded servers for the unset ones.

    Yields the embedded servers this process started, by name (for `otklik run` to watch).
    """
    settings = get_settings()
    if settings.database_url and settings.redis_url:
        yield {}
        return
    from app.core.embedded import EmbeddedPostgres, EmbeddedRedis

    started: list[Any] = []
    named: dict[str, Any] = {}
    try:
        if not settings.database_url:
            postgres = EmbeddedPostgres(settings.var_dir / "pgdata")
            postgres.start()
            started.append(postgres)
            named["PostgreSQL"] = postgres
            os.environ["DATABASE_URL"] = postgres.url
        if not settings.redis_url:
            redis = EmbeddedRedis(settings.var_dir / "redis")
            redis.start()
            started.append(redis)
            named["Redis"] = redis
            os.environ["REDIS_URL"] = redis.url
        get_settings.cache_clear()
        yield named
    finally:
        for server in reversed(started):
            server.stop()


async def migrate() -> None:
    """Apply pending Piccolo migrations (the database must be reachable)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    import app.db  # noqa: F401

    result = await run_forwards(app_name="otklik")
    if not result.success:
        raise SystemExit(f"Миграции не применены: {result.message}")
