"""Uploads of draft attachments: streamed to disk, checked as they arrive, placed with the row.

A file arrives in chunks into media_dir/.incoming/<organisation id>/<random id>: its type is
read from the first bytes, its size and the organisation's quota are checked as it grows, so
memory holds one chunk and a refused file stops at the chunk that breaks a rule. It is moved
to media_dir/<organisation id>/ only inside the transaction that stores the draft row
(`place_uploads`), and deleted on every failure path (`Uploads.discard`, which cancellation
does not interrupt). What a crash leaves behind is removed a day later by app.intake.orphans.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import AsyncIterable
from pathlib import Path
from typing import Any, BinaryIO

import anyio
import anyio.to_thread

from app.core.config import get_settings
from app.db.tables import Organisation
from app.intake.media import (
    FILE_ID,
    MAX_FILES_PER_DRAFT,
    PHOTO_MAX_BYTES,
    TOO_MANY_RU,
    VIDEO_MAX_BYTES,
    FileType,
    MediaError,
    media_directory,
    safe_name,
    sniff,
    write_atomically,
)

# The size of one read from the request's spooled upload: what memory holds of a file.
CHUNK_BYTES = 1024 * 1024
SNIFF_BYTES = 64  # sniff() reads the first 64 bytes
INCOMING = ".incoming"
DEFAULT_QUOTA_BYTES = 5 * 1024**3  # Organisation.media_quota_bytes defaults to this
WRONG_TYPE_RU = "Можно приложить только фото (JPEG, PNG, GIF, WEBP) или видео (MP4, WEBM, MOV)."
NOT_FOUND_RU = "Вложение не найдено: загрузите файл заново."


def incoming_directory(organisation_id: int) -> Path:
    """Where an organisation's files wait for the row that will refer to them."""
    return get_settings().media_dir / INCOMING / str(int(organisation_id))


def _size_ru(size: int) -> str:
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} ГБ".replace(".", ",")
    return f"{size / 1024**2:.0f} МБ"


def quota_error(quota: int, used: int) -> MediaError:
    """The Russian refusal when the organisation's room for files is used up."""
    return MediaError(
        "Место для вложений организации исчерпано: "
        f"занято {_size_ru(used)} из {_size_ru(quota)}. "
        "Файл не сохранён — обратитесь к администратору портала.",
        "quota",
    )


def _disk_usage(organisation_id: int) -> int:
    total = 0
    for directory in (media_directory(organisation_id), incoming_directory(organisation_id)):
        if directory.is_dir():
            with os.scandir(directory) as entries:
                total += sum(e.stat().st_size for e in entries if e.is_file())
    return total


async def media_usage(organisation_id: int) -> tuple[int, int]:
    """(quota, bytes used on disk) of an organisation's attachments, waiting files included."""
    row = (
        await Organisation.select(Organisation.media_quota_bytes)
        .where(Organisation.id == organisation_id)
        .first()
    )
    quota = int(row["media_quota_bytes"]) if row else DEFAULT_QUOTA_BYTES
    return quota, await anyio.to_thread.run_sync(_disk_usage, organisation_id)


def _open(path: Path) -> BinaryIO:
    path.parent.mkdir(parents=True, exist_ok=True)
    return open(path, "xb")  # closed by receive_upload


def _append(handle: BinaryIO, digest: Any, data: bytes) -> None:
    handle.write(data)
    digest.update(data)


