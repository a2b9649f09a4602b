"""Sign-in throttling: every attempt takes a slot in Redis before the password is hashed.

A slot is taken atomically (INCR) for the (login, client) pair and for the client across
logins; an attempt over either limit is refused at once with the seconds to wait, so
parallel attempts cannot slip past the count, and a refused one never reaches the 64 MiB
argon2 hash. A successful sign-in clears the pair and gives the client its slot back, so
an office behind one address is not throttled by its own people signing in.

An account is never locked for everyone: only the pair and the client are. When one login
fails from many clients (a real flood), each further attempt on it is slowed, not refused.
"""

from __future__ import annotations

import asyncio
import hashlib

from redis.asyncio import Redis

from app.core.redis import KEY_PREFIX

# Product rules (no clause sets them), in one place.
PAIR_LIMIT = 5  # failed attempts of one login from one client per window
CLIENT_LIMIT = 30  # failed attempts from one client across logins per window
FLOOD_LIMIT = 100  # failed attempts of one login from any clients per window
WINDOW_SECONDS = 15 * 60
FLOOD_PAUSE_SECONDS = 2.0


def _key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}login-{kind}:{digest}"


def _keys(login: str, client: str) -> tuple[str, str, str]:
    login = login.strip().lower()
    return _key("pair", login, client), _key("client", client), _key("login", login)


async def _count(redis: Redis, key: str) -> tuple[int, int]:
    """INCR with the window starting at the first count (EXPIRE NX needs Redis 7)."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.ttl(key)
        count, ttl = await pipe.execute()
    if ttl < 0:
        await redis.expire(key, WINDOW_SECONDS)
        ttl = WINDOW_SECONDS
    return int(count), int(ttl)


async def reserve_attempt(redis: Redis, login: str, client: str) -> int:
    """Take this attempt's slots: 0 to go ahead, else the seconds until a retry may pass."""
    pair, by_client, by_login = _keys(login, client)
    pair_count, pair_ttl = await _count(redis, pair)
    client_count, client_ttl = await _count(redis, by_client)
    waits = [pair_ttl] if pair_count > PAIR_LIMIT else []
    waits += [client_ttl] if client_count > CLIENT_LIMIT else []
    if waits:
        return max(*waits, 1)
    failures = await redis.get(by_login)
    if failures is not None and int(failures) >= FLOOD_LIMIT:
        await asyncio.sleep(FLOOD_PAUSE_SECONDS)
    return 0


async def finish_attempt(redis: Redis, login: str, client: str, *, succeeded: bool) -> None:
    """Clear the pair and return the client's slot on success; count a failure on the login."""
    pair, by_client, by_login = _keys(login, client)
    if succeeded:
        await redis.delete(pair)
        # A key that expired meanwhile would come back as -1 with no expiry: drop it instead.
        if await redis.decr(by_client) <= 0:
            await redis.delete(by_client)
        return
    await _count(redis, by_login)
