"""The one arq WorkerSettings: every job and cron is registered here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any, ClassVar

from arq import cron
from arq.connections import RedisSettings
from arq.worker import create_worker

import app.db  # noqa: F401 — sets PICCOLO_CONF before tables are used
from app.core.config import get_settings
from app.core.outages import is_outage
from app.outbox import replies
from app.screening.assess import warm_up
from tasks.connectors import (
    poll_connectors,
    process_inbox,
    start_loops,
    stop_loops,
    sweep_inbox,
)
from tasks.heartbeat import heartbeat
from tasks.media import SWEEP_MEDIA_CRON, sweep_media
from tasks.outbox import deliver_due_replies, deliver_reply
from tasks.reports import deliver_reports, remind_immediate
from tasks.routing import LEARN_FROM_ROUTING_CRON, learn_from_routing
from tasks.screening import ASSESS_BACKLOG_CRON, assess_backlog, assess_new_message
from tasks.timers import send_emails, sweep_timers

log = logging.getLogger("otklik.worker")

FIRST_PAUSE_SECONDS = 0.5
LONGEST_PAUSE_SECONDS = 30.0
# A worker that ran this long before losing a server was healthy: the pauses start over.
HEALTHY_AFTER_SECONDS = 60.0


def redis_settings() -> RedisSettings:
    """arq's connection settings from REDIS_URL."""
    url = get_settings().redis_url
    if not url:
        raise RuntimeError("REDIS_URL is not set: start the worker through `otklik worker`")
    return RedisSettings.from_dsn(url)


async def startup(ctx: dict[str, Any]) -> None:
    """Open the database pool, beat once (so /healthz sees the worker at once), start the
    connectors' long-poll loops."""
    from app.db.piccolo_conf import DB

    if DB.pool is None:  # a reconnecting worker keeps the pool it had
        await DB.start_connection_pool(min_size=1, max_size=5)
    # Whatever job stores a connector's message (a poll, a webhook's items), the author's
    # reply to a clarification resumes the case.
    replies.install()
    await heartbeat(ctx)
    # Screening's dictionaries loaded now, so the first new message is assessed at once.
    await asyncio.to_thread(warm_up)
    await start_loops(ctx)


async def shutdown(ctx: dict[str, Any]) -> None:
    """Stop the connectors' loops, close the database pool."""
    from app.db.piccolo_conf import DB

    await stop_loops(ctx)
    if DB.pool is not None:
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
        poll_connectors,
        process_inbox,
        sweep_inbox,
        deliver_reply,
        deliver_due_replies,
        learn_from_routing,
        assess_new_message,
        assess_backlog,
    ]
    cron_jobs: ClassVar[list[Any]] = [
        cron(heartbeat, second={0, 10, 20, 30, 40, 50}, run_at_startup=False, unique=True),
        # The sweep is the guarantee (the database is the source of truth); at startup it
        # catches up whatever fell due while no worker ran.
        cron(sweep_timers, second=5, run_at_startup=True, unique=True, timeout=300),
        cron(send_emails, second=35, run_at_startup=False, unique=True, timeout=300),
        cron(poll_connectors, second=25, run_at_startup=True, unique=True, timeout=55),
        cron(sweep_inbox, second=45, run_at_startup=True, unique=True, timeout=55),
        # Retries of replies the network refused, attempts cut off mid-call, the alert.
        cron(deliver_due_replies, second=55, run_at_startup=True, unique=True, timeout=120),
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
        LEARN_FROM_ROUTING_CRON,
        ASSESS_BACKLOG_CRON,
    ]
    on_startup = startup
    on_shutdown = shutdown
    health_check_interval = 30
    # How often an idle worker looks for queued jobs (arq's default is 0.5 s): a new message
    # must be in «Новые» with its screening within a second (issue #15).
    poll_delay = 0.1


async def run_until_stopped(
    settings: RedisSettings | None = None, *, handle_signals: bool = True
) -> None:
    """Run the arq worker; when Redis or PostgreSQL goes away, reconnect with backoff.

    arq itself gives up when Redis drops during polling; this loop builds a new worker
    after a pause that doubles (up to 30 s) while the server stays down. Other failures
    and Ctrl-C / SIGTERM stop the worker as before.
    """
    settings = settings or redis_settings()
    # Fail fast inside one attempt; the backoff between attempts is ours.
    settings.conn_retries = 0
    pause = FIRST_PAUSE_SECONDS
    while True:
        worker = create_worker(
            WorkerSettings,  # type: ignore[arg-type]
            redis_settings=settings,
            handle_signals=handle_signals,
        )
        started = time.monotonic()
        try:
            await worker.async_run()
            return
        except asyncio.CancelledError:
            return  # SIGINT / SIGTERM (arq cancels its main task), or our caller cancelled
        except Exception as exc:
            if not is_outage(exc):
                raise
            if time.monotonic() - started >= HEALTHY_AFTER_SECONDS:
                pause = FIRST_PAUSE_SECONDS
            log.warning(
                "worker lost a server (%s: %s); reconnecting in %.1f s",
                type(exc).__name__,
                exc,
                pause,
            )
        finally:
            # The loops first: arq's close talks to Redis, which may be the server that went
            # away, and then never reaches on_shutdown (the loops would outlive the worker).
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await stop_loops(worker.ctx)
            # Closing talks to Redis, which may be the server that went away.
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await worker.close()
        await asyncio.sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
