"""The HTTP clients connectors share: a few per event loop, each with a bounded pool.

A client per call would build a TLS context each time (tens of milliseconds of CPU) and open
a new connection each time; a thousand accounts in long poll need clients that keep their
connections alive. One client is not enough either: httpcore scans every connection of its
pool on each request, so a pool of a thousand long polls costs milliseconds of CPU per
request. The accounts are therefore spread over SHARDS clients (by account), each holding at
most SHARD_CONNECTIONS connections, sharing one TLS context.
"""

from __future__ import annotations

import asyncio
import weakref
import zlib
from functools import cache
from ssl import SSLContext

import httpx

SHARDS = 32
SHARD_CONNECTIONS = 100  # 3,200 in all: a thousand long polls and the rest fit
DEFAULT_TIMEOUT_SECONDS = 10.0
# A request waiting for a free connection of its client gives up after this long.
POOL_TIMEOUT_SECONDS = 60.0

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, httpx.AsyncClient]] = (
    weakref.WeakKeyDictionary()
)


@cache
def _tls() -> SSLContext:
    return httpx.create_ssl_context()


def client(key: str = "") -> httpx.AsyncClient:
    """The client of this event loop for `key` (an account id: one account always uses the
    same client and connection). Pass a per-request `timeout` for a long poll (the wait plus a
    margin)."""
    shards = _clients.setdefault(asyncio.get_running_loop(), {})
    shard = zlib.crc32(key.encode()) % SHARDS
    shared = shards.get(shard)
    if shared is None or shared.is_closed:
        shared = shards[shard] = httpx.AsyncClient(
            verify=_tls(),
            timeout=httpx.Timeout(DEFAULT_TIMEOUT_SECONDS, pool=POOL_TIMEOUT_SECONDS),
            limits=httpx.Limits(
                max_connections=SHARD_CONNECTIONS, max_keepalive_connections=SHARD_CONNECTIONS
            ),
        )
    return shared


async def close_client() -> None:
    """Close this loop's clients (a worker's shutdown, the end of a console command)."""
    shards = _clients.pop(asyncio.get_running_loop(), {})
    for shared in shards.values():
        await shared.aclose()
