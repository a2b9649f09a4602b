"""Network connectors in the worker: permanent long-poll loops, a minute pass as fallback,
and the webhook inbox (stored as soon as the web enqueues it, swept every minute).

On startup the worker starts `app.connectors.loops.Supervisor`: one long-poll loop per
active account (seconds from a comment to «Новые»), the accounts shared between worker
processes by leases in Redis. The minute cron `poll_connectors` is the fallback: it polls
only the accounts no loop holds (e.g. while the supervisor is starting), with a short wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from app.connectors import inbox
from app.connectors.runtime.http import close_client
from app.connectors.runtime.loops import Supervisor
from app.connectors.runtime.polling import poll_all
from app.core.redis import close_shared_redis
from app.outbox import replies

log = logging.getLogger("otklik.worker")

LOOPS_KEY = "connector_loops"


async def poll_connectors(ctx: dict[str, Any]) -> int:
    """The fallback pass: while this worker's loops run it has nothing to do; else poll every
    active account no loop (of another worker) holds. Returns how many were stored."""
    loops = ctx.get(LOOPS_KEY)
    if loops is not None and not loops.done():
        return 0
    replies.install()  # the author's reply to a clarification resumes the case
    results = await poll_all()
    return sum(r.stored for r in results)


async def start_loops(ctx: dict[str, Any]) -> None:
    """Start this process's supervisor of long-poll loops (the worker's startup)."""
    supervisor = Supervisor()
    ctx[LOOPS_KEY] = asyncio.create_task(supervisor.run(), name="connector-loops")
    log.info("connector loops started (%s)", supervisor.owner)


async def stop_loops(ctx: dict[str, Any]) -> None:
    """Stop the loops, give their leases back, close the shared clients (the worker's stop)."""
    task = ctx.pop(LOOPS_KEY, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    with contextlib.suppress(Exception):
        await close_client()
        await close_shared_redis()


async def process_inbox(ctx: dict[str, Any], account_id: int | None = None) -> int:
    """Store what webhooks brought for the account (enqueued by `POST /hooks/<id>`)."""
    replies.install()
    return await inbox.process_inbox(account_id)


async def sweep_inbox(ctx: dict[str, Any]) -> int:
    """Every minute: store whatever is still pending (a job lost with Redis, a failed
    attempt), and forget rows processed long ago."""
    replies.install()
    stored = await inbox.process_inbox()
    await inbox.prune_inbox()
    return stored
