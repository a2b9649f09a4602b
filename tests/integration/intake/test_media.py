"""Draft attachments: type by magic bytes, limits, storage, access (Penza p.16, Parfino p.19)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.cases import actions as cases
from app.core.config import get_settings
from app.db.tables import Department, Draft, Organisation
from app.domain.lifecycle import DraftKind
from app.domain.roles import Role
from app.identity.accounts import create_user, grant_role
from app.intake import media
from app.intake.file_pages import FilesController
from app.intake.media import MediaError, draft_attachments, open_attachment
from app.intake.uploads import Uploads
from tests.integration.cases_helpers import MSK, Clock, department, org_id, person
from tests.integration.conftest import sign_in
from tests.integration.media_helpers import chunks_of, store_upload
from tests.integration.services_helpers import routed_case

pytestmark = pytest.mark.usefixtures("demo")

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
GIF = b"GIF89a" + b"\x00" * 50
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 50
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + b"\x00" * 100
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00" + b"\x00" * 100
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\x00" * 100
MKV = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska" + b"\x00" * 100
M4A = b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00" + b"\x00" * 100
HTML = b"<html><script>alert(1)</script></html>"


def stored_files(root: Path) -> list[str]:
    """Every file under the media directory, relative to it."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def media_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Uploads go to a fresh directory for each test."""
    monkeypatch.setenv("OTKLIK_MEDIA_DIR", str(tmp_path / "media"))
    get_settings.cache_clear()
    yield tmp_path / "media"
    monkeypatch.delenv("OTKLIK_MEDIA_DIR")
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("data", "kind", "content_type", "name"),
    [
        (JPEG, "photo", "image/jpeg", "IMG_001.jpg"),
        (PNG, "photo", "image/png", "IMG_001.png"),
        (GIF, "photo", "image/gif", "IMG_001.gif"),
        (WEBP, "photo", "image/webp", "IMG_001.webp"),
        (MP4, "video", "video/mp4", "IMG_001.mp4"),
        (MOV, "video", "video/quicktime", "IMG_001.mov"),
        (WEBM, "video", "video/webm", "IMG_001.webm"),
    ],
)
async def test_type_comes_from_magic_bytes_not_from_the_name(
    data: bytes, kind: str, content_type: str, name: str, media_dir: Path
) -> None:
    # The client calls every file "IMG_001.exe": the stored name takes the real extension.
    stored = await store_upload(1, "IMG_001.exe", data)
    assert (stored["kind"], stored["content_type"], stored["name"]) == (kind, content_type, name)
    assert stored["size"] == len(data)
    assert (media_dir / "1" / stored["id"]).read_bytes() == data


@pytest.mark.parametrize("data", [HTML, MKV, M4A, b"", b"GIF8"])
async def test_anything_but_photo_or_video_is_refused(data: bytes, media_dir: Path) -> None:
    with pytest.raises(MediaError, match=r"Файл пустой|только фото"):
        await store_upload(1, "photo.jpg", data)
    assert stored_files(media_dir) == []


async def test_size_and_count_limits(media_dir: Path) -> None:
    with pytest.raises(MediaError, match="Фото — не больше 10 МБ"):
        await store_upload(1, "big.jpg", JPEG + b"\x00" * media.PHOTO_MAX_BYTES)
    video = MP4 + b"\x00" * (media.PHOTO_MAX_BYTES + 1)  # a video may exceed the photo limit
    assert (await store_upload(1, "clip.mp4", video))["kind"] == "video"
    with pytest.raises(MediaError, match="не больше 10 файлов"):
        await Uploads(1, existing=media.MAX_FILES_PER_DRAFT).receive("p.jpg", chunks_of(JPEG))
    with pytest.raises(MediaError, match="не больше 10 файлов"):
        await draft_attachments(1, ["0" * 32] * (media.MAX_FILES_PER_DRAFT + 1))


async def test_client_name_never_reaches_the_path(media_dir: Path) -> None:
    stored = await store_upload(7, '../../etc/пароли "двор".jpg\x00.html', JPEG)
    assert stored["name"] == "пароли _двор_.jpg.jpg"
    assert stored_files(media_dir) == sorted(
        [f"7/{stored['id']}", f"7/{stored['id']}.json"]
    )  # no temporary files left
    long = await store_upload(7, "ф" * 500 + ".png", PNG)
    assert len(long["name"]) == media.MAX_NAME and long["name"].endswith(".png")


