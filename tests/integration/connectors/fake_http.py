"""What the plain-ASGI fake networks share: read a request, answer JSON, serve the app."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import uvicorn


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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_asgi(app: Any, name: str) -> Iterator[str]:
    """Serve `app` while the caller's test runs; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the fake {name} did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
