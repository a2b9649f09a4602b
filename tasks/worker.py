"""The one arq WorkerSettings: every job and cron is registered here."""

from __future__ import annotations

from typing import Any, ClassVar

from arq import cron
from arq.connections import RedisSettings

import app.db  # noqa: F401 — sets PICCOLO_CONF before tables are used
from app.core.config import get_settings
from tasks.heartbeat import heartbeat
from tasks.media import SWEEP_MEDIA_CRON, sweep_media
from tasks.reports import deliver_reports, remind_immediate
from tasks.timers import send_emails, sweep_timers


def redis_settings() -> RedisSettings:
    """arq's connection settings from REDIS_URL."""
    url = get_settings().redis_url
    if not url:
        raise RuntimeError("REDIS_URL is not set: start the worker through `otklik worker`")
    return RedisSettings.from_dsn(url)


async def startup(ctx: dict[str, Any]) -> None:
    """Open the database pool and beat once, so /healthz sees the worker at once."""
    from app.db.piccolo_conf import DB

    await DB.start_connection_pool(min_size=1, max_size=5)
    await heartbeat(ctx)


async def shutdown(ctx: dict[str, Any]) -> None:
    """Close the database pool."""
    from app.db.piccolo_conf import DB

    await DB.close_connection_pool()


class WorkerSettings:
    """arq settings (arq reads them as class attributes).

    The Redis connection is not here: it is read when the worker starts
    (`run_worker(WorkerSettings, redis_settings=redis_settings())` in `otklik worker`), so
    importing this module needs no REDIS_URL.
    """

    functions: ClassVar[list[Any]] = [
        heartbeat,
        sweep_timers,
        send_emails,
        deliver_reports,
        remind_immediate,
        sweep_media,
    ]
    cron_jobs: ClassVar[list[Any]] = [
        cron(heartbeat, second={0, 10, 20, 30, 40, 50}, run_at_startup=False, unique=True),
        # The sweep is the guarantee (the database is the source of truth); at startup it
        # catches up whatever fell due while no worker ran.
        cron(sweep_timers, second=5, run_at_startup=True, unique=True, timeout=300),
        cron(send_emails, second=35, run_at_startup=False, unique=True, timeout=300),
        cron(remind_immediate, second=50, run_at_startup=False, unique=True, timeout=120),
        # Reports are due at a working morning; every 10 minutes is prompt enough, and the
        # run at startup catches up a report that fell due while no worker ran.
        cron(
            deliver_reports,
            minute=set(range(0, 60, 10)),
            second=20,
            run_at_startup=True,
            unique=True,
            timeout=1800,
        ),
        SWEEP_MEDIA_CRON,
    ]
    on_startup = startup
    on_shutdown = shutdown
    health_check_interval = 30
