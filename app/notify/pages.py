"""The bell, the list of notifications, marking them read and per-kind e-mail preferences."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, ServerSentEvent, ServerSentEventMessage, Template
from redis.asyncio import Redis

from app.journal.live import user_channel
from app.notify.live_stream import relay
from app.notify.notifications import (
    KIND_TITLES,
    Kind,
    list_notifications,
    mark_read,
    preferences,
    set_preference,
    unread_count,
)
from app.web.deps import Req
from app.web.forms import form_list, to_int
from app.web.guards import SIGNED_IN
from app.web.rendering import page


def _user_id(request: Req) -> int:
    return int(request.state["current_user"].id)


class NotificationsController(Controller):
    """Notifications of the signed-in user, across their organisations."""

    path = "/notifications"
    include_in_schema = False

    @get("/", name="notifications", opt=SIGNED_IN)
    async def index(self, request: Req, unread: FromQuery[bool] = False) -> Template:
        """The list, newest first."""
        items = await list_notifications(_user_id(request), unread_only=unread, limit=200)
        return page(request, "notify/list.html", items=items, unread_only=unread)

    @get("/bell", name="notifications.bell", opt=SIGNED_IN)
    async def bell(self, request: Req) -> Template:
        """The bell with the unread count (swapped in live)."""
        return page(request, "notify/_bell.html", unread=await unread_count(_user_id(request)))

    @post("/read", name="notifications.read", opt=SIGNED_IN)
    async def read(self, request: Req, data: URLEncodedBody[dict[str, Any]]) -> Redirect:
        """Mark the chosen notifications (or all of them) as read."""
        ids = [n for i in form_list(data, "ids", 20) if (n := to_int(i)) is not None]
        if ids or data.get("all") == "1":
            await mark_read(_user_id(request), ids or None)
        return Redirect("/notifications")

    @get("/settings", name="notifications.settings", opt=SIGNED_IN)
    async def settings(self, request: Req) -> Template:
        """Per kind: in-app only, or in-app and e-mail."""
        chosen = await preferences(_user_id(request))
        return page(request, "notify/settings.html", chosen=chosen, titles=KIND_TITLES)

    @post("/settings", name="notifications.settings.save", opt=SIGNED_IN)
    async def save_settings(self, request: Req) -> Redirect:
        """Save the choices."""
        form = await request.form()
        for kind in Kind:
            await set_preference(_user_id(request), kind, form.get(f"email_{kind.value}") == "1")
        return Redirect("/notifications/settings?saved=1")


async def _user_events(redis: Redis, channel: str) -> AsyncGenerator[ServerSentEventMessage, None]:
    async for event in relay(redis, channel, "notification"):
        yield event


@get("/live/me", name="live.me", opt={**SIGNED_IN, "stream": True}, include_in_schema=False)
async def live_me(request: Req, redis: NamedDependency[Redis]) -> ServerSentEvent:
    """The signed-in user's new notifications as SSE events named "notification"."""
    channel = user_channel(_user_id(request))
    return ServerSentEvent(_user_events(redis, channel), headers={"Cache-Control": "no-store"})
