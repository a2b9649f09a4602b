"""Password hashing with argon2, off the event loop (it takes ~50 ms of CPU)."""

from __future__ import annotations

import asyncio
import os
import weakref
from functools import lru_cache

import anyio
import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256

_hasher = PasswordHasher()
# Verified against when the login is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("otklik-timing-equaliser")


# Each hash takes 64 MiB and a core for ~50 ms: no more run at once than the machine has
# cores, whatever a burst of sign-ins asks (the rest wait their turn).
HASH_SLOTS = max(os.cpu_count() or 1, 1)
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


def _hash_limiter() -> anyio.CapacityLimiter:
    loop = asyncio.get_running_loop()
    if loop not in _limiters:
        _limiters[loop] = anyio.CapacityLimiter(HASH_SLOTS)
    return _limiters[loop]


async def hash_password(password: str) -> str:
    """Argon2 hash of a password, computed in a worker thread."""
    return await anyio.to_thread.run_sync(_hasher.hash, password, limiter=_hash_limiter())


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; None hash (unknown login) is checked against a dummy."""
    return await anyio.to_thread.run_sync(_verify, password_hash, password, limiter=_hash_limiter())


@lru_cache(maxsize=8)
def cached_hash(password: str) -> str:
    """One hash per password per process: for demo and test data only."""
    return _hasher.hash(password)
