"""Who polls an account: a lease in Redis, so one account is polled by one process at a time.

A poller takes the lease `SET key owner NX PX ms` and renews it while it polls; a crashed
process's leases lapse after LEASE_MS and another worker takes the accounts over. The
worker's loops (`loops.Supervisor`) and the one-off pass (`polling.poll_all`: the minute
cron, `otklik connectors poll`) both go through it, so neither polls an account the other
holds (Telegram even refuses two concurrent `getUpdates` of one bot: 409 Conflict).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from app.core.redis import KEY_PREFIX, shared_redis

LEASE_PREFIX = KEY_PREFIX + "connectors:lease:"
LEASE_MS = 30_000

# Renew each key still held by ARGV[1]; returns 1/0 per key (0: lost to another owner).
_RENEW = """
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
"""
# Take each key nobody holds for ARGV[1]; returns 1/0 per key (0: held by another).
_TAKE = """
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('SET', key, ARGV[1], 'NX', 'PX', ARGV[2]) then out[i] = 1 else out[i] = 0 end
end
return out
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def lease_key(account_id: int) -> str:
    return f"{LEASE_PREFIX}{account_id}"


def new_owner(label: str) -> str:
    """A name for one poller (a supervisor, one pass), unique across processes and hosts."""
    return f"{label}:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def take(account_id: int, owner: str, ms: int = LEASE_MS) -> bool:
    """Take the account's lease if nobody holds it."""
    return bool(await shared_redis().set(lease_key(account_id), owner, nx=True, px=ms))


async def take_many(account_ids: Iterable[int], owner: str, ms: int = LEASE_MS) -> list[int]:
    """Take the leases nobody holds, in one round trip; returns the ids taken."""
    ids = list(account_ids)
    if not ids:
        return []
    script = shared_redis().register_script(_TAKE)
    taken = await script(keys=[lease_key(i) for i in ids], args=[owner, ms])
    return [i for i, ok in zip(ids, taken, strict=True) if int(ok)]


async def renew(account_ids: Iterable[int], owner: str, ms: int = LEASE_MS) -> set[int]:
    """Extend the leases `owner` still holds; returns the ids whose lease it has lost."""
    ids = list(account_ids)
    if not ids:
        return set()
    script = shared_redis().register_script(_RENEW)
    kept = await script(keys=[lease_key(i) for i in ids], args=[owner, ms])
    return {i for i, ok in zip(ids, kept, strict=True) if not int(ok)}


async def release(account_id: int, owner: str) -> None:
    """Give the lease back (only if `owner` still holds it)."""
    script = shared_redis().register_script(_RELEASE)
    await script(keys=[lease_key(account_id)], args=[owner])


async def holder(account_id: int) -> str | None:
    """Who holds the account's lease now, if anyone."""
    value = await shared_redis().get(lease_key(account_id))
    return str(value) if value is not None else None


@asynccontextmanager
async def held(account_id: int, owner: str, ms: int = LEASE_MS) -> AsyncIterator[bool]:
    """The lease for one pass: yields False (and holds nothing) if another poller has it."""
    if not await take(account_id, owner, ms):
        yield False
        return
    try:
        yield True
    finally:
        await release(account_id, owner)
