"""Server-sent events: the organisation's case changes, relayed from Redis pub/sub."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Callable
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import ServerSentEvent, ServerSentEventMessage
from redis.asyncio import Redis

from app.core import clock
from app.domain.roles import Role, sees_case
from app.identity.actor import ActorContext
from app.identity.organisations import organisation_id_by_slug, organisation_rules
from app.identity.substitutes import actor_context
from app.journal.live import organisation_channel
from app.web.guards import roles

KEEPALIVE_SECONDS = 15.0


def case_change_filter(actor: ActorContext) -> Callable[[str], bool]:
    """Whether a published case change may reach this person (see app.domain.roles.sees_case)."""

    def accept(text: str) -> bool:
        try:
            routed = frozenset(int(d) for d in json.loads(text).get("departments", ()))
        except (ValueError, TypeError, AttributeError):
            return False
        return sees_case(actor.roles, actor.department_ids, routed)

    return accept


async def relay(
    redis: Redis,
    channel: str,
    event: str = "change",
    accept: Callable[[str], bool] | None = None,
) -> AsyncGenerator[ServerSentEventMessage, None]:
    """Relay a Redis pub/sub channel as SSE events of one name, with keepalive comments;
    with `accept`, only the messages it accepts."""
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
            if accept is None or accept(text):
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
    """A change in a case this person may see arrives as an SSE event named "change"."""
    organisation_id = await organisation_id_by_slug(org_slug)
    rules = await organisation_rules(organisation_id)
    today = clock.now().astimezone(rules.calendar.tz).date()
    actor = await actor_context(request.state["current_user"].id, organisation_id, today)
    stream = relay(redis, organisation_channel(organisation_id), accept=case_change_filter(actor))
    return ServerSentEvent(stream, headers={"Cache-Control": "no-store"})
