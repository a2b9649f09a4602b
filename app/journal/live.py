"""Live updates: every committed change is announced on Redis pub/sub (works across processes).

The web process relays the organisation's channel to its SSE clients (app.notify.live_stream),
each client receiving only the changes of cases it may see (the departments the case is routed
to travel with the change); queues re-render their rows when told something changed.
"""

from __future__ import annotations

import json
import logging

from redis.exceptions import RedisError

from app.core.config import get_settings
from app.core.redis import shared_redis
from app.db.tables import Assignment

log = logging.getLogger(__name__)


def organisation_channel(organisation_id: int) -> str:
    """The pub/sub channel of one organisation's case changes."""
    return f"otklik:live:org:{organisation_id}"


def user_channel(user_id: int) -> str:
    """The pub/sub channel of one user's notifications."""
    return f"otklik:live:user:{user_id}"


async def routed_departments(message_id: int) -> list[int]:
    """The departments a case is (or was) routed to: who besides the all-seeing roles sees it."""
    rows = await Assignment.select(Assignment.department).where(Assignment.message == message_id)
    return sorted({int(r["department"]) for r in rows})


async def publish_change(organisation_id: int, message_id: int, kind: str) -> None:
    """Announce a committed change; a Redis failure is logged, never raised to the user."""
    url = get_settings().redis_url
    if not url:
        return
    departments = await routed_departments(message_id)
    # The loop's shared client: a connection per change cost ~1 ms and a socket each (bench).
    try:
        payload = json.dumps({"message_id": message_id, "kind": kind, "departments": departments})
        await shared_redis().publish(organisation_channel(organisation_id), payload)
    except RedisError:
        log.warning("live update for message %s not published", message_id, exc_info=True)
