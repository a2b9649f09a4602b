"""Server-sent events: the organisation's case changes, relayed from Redis pub/sub."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import ServerSentEvent, ServerSentEventMessage
from redis.asyncio import Redis

from app.domain.roles import Role
from app.identity.organisations import organisation_id_by_slug
from app.journal.live import organisation_channel
from app.web.guards import roles

KEEPALIVE_SECONDS = 15.0


async def relay(
    redis: Redis, channel: str, event: str = "change"
) -> AsyncGenerator[ServerSentEventMessage, None]:
    """Relay a Redis pub/sub channel as SSE events of one name, with keepalive comments."""
    pubsub = redis.pubsub()
    await pubsub.subscribe(channel)
    try:
        yield ServerSentEventMessage(event="ready", data="1")
        while True:
            message = await pubsub.get_message(
                ignore_subscribe_messages=True, timeout=KEEPALIVE_SECONDS
            )
            if message is None:
                yield ServerSentEventMessage(comment="keepalive", data=None)
                continue
            data = message["data"]
            text = data.decode() if isinstance(data, bytes) else str(data)
            yield ServerSentEventMessage(event=event, data=text)
    except asyncio.CancelledError:
        raise
    finally:
        await pubsub.unsubscribe(channel)
        await pubsub.aclose()


@get(
    "/o/{org_slug:str}/live",
    name="live",
    opt={**roles(*Role), "stream": True},
    include_in_schema=False,
)
async def live(
    request: Request[Any, Any, Any], org_slug: FromPath[str], redis: NamedDependency[Redis]
) -> ServerSentEvent:
    """A change in any case of the organisation arrives as an SSE event named "change"."""
    channel = organisation_channel(await organisation_id_by_slug(org_slug))
    return ServerSentEvent(relay(redis, channel), headers={"Cache-Control": "no-store"})
