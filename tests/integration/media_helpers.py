"""Uploads for tests: bytes fed in chunks, as the web handler feeds a request's file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from app.intake.uploads import DEFAULT_QUOTA_BYTES, place_uploads, receive_upload


async def chunks_of(data: bytes, size: int = 7) -> AsyncIterator[bytes]:
    """`data` in small chunks (7 bytes: the sniffed head spans several)."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def store_upload(organisation_id: int, filename: str, data: bytes) -> dict[str, Any]:
    """Receive and place one file at once (a draft row is not needed to serve it in tests)."""
    record = await receive_upload(
        organisation_id, filename, chunks_of(data), quota=DEFAULT_QUOTA_BYTES, used=0
    )
    await place_uploads(organisation_id, [record])
    return record