def _finish(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()


def _checked_type(head: bytes) -> FileType:
    if not head:
        raise MediaError("Файл пустой.")
    found = sniff(head)
    if found is None:
        raise MediaError(WRONG_TYPE_RU)
    return found


def _too_large(found: FileType) -> MediaError:
    limit = PHOTO_MAX_BYTES if found.kind == "photo" else VIDEO_MAX_BYTES
    what = "Фото" if found.kind == "photo" else "Видео"
    return MediaError(f"{what} — не больше {limit // (1024 * 1024)} МБ.")


async def receive_upload(
    organisation_id: int, filename: str, chunks: AsyncIterable[bytes], *, quota: int, used: int
) -> dict[str, Any]:
    """Stream one file into the incoming directory, checking type, size and quota per chunk.

    `used` bytes of the organisation's `quota` are taken already. Returns the record that
    goes into Draft.attachments; on any refusal the partial file is deleted."""
    file_id = secrets.token_hex(16)
    path = incoming_directory(organisation_id) / file_id
    digest = hashlib.sha256()
    head = b""
    found: FileType | None = None
    handle: BinaryIO | None = None
    size = 0
    try:
        async for chunk in chunks:
            if found is None:
                head += chunk
                if len(head) < SNIFF_BYTES:
                    continue
                found, chunk = _checked_type(head), head
                handle = await anyio.to_thread.run_sync(_open, path)
            size += len(chunk)
            limit = PHOTO_MAX_BYTES if found.kind == "photo" else VIDEO_MAX_BYTES
            if size > limit:
                raise _too_large(found)
            if used + size > quota:
                raise quota_error(quota, used)
            assert handle is not None
            await anyio.to_thread.run_sync(_append, handle, digest, chunk)
        if found is None:  # shorter than the sniffed head
            found, size = _checked_type(head), len(head)
            if used + size > quota:
                raise quota_error(quota, used)
            handle = await anyio.to_thread.run_sync(_open, path)
            await anyio.to_thread.run_sync(_append, handle, digest, head)
        assert handle is not None
        await anyio.to_thread.run_sync(_finish, handle)
    except BaseException:
        # Synchronous, so that a cancelled request cannot skip it.
        if handle is not None:
            handle.close()
        path.unlink(missing_ok=True)
        raise
    return {
        "id": file_id,
        "name": safe_name(filename, found.extension),
        "kind": found.kind,
        "content_type": found.content_type,
        "size": size,
        "sha256": digest.hexdigest(),
    }


def _place(organisation_id: int, records: list[dict[str, Any]]) -> None:
    directory = media_directory(organisation_id)
    incoming = incoming_directory(organisation_id)
    for record in records:
        file_id = str(record["id"])
        if not FILE_ID.match(file_id):
            raise MediaError(NOT_FOUND_RU)
        if (incoming / file_id).is_file():
            directory.mkdir(parents=True, exist_ok=True)
            os.replace(incoming / file_id, directory / file_id)
            # The metadata is written last, so a file with metadata is always complete.
            write_atomically(directory, f"{file_id}.json", json.dumps(record).encode())
        elif not (directory / f"{file_id}.json").is_file():
            raise MediaError(NOT_FOUND_RU)


async def place_uploads(organisation_id: int, records: list[dict[str, Any]]) -> None:
    """Move received files into place; call inside the transaction that stores their row.

    Files already in place (kept from an earlier version) stay; a record whose file is in
    neither place is refused, which rolls the transaction back."""
    await anyio.to_thread.run_sync(_place, organisation_id, records)


def _remove(organisation_id: int, file_ids: list[str], placed_too: bool) -> None:
    directories = [incoming_directory(organisation_id)]
    if placed_too:
        directories.append(media_directory(organisation_id))
    for file_id in file_ids:
        if not FILE_ID.match(file_id):
            continue
        for directory in directories:
            (directory / f"{file_id}.json").unlink(missing_ok=True)
            (directory / file_id).unlink(missing_ok=True)


class Uploads:
    """The new files of one action: received one by one, placed with its row, else deleted."""

    def __init__(self, organisation_id: int, existing: int = 0) -> None:
        self.organisation_id = organisation_id
        self.existing = existing  # files kept from the previous version count too
        self.records: list[dict[str, Any]] = []
        self._usage: tuple[int, int] | None = None

    async def receive(self, filename: str, chunks: AsyncIterable[bytes]) -> dict[str, Any]:
        """Stream one more file in; MediaError for the eleventh, a wrong type, size or quota."""
        if self.existing + len(self.records) >= MAX_FILES_PER_DRAFT:
            raise MediaError(TOO_MANY_RU)
        if self._usage is None:
            self._usage = await media_usage(self.organisation_id)
        quota, used = self._usage
        used += sum(int(r["size"]) for r in self.records)
        record = await receive_upload(
            self.organisation_id, filename, chunks, quota=quota, used=used
        )
        self.records.append(record)
        return record

    async def discard(self) -> None:
        """Delete every file of this action, wherever it got to (the action was refused)."""
        ids = [str(r["id"]) for r in self.records]
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_remove, self.organisation_id, ids, True)

    async def drop_unplaced(self) -> None:
        """After a successful action: delete files its row did not take (none, normally)."""
        ids = [str(r["id"]) for r in self.records]
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_remove, self.organisation_id, ids, False)
