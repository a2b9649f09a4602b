"""Server-side sessions in Redis: created at sign-in only, with a fresh id (no fixation).

Litestar's backend stores an (empty) session for every response; an anonymous page view,
an API call or a health check would each leave a 12-hour key in Redis. Here a session is
written only when it holds something or already existed (its cookie came with the request).

When Redis is down, a request with a session cookie goes on as anonymous with the session
marked unavailable: public pages (sign-in, health) still render, pages that need the user
answer 503 (see app.web.guards), and nothing is written back.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty, Message, ScopeSession

from app.core.outages import is_outage

log = logging.getLogger("otklik.web")

_ROTATE = "otklik_rotate_session"
_NEW_ID = "otklik_new_session_id"
_UNAVAILABLE = "otklik_session_unavailable"


def rotate_session_id(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Make the response store the session under a newly generated id."""
    connection.scope.setdefault("state", {})[_ROTATE] = True


def session_unavailable(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """True when the request brought a session that could not be read (Redis is down)."""
    return bool(connection.scope.get("state", {}).get(_UNAVAILABLE))


class RotatingSessionBackend(ServerSideSessionBackend):
    """Litestar's backend, except that it honours rotate_session_id() and survives Redis
    being down."""

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        """The stored session; empty (and marked unavailable) when Redis does not answer."""
        try:
            return await super().load_from_connection(connection)
        except Exception as exc:
            if not is_outage(exc):
                raise
            log.warning("session store unavailable (%s)", type(exc).__name__)
            connection.scope.setdefault("state", {})[_UNAVAILABLE] = True
            return {}

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.scope.setdefault("state", {})
        if state.get(_ROTATE):
            if not state.get(_NEW_ID):
                state[_NEW_ID] = self.generate_session_id()
            return str(state[_NEW_ID])
        return super().get_session_id(connection)

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        """Store the session, unless it is empty and the request came without one, or could
        not be read."""
        if session_unavailable(connection):
            return
        # After sign-out the browser keeps the cookie with the value "null".
        had_session = connection.cookies.get(self.config.key) not in (None, "", "null")
        if not had_session and (scope_session is Empty or not scope_session):
            return
        await super().store_in_message(scope_session, message, connection)


class RotatingSessionConfig(ServerSideSessionConfig):
    """ServerSideSessionConfig using RotatingSessionBackend."""

    _backend_class = RotatingSessionBackend
