"""Uploads do not fill the disk or the memory: streamed, placed with the row, swept, bounded."""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio
import pytest
from litestar import Litestar
from litestar.datastructures import UploadFile
from litestar.testing import AsyncTestClient

from app.cases import actions as cases
from app.cases import assignments
from app.cases.case_page import attachments
from app.core.config import get_settings
from app.db.tables import Draft, Organisation
from app.domain.lifecycle import DraftKind
from app.identity.organisations import organisation_rules
from app.intake.media import MediaError, draft_attachments
from app.intake.orphans import sweep_orphans
from app.intake.uploads import CHUNK_BYTES, DEFAULT_QUOTA_BYTES, receive_upload
from tasks.media import sweep_media
from tasks.worker import WorkerSettings
from tests.integration.cases_helpers import org_id, person
from tests.integration.conftest import csrf_token, sign_in
from tests.integration.media_helpers import chunks_of, store_upload
from tests.integration.services_helpers import routed_case

pytestmark = pytest.mark.usefixtures("demo")

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + b"\x00" * 100
HTML = b"<html><script>alert(1)</script></html>" + b" " * 100
MIB = 1024 * 1024


def stored_files(root: Path) -> list[str]:
    """Every file under the media directory (waiting uploads included), relative to it."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def media_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("OTKLIK_MEDIA_DIR", str(tmp_path / "media"))
    get_settings.cache_clear()
    yield tmp_path / "media"
    monkeypatch.delenv("OTKLIK_MEDIA_DIR")
    get_settings.cache_clear()


def _age(root: Path, seconds: float) -> None:
    """Make every file under `root` look `seconds` old."""
    then = time.time() - seconds
    for path in root.rglob("*"):
        os.utime(path, (then, then))


async def _counted(head: bytes, chunks: int, read: list[int]) -> AsyncIterator[bytes]:
    """`head` then `chunks` chunks of zeros made one at a time; `read` counts those taken."""
    yield head
    for _ in range(chunks):
        read.append(1)
        yield bytes(CHUNK_BYTES)


async def test_an_upload_is_streamed_to_disk_chunk_by_chunk_not_held_whole(
    media_dir: Path,
) -> None:
    read: list[int] = []
    tracemalloc.start()
    try:
        record = await receive_upload(
            1, "clip.mp4", _counted(MP4, 40, read), quota=DEFAULT_QUOTA_BYTES, used=0
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert record["size"] == len(MP4) + 40 * CHUNK_BYTES
    # 40 MiB went through; memory held a few chunks at most.
    assert peak < 4 * CHUNK_BYTES, f"peak {peak / MIB:.1f} MiB"
    assert stored_files(media_dir) == [f".incoming/1/{record['id']}"]  # waiting for its row
    # A refused type stops at the first chunk; a too large photo at the chunk past 10 MB.
    read.clear()
    room = {"quota": DEFAULT_QUOTA_BYTES, "used": 0}
    with pytest.raises(MediaError, match="только фото"):
        await receive_upload(1, "a.jpg", _counted(HTML, 50, read), **room)
    assert read == []
    with pytest.raises(MediaError, match="Фото — не больше 10 МБ"):
        await receive_upload(1, "a.jpg", _counted(JPEG, 50, read), **room)
    assert len(read) == 10
    assert stored_files(media_dir) == [f".incoming/1/{record['id']}"]


async def test_the_handler_reads_the_request_file_in_chunks(
    app: Litestar, media_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    original = UploadFile.read

    async def spy(self: UploadFile, size: int = -1) -> bytes:
        reads.append(size)
        return await original(self, size)

    monkeypatch.setattr(UploadFile, "read", spy)
    message_id, assignment_id = await routed_case("penza")
    video = MP4 + bytes(3 * CHUNK_BYTES)
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "penza-executor")
        response = await client.post(
            f"/o/penza/cases/{message_id}/assignments/{assignment_id}/submit",
            data={"version": "1", "kind": "final", "text": "Видео работ"},
            files={"files": ("работы.mp4", video, "video/mp4")},
            headers={"accept": "text/html", "x-csrftoken": await csrf_token(client)},
        )
    assert response.status_code in (200, 303)
    assert reads and all(0 < size <= CHUNK_BYTES for size in reads), reads
    draft = await Draft.select(Draft.attachments).output(load_json=True).first()
    assert draft is not None and draft["attachments"][0]["size"] == len(video)


async def test_files_move_into_place_only_with_the_draft_row(
    media_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, assignment_id = await routed_case("penza")
    organisation = await org_id("penza")
    rules = await organisation_rules(organisation)
    executor = await person("penza-executor", "penza")

    async def log_down(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the event log is down")

    # The row is stored, then the transaction fails: no row, and no file either.
    with monkeypatch.context() as patch, pytest.raises(RuntimeError):
        patch.setattr(assignments, "record_event", log_down)
        data = {"files": [UploadFile("image/jpeg", "двор.jpg", JPEG)]}
        async with attachments(rules, data, []) as files:
            assert not (media_dir / str(organisation)).exists()  # received, not placed
            await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Готово", files)
    assert stored_files(media_dir) == [] and await Draft.count() == 0
    data = {"files": [UploadFile("image/jpeg", "двор.jpg", JPEG)]}
    async with attachments(rules, data, []) as files:
        await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Готово", files)
    file_id = files[0]["id"]
    placed = [f"{organisation}/{file_id}", f"{organisation}/{file_id}.json"]
    assert stored_files(media_dir) == placed
    assert await draft_attachments(organisation, [file_id]) == files


async def test_a_cancelled_action_leaves_no_uploaded_file(media_dir: Path) -> None:
    rules = await organisation_rules(await org_id("penza"))
    data = {"files": [UploadFile("image/jpeg", f"{n}.jpg", JPEG) for n in range(3)]}
    with anyio.CancelScope() as scope:
        async with attachments(rules, data, []) as files:
            assert len(files) == 3
            scope.cancel()  # the request is abandoned while the action runs
            await anyio.sleep(5)
    assert scope.cancelled_caught
    assert stored_files(media_dir) == []


async def test_the_quota_refuses_with_a_russian_error_and_stores_nothing(
    app: Litestar, media_dir: Path
) -> None:
    await Organisation.update({Organisation.media_quota_bytes: 3 * MIB}).where(
        Organisation.slug == "penza"
    )
    organisation = await org_id("penza")
    earlier = await store_upload(organisation, "было.jpg", JPEG + bytes(2 * MIB))
    message_id, assignment_id = await routed_case("penza")
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "penza-executor")
        refused = await client.post(
            f"/o/penza/cases/{message_id}/assignments/{assignment_id}/submit",
            data={"version": "1", "kind": "final", "text": "Фото работ"},
            files={"files": ("стало.jpg", JPEG + bytes(MIB + 1), "image/jpeg")},
            headers={"accept": "text/html", "x-csrftoken": await csrf_token(client)},
        )
    assert refused.status_code == 409
    assert "Место для вложений организации исчерпано: занято 2 МБ из 3 МБ" in refused.text
    assert stored_files(media_dir) == [
        f"{organisation}/{earlier['id']}",
        f"{organisation}/{earlier['id']}.json",
    ]
    assert await Draft.count() == 0
    # Another organisation keeps its own room.
    parfino = await org_id("parfino")
    assert (await store_upload(parfino, "двор.jpg", JPEG + bytes(2 * MIB)))["kind"] == "photo"


async def test_the_sweep_removes_old_orphans_and_keeps_referenced_and_fresh_files(
    media_dir: Path,
) -> None:
    _, assignment_id = await routed_case("penza")
    organisation = await org_id("penza")
    executor = await person("penza-executor", "penza")
    kept = await store_upload(organisation, "двор.jpg", JPEG)
    files = await draft_attachments(organisation, [kept["id"]])
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Готово", files)
    orphan = await store_upload(organisation, "сирота.jpg", JPEG)
    waiting = await receive_upload(
        organisation, "ждёт.jpg", chunks_of(JPEG), quota=DEFAULT_QUOTA_BYTES, used=0
    )
    (media_dir / str(organisation) / f".{orphan['id']}.json.part").write_bytes(b"{")
    _age(media_dir, 2 * 24 * 3600)
    fresh = await store_upload(organisation, "свежий.jpg", JPEG)  # an hour's upload, no row yet

    assert await sweep_orphans() == 4
    assert stored_files(media_dir) == sorted(
        f"{organisation}/{file_id}{suffix}"
        for file_id in (kept["id"], fresh["id"])
        for suffix in ("", ".json")
    )
    assert waiting["id"] not in str(stored_files(media_dir))
    # The worker runs it every hour.
    assert sweep_media in WorkerSettings.functions
    assert any(job.coroutine is sweep_media for job in WorkerSettings.cron_jobs)
