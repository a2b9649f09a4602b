"""The HTTP client connectors share: one per event loop, with a bounded connection pool.

A client per call would build a TLS context each time (tens of milliseconds of CPU) and open
a new connection each time; a thousand accounts in long poll need one client that keeps
their connections alive. The pool is bounded (`MAX_CONNECTIONS`): a thousand long polls plus
the publications and short calls of the same process fit in it.
"""

from __future__ import annotations

import asyncio
import weakref

import httpx

MAX_CONNECTIONS = 1200
KEEPALIVE_CONNECTIONS = 1100
DEFAULT_TIMEOUT_SECONDS = 10.0
# A connection waiting for a free slot of the pool gives up after this long.
POOL_TIMEOUT_SECONDS = 60.0

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)


def client() -> httpx.AsyncClient:
    """This event loop's client (created on first use). Pass a per-request `timeout` for a
    long poll (the wait plus a margin)."""
    loop = asyncio.get_running_loop()
    shared = _clients.get(loop)
    if shared is None or shared.is_closed:
        shared = _clients[loop] = httpx.AsyncClient(
            timeout=httpx.Timeout(DEFAULT_TIMEOUT_SECONDS, pool=POOL_TIMEOUT_SECONDS),
            limits=httpx.Limits(
                max_connections=MAX_CONNECTIONS, max_keepalive_connections=KEEPALIVE_CONNECTIONS
            ),
        )
    return shared


async def close_client() -> None:
    """Close this loop's client (a worker's shutdown)."""
    shared = _clients.pop(asyncio.get_running_loop(), None)
    if shared is not None:
        await shared.aclose()
