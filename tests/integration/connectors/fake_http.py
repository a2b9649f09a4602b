"""What the plain-ASGI fake networks share: read a request, answer JSON."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl


async def read_body(receive: Any) -> bytes:
    """The whole request body."""
    body = b""
    while True:
        event = await receive()
        body += event.get("body", b"")
        if not event.get("more_body"):
            return body


def query(scope: dict[str, Any]) -> dict[str, str]:
    """The query string's parameters (last value wins)."""
    return dict(parse_qsl(scope.get("query_string", b"").decode()))


def headers(scope: dict[str, Any]) -> dict[str, str]:
    """Request headers, names lower-cased."""
    return {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}


async def send_json(
    send: Any, status: int, answer: Any, extra_headers: dict[str, str] | None = None
) -> None:
    """Answer `answer` as JSON with `status`."""
    pairs = [(b"content-type", b"application/json")]
    pairs += [(k.encode(), v.encode()) for k, v in (extra_headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": pairs})
    await send({"type": "http.response.body", "body": json.dumps(answer).encode()})
