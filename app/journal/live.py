"""Live updates: every committed change is announced on Redis pub/sub (works across processes).

The web process relays the organisation's channel to its SSE clients (app.notify.live_stream);
queues re-render their rows when told something changed.
"""

from __future__ import annotations

import json
import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core.config import get_settings

log = logging.getLogger(__name__)


def organisation_channel(organisation_id: int) -> str:
    """The pub/sub channel of one organisation's case changes."""
    return f"otklik:live:org:{organisation_id}"


def user_channel(user_id: int) -> str:
    """The pub/sub channel of one user's notifications."""
    return f"otklik:live:user:{user_id}"


async def publish_change(organisation_id: int, message_id: int, kind: str) -> None:
    """Announce a committed change; a Redis failure is logged, never raised to the user."""
    url = get_settings().redis_url
    if not url:
        return
    client = Redis.from_url(url)
    try:
        payload = json.dumps({"message_id": message_id, "kind": kind})
        await client.publish(organisation_channel(organisation_id), payload)
    except RedisError:
        log.warning("live update for message %s not published", message_id, exc_info=True)
    finally:
        await client.aclose()
