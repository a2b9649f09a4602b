"""Photo and video attachments of drafts (Penza p.16, Parfino p.19): checked, stored, served.

The type is read from the file's first bytes, never from the client's name or content type;
files are stored under media_dir/<organisation id>/<random id> (app.intake.uploads receives
and places them), and served only to people who may see the case the draft belongs to.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio.to_thread

from app.core.config import get_settings
from app.core.errors import UserError
from app.db.tables import Draft
from app.domain.roles import sees_case
from app.identity.actor import ActorContext

# Limits: a phone photo is 2–8 MB; 100 MB holds a few minutes of phone video, and the upload
# goes through the web process in one request, so larger files belong to a file service.
PHOTO_MAX_BYTES = 10 * 1024 * 1024
VIDEO_MAX_BYTES = 100 * 1024 * 1024
MAX_FILES_PER_DRAFT = 10
MAX_NAME = 200
TOO_MANY_RU = f"К проекту ответа можно приложить не больше {MAX_FILES_PER_DRAFT} файлов."

FILE_ID = re.compile(r"^[0-9a-f]{32}$")
# Roles that see every case of their organisation; executors see their department's.
# ISO base media brands of ordinary MP4 video (audio-only and image brands are refused).
MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V "}
MP4_BRANDS |= {b"M4VH", b"M4VP", b"dash", b"mmp4", b"MSNV", b"3gp4", b"3gp5", b"3g2a"}


class MediaError(UserError):
    """An upload is refused."""


@dataclass(frozen=True)
class FileType:
    """What the first bytes say a file is."""

    kind: str  # photo | video
    content_type: str
    extension: str


def sniff(data: bytes) -> FileType | None:
    """The file type by its magic bytes, or None for anything that is not photo or video."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return FileType("photo", "image/jpeg", ".jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType("photo", "image/png", ".png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return FileType("photo", "image/gif", ".gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileType("photo", "image/webp", ".webp")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return FileType("video", "video/quicktime", ".mov")
        if brand in MP4_BRANDS:
            return FileType("video", "video/mp4", ".mp4")
        return None
    # WebM is Matroska with the "webm" doctype in its EBML header (plain .mkv is refused).
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"\x42\x82\x84webm" in head:
        return FileType("video", "video/webm", ".webm")
    return None


def safe_name(filename: str, extension: str) -> str:
    """The client's name without path, control or quoting characters, ending in `extension`."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch if ch.isalnum() or ch in " .-_()" else "_" for ch in base)
    stem = re.sub(r"\s+", " ", base.rsplit(".", 1)[0] if "." in base else base).strip(" ._")
    stem = stem[: MAX_NAME - len(extension)] or "файл"
    return stem + extension


def media_directory(organisation_id: int) -> Path:
    """Where an organisation's placed files live: media_dir/<organisation id>/."""
    return get_settings().media_dir / str(int(organisation_id))


def write_atomically(directory: Path, name: str, data: bytes) -> None:
    """Write to a temporary file, flush it to disk, then rename: readers never see half a file."""
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".{name}.part"
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, directory / name)


def _read_meta(directory: Path, file_id: str) -> dict[str, Any] | None:
    # The metadata is ours (sniffed type, safe name), written when the file was placed:
    # drafts and downloads read it, never what a form sends back.
    path = directory / f"{file_id}.json"
    if not FILE_ID.match(file_id) or not path.is_file() or not (directory / file_id).is_file():
        return None
    meta: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return meta


async def draft_attachments(organisation_id: int, file_ids: list[str]) -> list[dict[str, Any]]:
    """The records of placed files (kept from a previous version); MediaError if one is unknown."""
    if len(file_ids) > MAX_FILES_PER_DRAFT:
        raise MediaError(TOO_MANY_RU)
    directory = media_directory(organisation_id)
    records = []
    for file_id in dict.fromkeys(str(i) for i in file_ids):
        meta = await anyio.to_thread.run_sync(_read_meta, directory, file_id)
        if meta is None:
            raise MediaError("Вложение не найдено: загрузите файл заново.")
        records.append(meta)
    return records


def _may_see(ctx: ActorContext, department_id: int) -> bool:
    return sees_case(ctx.roles, ctx.department_ids, frozenset({department_id}))


async def open_attachment(ctx: ActorContext, file_id: str) -> tuple[Path, str, str]:
    """(path, content type, safe name) of a draft's file the actor may see, else MediaError."""
    missing = MediaError("Файл не найден.", "not_found")
    if not FILE_ID.match(file_id):
        raise missing
    # JSONB containment (@>) finds the draft whose attachment list holds this id.
    rows = await Draft.raw(
        "SELECT a.department FROM draft d JOIN assignment a ON a.id = d.assignment "
        "WHERE d.organisation = {} AND d.attachments @> {}::jsonb LIMIT 1",
        ctx.organisation_id,
        json.dumps([{"id": file_id}]),
    )
    if not rows:
        raise missing
    if not _may_see(ctx, int(rows[0]["department"])):
        raise MediaError("Нет доступа к этому файлу.", "forbidden")
    directory = media_directory(ctx.organisation_id)
    meta = await anyio.to_thread.run_sync(_read_meta, directory, file_id)
    if meta is None:
        raise missing
    return directory / file_id, str(meta["content_type"]), str(meta["name"])
