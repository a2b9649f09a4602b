"""Server-side sessions in Redis with a fresh session id at sign-in (no session fixation)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)

_ROTATE = "otklik_rotate_session"
_NEW_ID = "otklik_new_session_id"


def rotate_session_id(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Make the response store the session under a newly generated id."""
    connection.scope.setdefault("state", {})[_ROTATE] = True


class RotatingSessionBackend(ServerSideSessionBackend):
    """Litestar's backend, except that it honours rotate_session_id()."""

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.scope.setdefault("state", {})
        if state.get(_ROTATE):
            if not state.get(_NEW_ID):
                state[_NEW_ID] = self.generate_session_id()
            return str(state[_NEW_ID])
        return super().get_session_id(connection)


class RotatingSessionConfig(ServerSideSessionConfig):
    """ServerSideSessionConfig using RotatingSessionBackend."""

    _backend_class = RotatingSessionBackend
