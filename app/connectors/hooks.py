"""`POST /hooks/<account id>`: where networks call in webhook mode.

Outside sessions and CSRF (see app.asgi), like /healthz and the intake API: the caller is a
network, and the account's webhook secret (checked by its connector) is the credential. The
web answers fast and stores only inbox rows; the worker turns them into messages.
"""

from __future__ import annotations

import logging
from typing import Any

from arq.connections import ArqRedis
from litestar import Request, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response

from app.connectors.inbox import receive_webhook
from app.web.guards import PUBLIC

log = logging.getLogger("otklik.connectors")

# A network's callback is a few kilobytes; a megabyte leaves room and bounds a stranger.
MAX_HOOK_BODY_BYTES = 1024 * 1024
PROCESS_JOB = "process_inbox"


@post(
    "/hooks/{account_id:int}",
    opt=PUBLIC,
    name="hooks.receive",
    request_max_body_size=MAX_HOOK_BODY_BYTES,
    include_in_schema=False,
)
async def receive_hook(
    request: Request[Any, Any, Any],
    account_id: FromPath[int],
    jobs: NamedDependency[ArqRedis],
) -> Response[str]:
    """Let the account's connector check the call; queue what it carries for the worker.
    404 (no details) for an account that does not take webhooks; 413 beyond a megabyte."""
    body = await request.body()
    headers = {name.lower(): value for name, value in request.headers.items()}
    received = await receive_webhook(account_id, headers, body)
    if received is None:
        raise NotFoundException()
    reply, fresh = received
    if fresh:
        try:
            await jobs.enqueue_job(PROCESS_JOB, account_id)
        except Exception:  # Redis away: the rows are safe, the worker's minute sweep stores them
            log.warning("account %s: could not enqueue the inbox job", account_id, exc_info=True)
    return Response(reply.body, status_code=reply.status, media_type=reply.content_type)
