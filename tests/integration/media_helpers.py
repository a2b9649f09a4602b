"""Uploads for tests: bytes fed in chunks, as the web handler feeds a request's file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from app.intake.uploads import DEFAULT_QUOTA_BYTES, place_uploads, receive_upload


async def chunks_of(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """`data` in chunks; the first 70 bytes in 7-byte pieces, so the sniffed head spans several."""
    for start in range(0, min(len(data), 70), 7):
        yield data[start : start + 7]
    for start in range(70, len(data), size):
        yield data[start : start + size]


async def store_upload(organisation_id: int, filename: str, data: bytes) -> dict[str, Any]:
    """Receive and place one file at once (a draft row is not needed to serve it in tests)."""
    record = await receive_upload(
        organisation_id, filename, chunks_of(data), quota=DEFAULT_QUOTA_BYTES, used=0
    )
    await place_uploads(organisation_id, [record])
    return record
