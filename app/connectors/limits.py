"""Networks' rate limits: a token bucket per access token, shared by every worker process.

The bucket lives in Redis and is taken atomically by one Lua script (GCRA, the "virtual
scheduling" form of a token bucket): the key holds the theoretical arrival time of the next
request; a caller reserves the next free slot and sleeps until it. Redis' own clock (`TIME`)
is used, so processes on different machines agree. Keys are named by a hash of the token,
never the token itself.

A connector calls one line before each request to the network:

    await limits.acquire_for(account, kind="call")            # reading: getUpdates, users.get…
    await limits.acquire_for(account, kind="post", chat=chat)  # writing into a chat / thread

Why not a library: the maintained asyncio + Redis limiters on PyPI either count windows
without a "wait for the slot" answer (`limits`), keep a log of every request per bucket in a
sorted set and use the local clock (`pyrate-limiter`), or are unmaintained and pinned to
pydantic 1 (`redis-rate-limiters`); the script below is 20 lines.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
from dataclasses import dataclass
from typing import Literal

from redis.asyncio import Redis

from app.connectors import health
from app.connectors.base import ConnectedAccount, ConnectorError
from app.core.redis import KEY_PREFIX, shared_redis

Kind = Literal["call", "post", "reading"]  # reading: VK's service key (its own bucket)
Scope = Literal["token", "chat"]

BUCKET_PREFIX = KEY_PREFIX + "rate:"
# How the bucket waits (tests record the waits instead of sleeping them).
_sleep = asyncio.sleep
# A wait this long or longer is counted on the account's health (`rate_limit_waits`); the
# even spacing of requests (tens of milliseconds) is not.
COUNTED_WAIT_SECONDS = 0.5


@dataclass(frozen=True)
class Limit:
    """One published limit: `rate_per_second` requests, at most `burst` at once, per token
    (or per token and chat), and where the figure comes from."""

    scope: Scope
    rate_per_second: float
    burst: int
    source: str


_TELEGRAM_FAQ = "https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this"
_VK_LIMITS = "https://dev.vk.com/ru/api/api-requests (Ограничения и рекомендации)"
_MAX_LIMITS = "https://dev.max.ru/docs-api (Ограничения: 30 rps)"

# Bursts are 1 where the network states a per-second or per-minute count: requests are then
# spaced evenly and no window of that length ever holds more than the figure (+1 at its edges).
TELEGRAM_BOT = Limit("token", 30.0, 1, _TELEGRAM_FAQ + " — about 30 messages per second")
TELEGRAM_GROUP = Limit("chat", 20 / 60, 1, _TELEGRAM_FAQ + " — 20 messages per minute to a group")
VK_COMMUNITY = Limit("token", 20.0, 1, _VK_LIMITS + " — 20 requests/s with a community token")
VK_USER = Limit("token", 3.0, 1, _VK_LIMITS + " — 3 requests/s with a user token")
# The app's service key (VK's reading key) is not a community's: the cautious user-key rate.
VK_SERVICE = Limit("token", 3.0, 1, _VK_LIMITS + " — the service key: the user-key rate")
MAX_BOT = Limit("token", 30.0, 1, _MAX_LIMITS)
# OK publishes no per-second figure for group tokens; ours is the cautious VK user-token rate.
OK_GROUP = Limit("token", 3.0, 1, "no published figure: our cautious choice (VK's user rate)")

LIMITS: dict[str, dict[str, tuple[Limit, ...]]] = {
    "telegram": {"call": (TELEGRAM_BOT,), "post": (TELEGRAM_GROUP, TELEGRAM_BOT)},
    "vk": {"call": (VK_COMMUNITY,), "post": (VK_COMMUNITY,), "reading": (VK_SERVICE,)},
    "max": {"call": (MAX_BOT,), "post": (MAX_BOT,)},
    "ok": {"call": (OK_GROUP,), "post": (OK_GROUP,)},
}

# KEYS[1] the bucket; ARGV: interval between requests (µs), burst, longest wait (µs, -1: any).
# Returns {admitted 1|0, wait in µs}. A refused caller (wait too long) reserves nothing.
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = interval * tonumber(ARGV[2])
local stored = redis.call('GET', KEYS[1])
local tat = now
if stored and tonumber(stored) > now then tat = tonumber(stored) end
local next_tat = tat + interval
local wait = next_tat - tolerance - now
if wait < 0 then wait = 0 end
local longest = tonumber(ARGV[3])
if longest >= 0 and wait > longest then return {0, wait} end
local ttl_ms = math.floor((next_tat - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', string.format('%.0f', ttl_ms))
return {1, wait}
"""


class RateLimited(ConnectorError):
    """The bucket is booked further ahead than the caller would wait."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(
            f"Превышен лимит запросов сети: повторим через {math.ceil(retry_after)} с."
        )
        self.retry_after = retry_after


async def acquire(
    bucket: str,
    rate_per_second: float,
    burst: int,
    *,
    max_wait: float | None = None,
    redis: Redis | None = None,
) -> float:
    """Take one request from the bucket, sleeping until the network allows it; returns the
    seconds waited. With `max_wait`, a wait longer than that raises RateLimited instead
    (and nothing is taken). `redis`: another client than this loop's shared one."""
    if rate_per_second <= 0 or burst < 1:
        raise ValueError("a bucket needs a positive rate and a burst of at least 1")
    interval_us = math.ceil(1_000_000 / rate_per_second)
    longest_us = -1 if max_wait is None else int(max_wait * 1_000_000)
    script = (redis or shared_redis()).register_script(_GCRA)
    admitted, wait_us = await script(
        keys=[BUCKET_PREFIX + bucket], args=[interval_us, burst, longest_us]
    )
    waited = int(wait_us) / 1_000_000
    if not int(admitted):
        raise RateLimited(waited)
    if waited > 0:
        await _sleep(waited)
    return waited


def token_key(token: str) -> str:
    """What names a token's buckets: a hash of it (a key never shows the token)."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def bucket_name(network: str, limit: Limit, token: str, chat: str = "") -> str:
    """The bucket of a token (and chat, for a per-chat limit)."""
    name = f"{network}:{limit.scope}:{token_key(token)}"
    return f"{name}:{chat}" if limit.scope == "chat" else name


async def acquire_for(
    account: ConnectedAccount, kind: Kind = "call", chat: str = "", max_wait: float | None = None
) -> float:
    """Wait for every limit of the account's network that applies to this request (the
    narrower per-chat one first); returns the seconds waited in all. A network without a
    row in LIMITS is not limited. A notable wait is counted on the account's health."""
    waited = 0.0
    for limit in LIMITS.get(account.network, {}).get(kind, ()):
        if limit.scope == "chat" and not chat:
            continue
        name = bucket_name(account.network, limit, account.token, chat)
        waited += await acquire(name, limit.rate_per_second, limit.burst, max_wait=max_wait)
    if waited >= COUNTED_WAIT_SECONDS and account.id:
        await health.note_bucket_wait(account.id)
    return waited