async def test_draft_attachments_come_from_the_stored_records_not_the_form() -> None:
    stored = await store_upload(3, "a.jpg", JPEG)
    assert await draft_attachments(3, [stored["id"]]) == [stored]
    with pytest.raises(MediaError, match="не найдено"):
        await draft_attachments(4, [stored["id"]])  # another organisation's upload
    with pytest.raises(MediaError, match="не найдено"):
        await draft_attachments(3, ["../../secret"])


async def _draft_with_photo(slug: str = "penza") -> tuple[int, str]:
    Clock(datetime(2025, 3, 17, 10, 0, tzinfo=MSK))
    _, assignment_id = await routed_case(slug)
    stored = await store_upload(await org_id(slug), "двор.jpg", JPEG)
    executor = await person(f"{slug}-executor", slug)
    files = await draft_attachments(await org_id(slug), [stored["id"]])
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Фото работ", files)
    return assignment_id, stored["id"]


async def test_open_attachment_only_for_people_who_see_the_case() -> None:
    assignment_id, file_id = await _draft_with_photo()
    draft = (
        await Draft.select(Draft.attachments)
        .where(Draft.assignment == assignment_id)
        .output(load_json=True)
        .first()
    )
    assert draft is not None and draft["attachments"][0]["id"] == file_id
    for login in ("penza-executor", "penza-specialist", "penza-official", "penza-head"):
        path, content_type, name = await open_attachment(await person(login, "penza"), file_id)
        assert path.read_bytes() == JPEG and content_type == "image/jpeg" and name == "двор.jpg"
    # An executor of another department of the same organisation may not see it.
    other = await create_user("roads", "Дорожник", "пароль-длинный")
    organisation = await Organisation.objects().where(Organisation.slug == "penza").first()
    roads = (
        await Department.objects()
        .where(Department.id == await department("penza", "Управление транспорта"))
        .first()
    )
    await grant_role(other, organisation, Role.EXECUTOR, roads)
    with pytest.raises(MediaError, match="Нет доступа") as refused:
        await open_attachment(await person("roads", "penza"), file_id)
    assert refused.value.code == "forbidden"
    # Another organisation's people do not even learn that the file exists.
    with pytest.raises(MediaError, match="не найден"):
        await open_attachment(await person("parfino-specialist", "parfino"), file_id)
    with pytest.raises(MediaError, match="не найден"):
        await open_attachment(await person("penza-specialist", "penza"), "../../etc/passwd")


@pytest.fixture
def files_app(app: Litestar) -> Litestar:
    """The app with the download route (registered here until app/__init__ does it)."""
    if not any("/files/" in route.path for route in app.routes):
        app.register(FilesController)
    return app


async def test_download_sends_a_safe_attachment_with_nosniff(files_app: Litestar) -> None:
    _, file_id = await _draft_with_photo("parfino")
    async with AsyncTestClient(app=files_app) as client:
        await sign_in(client, "parfino-executor")
        response = await client.get(f"/o/parfino/files/{file_id}")
        assert response.status_code == 200
        assert response.content == JPEG
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-type"] == "image/jpeg"
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
        missing = await client.get(f"/o/parfino/files/{'0' * 32}")
        assert missing.status_code == 404
        assert (await client.get(f"/o/penza/files/{file_id}")).status_code == 403  # no role there


async def test_a_refused_draft_leaves_no_uploaded_file_behind(
    app: Litestar, media_dir: Path
) -> None:
    from tests.integration.conftest import csrf_token

    message_id, assignment_id = await routed_case("penza")
    url = f"/o/penza/cases/{message_id}/assignments/{assignment_id}/submit"
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "penza-executor")
        token = await csrf_token(client)
        # A stale version: the action is refused after the photo was received.
        stale = await client.post(
            url,
            data={"version": "99", "kind": "final", "text": "Готово", "_csrf_token": token},
            files={"files": ("двор.jpg", JPEG, "image/jpeg")},
            headers={"accept": "text/html"},
        )
        assert stale.status_code == 409
        assert stored_files(media_dir) == []
        # Eleven files: the eleventh is refused, and the ten before it go too.
        many = await client.post(
            url,
            data={"version": "1", "kind": "final", "text": "Готово", "_csrf_token": token},
            files=[("files", (f"{n}.jpg", JPEG + bytes([n]), "image/jpeg")) for n in range(11)],
            headers={"accept": "text/html"},
        )
        assert many.status_code == 409 and "не больше 10 файлов" in many.text
        assert stored_files(media_dir) == []
        done = await client.post(
            url,
            data={"version": "1", "kind": "final", "text": "Готово", "_csrf_token": token},
            files={"files": ("двор.jpg", JPEG, "image/jpeg")},
            headers={"accept": "text/html"},
        )
        assert done.status_code in (200, 303) and len(stored_files(media_dir)) == 2
