"""Import of monitoring exports on «Ручной ввод»: upload → preview → import, in steps."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from openpyxl import Workbook

from app.db.tables import Event, ImportBatch, ImportMapping, Message
from app.intake import imports
from app.intake.import_files import MAX_FILE_BYTES
from tests.integration.admin.test_admin import second_browser
from tests.integration.cases_helpers import org_id
from tests.integration.conftest import csrf_token, sign_in

pytestmark = pytest.mark.usefixtures("demo")
Client = AsyncTestClient[Litestar]
BASE = "/o/penza/specialist/entry/import"
HEADERS = ["Дата", "Соцсеть/Площадка", "Автор", "Ссылка", "Текст"]
ROWS = [
    ["12.03.2025 14:30", "ВКонтакте", "Иван Петров", "https://vk.com/wall-1_10", "Яма у школы"],
    ["13.03.2025 09:00", "", "Мария", "https://ok.ru/group/1/topic/2", "Снег не убран"],
    ["", "Телеграм", "<b>Пётр</b>", "https://t.me/penza/5", "<script>alert(1)</script>"],
    ["32.03.2025", "Дзен", "", "https://dzen.ru/a/1", ""],
]


def csv_file(rows: list[list[str]], delimiter: str = ";", headers: list[str] = HEADERS) -> str:
    return "\r\n".join(delimiter.join(r) for r in [headers, *rows]) + "\r\n"


async def upload(
    client: Client, content: bytes, name: str = "выгрузка.csv", slug: str = "penza"
) -> tuple[int, str]:
    """Post the file; (status, the preview's address or the page's text)."""
    response = await client.post(
        f"/o/{slug}/specialist/entry/import/",
        data={"_csrf_token": await csrf_token(client)},
        files={"file": (name, content, "text/csv")},
        headers={"accept": "text/html"},
        follow_redirects=False,
    )
    if response.status_code in (302, 303):
        return response.status_code, response.headers["location"]
    return response.status_code, response.text


async def run_import(client: Client, preview: str, **mapping: str) -> str:
    """Submit the mapping form as shown (its selections), changed by `mapping`; the result."""
    page = (await client.get(preview)).text
    form = {"_csrf_token": await csrf_token(client)}
    for name, value in re.findall(
        r'<select name="(\w+)".*?(?:<option value="([^"]*)" selected>|</select>)', page, re.S
    ):
        form[name] = value
    form.update(mapping)
    response = await client.post(preview, data=form, headers={"accept": "text/html"})
    assert response.status_code == 200, response.text
    return response.text


async def messages() -> list[dict]:
    return list(
        await Message.select(
            Message.network,
            Message.url,
            Message.author_name,
            Message.text,
            Message.posted_at,
            Message.created_by,
        ).order_by(Message.id)
    )


async def test_a_csv_is_previewed_mapped_and_imported_with_the_rows_problems(
    client: Client,
) -> None:
    assert (await sign_in(client, "penza-specialist")).status_code == 302
    entry = await client.get("/o/penza/specialist/entry/")
    assert f'href="{BASE}"' in entry.text

    status, preview = await upload(client, csv_file(ROWS).encode())
    assert status in (302, 303) and re.fullmatch(rf"{BASE}/\d+", preview)
    page = (await client.get(preview)).text
    assert "CSV, UTF-8, разделитель — точка с запятой; строк с данными: 4" in page
    # The guessed mapping is selected; the cells are escaped.
    assert '<select name="col_text"' in page
    assert re.search(r'name="col_text".*?<option value="4" selected>E · Текст', page, re.S)
    assert re.search(r'name="col_network".*?<option value="1" selected>B · Соцсеть', page, re.S)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "Столбцы угаданы по названиям" in page
    assert await Message.count() == 0

    result = await run_import(client, preview, network_default="")
    assert "Импортировано: 3, уже были: 0, с ошибками: 1" in result
    assert "Строка 5:" in result
    assert "Текст (столбец E): Введите текст сообщения." in result
    assert "Дата публикации (столбец A): Такой даты нет: «32.03.2025»." in result
    assert "Соцсеть (столбец B): Соцсеть «Дзен» не распознана" in result

    stored = await messages()
    assert [(m["network"], m["url"]) for m in stored] == [
        ("vk", "https://vk.com/wall-1_10"),
        ("ok", "https://ok.ru/group/1/topic/2"),
        ("telegram", "https://t.me/penza/5"),
    ]
    # Penza's time (Europe/Moscow) when the file gives none.
    assert stored[0]["posted_at"] == datetime(2025, 3, 12, 11, 30, tzinfo=UTC)
    assert stored[2]["posted_at"] is None and stored[2]["author_name"] == "<b>Пётр</b>"
    assert all(m["created_by"] is not None for m in stored)
    assert await Event.count().where(Event.kind == "message_collected") == 3

    # The new messages are in «Новые».
    new = await client.get("/o/penza/specialist")
    assert "Яма у школы" in new.text and "Снег не убран" in new.text


async def test_importing_the_same_file_again_creates_nothing_and_keeps_what_was_stored(
    client: Client,
) -> None:
    await sign_in(client, "penza-specialist")
    # Entered by hand earlier with the same link: it stays as it was.
    await client.post(
        "/o/penza/specialist/entry/",
        data={
            "_csrf_token": await csrf_token(client),
            "network": "vk",
            "url": "https://vk.com/wall-1_10",
            "text": "Яма у школы",
            "author_name": "Иван",
        },
    )
    content = csv_file(ROWS[:3]).encode()
    _, preview = await upload(client, content)
    first = await run_import(client, preview)
    assert "Импортировано: 2, уже были: 1, с ошибками: 0" in first
    _, again = await upload(client, content)
    assert again != preview
    second = await run_import(client, again)
    assert "Импортировано: 0, уже были: 3, с ошибками: 0" in second
    stored = await messages()
    assert len(stored) == 3
    assert stored[0]["author_name"] == "Иван"  # the earlier message is not overwritten
    assert await Event.count().where(Event.kind == "message_collected") == 3
    assert await Event.count().where(Event.kind == "message_edited") == 0


async def test_a_windows_1251_csv_with_commas_and_an_external_id(client: Client) -> None:
    await sign_in(client, "penza-specialist")
    headers = ["ID", "Дата публикации", "Текст сообщения", "Ссылка на сообщение"]
    rows = [["tg-1", "2025-03-12 14:30", "Фонари не горят", "https://t.me/penza/7"]]
    _, preview = await upload(client, csv_file(rows, ",", headers).encode("cp1251"))
    assert "CSV, Windows-1251, разделитель — запятая" in (await client.get(preview)).text
    result = await run_import(client, preview)
    assert "Импортировано: 1, уже были: 0, с ошибками: 0" in result
    message = await Message.objects().first()
    assert message is not None
    assert (message.text, message.network, message.dedup_key) == (
        "Фонари не горят",
        "telegram",
        "telegram:id:tg-1",
    )


async def test_an_xlsx_export_with_date_cells_and_a_fixed_network(client: Client) -> None:
    await sign_in(client, "penza-specialist")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Дата", "Автор", "Текст", "URL"])
    sheet.append([datetime(2025, 3, 12, 14, 30), "Анна", "Нет воды", "https://example.org/1"])
    sheet.append([datetime(2025, 3, 12, 15, 0), "Олег", "Нет света", None])
    out = io.BytesIO()
    workbook.save(out)
    _, preview = await upload(client, out.getvalue(), "выгрузка.xlsx")
    page = (await client.get(preview)).text
    assert "XLSX; строк с данными: 2" in page and "2025-03-12 14:30:00" in page
    # Neither a network column nor a network's link: the whole file is VK.
    result = await run_import(client, preview, network_default="vk")
    assert "Импортировано: 2, уже были: 0, с ошибками: 0" in result
    stored = await messages()
    assert [(m["network"], m["author_name"]) for m in stored] == [("vk", "Анна"), ("vk", "Олег")]
    assert stored[1]["posted_at"] == datetime(2025, 3, 12, 12, 0, tzinfo=UTC)


async def test_rows_without_a_network_are_listed_when_no_network_is_chosen(
    client: Client,
) -> None:
    await sign_in(client, "penza-specialist")
    rows = [["12.03.2025 10:00", "", "Анна", "https://example.org/1", "Нет воды"]]
    _, preview = await upload(client, csv_file(rows).encode())
    result = await run_import(client, preview)
    assert "Импортировано: 0, уже были: 0, с ошибками: 1" in result
    assert "<strong>Строка 2:</strong> Соцсеть (столбец B): Соцсеть не указана" in result


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "Файл не похож на таблицу"),
        (b"PK\x03\x04broken", "Файл XLSX повреждён или это не таблица Excel"),
        ("Текст;Ссылка\r\n".encode(), "В файле только заголовки"),
        (b"x" * (MAX_FILE_BYTES + 1), "Файл больше 5 МБ: разделите выгрузку на части."),
    ],
)
async def test_a_file_that_cannot_be_imported_is_refused_in_russian(
    client: Client, content: bytes, message: str
) -> None:
    await sign_in(client, "penza-specialist")
    status, text = await upload(client, content)
    assert status == 400
    assert message in text
    assert await ImportBatch.count() == 0


async def test_a_request_beyond_the_limit_is_refused_before_it_is_read(client: Client) -> None:
    await sign_in(client, "penza-specialist")
    status, text = await upload(client, b"x" * (MAX_FILE_BYTES + 2 * 1024 * 1024))
    assert status == 413
    assert "Запрос больше допустимого размера" in text
    assert await ImportBatch.count() == 0


async def test_the_mapping_is_checked_and_remembered_for_files_with_the_same_headers(
    client: Client,
) -> None:
    await sign_in(client, "penza-specialist")
    headers = ["Колонка 1", "Колонка 2", "Площадка"]
    rows = [["Снег во дворе", "https://vk.com/wall-1_20", "VK"]]
    _, preview = await upload(client, csv_file(rows, ";", headers).encode())
    page = (await client.get(preview)).text
    assert not re.search(r'name="col_text".*?selected>', page.split("col_url")[0], re.S)

    refused = await client.post(
        preview,
        data={"_csrf_token": await csrf_token(client), "col_url": "1", "col_author_name": "1"},
        headers={"accept": "text/html"},
    )
    assert refused.status_code == 400
    assert "Выберите столбец с текстом сообщения." in refused.text
    assert "Столбец B уже выбран для поля «Ссылка на сообщение»." in refused.text
    assert await Message.count() == 0 and await ImportMapping.count() == 0

    result = await run_import(client, preview, col_text="0", col_url="1")
    assert "Импортировано: 1" in result

    # The same columns, other letters case and spacing: the mapping comes back.
    _, second = await upload(
        client,
        csv_file([], ";", ["колонка 1", "КОЛОНКА 2 ", "Площадка"]).encode()
        + "Ещё снег;https://vk.com/wall-1_21;VK\r\n".encode(),
    )
    page = (await client.get(second)).text
    assert "Сопоставление взято из прошлого импорта" in page
    assert re.search(r'name="col_text".*?<option value="0" selected>', page, re.S)
    assert "Импортировано: 1" in await run_import(client, second)
    assert await ImportMapping.count() == 1

    # Another organisation does not get Penza's choice.
    parfino = await org_id("parfino")
    assert await ImportMapping.count().where(ImportMapping.organisation == parfino) == 0


async def test_a_long_file_is_imported_in_steps_each_counted_once(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "STEP_ROWS", 3)
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    await sign_in(client, "penza-specialist")
    rows = [["", "", "", f"https://vk.com/wall-1_{n}", f"Сообщение {n}"] for n in range(1, 8)]
    _, preview = await upload(client, csv_file(rows).encode())
    first = await run_import(client, preview)
    assert "Идёт импорт: обработано 3 из 7 строк." in first
    assert 'hx-trigger="load"' in first
    continue_url = f"{preview}/continue"
    token = await csrf_token(client)
    partial = await client.post(continue_url, headers={"hx-request": "true", "x-csrftoken": token})
    assert partial.status_code == 200
    assert "обработано 6 из 7 строк" in partial.text and "<html" not in partial.text
    done = await client.post(continue_url, headers={"hx-request": "true", "x-csrftoken": token})
    assert done.headers.get("hx-redirect") == preview
    # A repeated step (a second tab) changes nothing.
    again = await client.post(continue_url, headers={"hx-request": "true", "x-csrftoken": token})
    assert again.headers.get("hx-redirect") == preview
    result = (await client.get(preview)).text
    assert "Импортировано: 7, уже были: 0, с ошибками: 0" in result
    assert await Message.count() == 7
    batch = await ImportBatch.select(ImportBatch.rows, ImportBatch.state).first()
    assert batch is not None and batch["state"] == "done" and batch["rows"] in ([], "[]")


async def test_only_the_organisations_specialists_may_import(client: Client) -> None:
    await sign_in(client, "penza-specialist")
    _, preview = await upload(client, csv_file(ROWS[:1]).encode())
    async with second_browser() as other:
        await sign_in(other, "penza-executor")
        assert (await other.get(f"{BASE}/")).status_code == 403
        status, _ = await upload(other, csv_file(ROWS[:1]).encode())
        assert status == 403
        form = {"_csrf_token": await csrf_token(other), "col_text": "4"}
        assert (await other.post(preview, data=form)).status_code == 403
    async with second_browser() as parfino:
        await sign_in(parfino, "parfino-specialist")
        assert (await parfino.get(preview)).status_code == 403
        batch_id = preview.rsplit("/", 1)[1]
        foreign = f"/o/parfino/specialist/entry/import/{batch_id}"
        assert (await parfino.get(foreign, headers={"accept": "text/html"})).status_code == 404
        form = {"_csrf_token": await csrf_token(parfino), "col_text": "4"}
        assert (await parfino.post(foreign, data=form)).status_code == 404
    assert await Message.count() == 0


async def test_a_form_without_the_csrf_token_is_refused(client: Client) -> None:
    await sign_in(client, "penza-specialist")
    response = await client.post(
        f"{BASE}/", files={"file": ("a.csv", csv_file(ROWS).encode(), "text/csv")}
    )
    assert response.status_code == 403
    assert await ImportBatch.count() == 0
