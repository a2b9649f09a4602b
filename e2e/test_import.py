"""Import of a monitoring system's export on «Ручной ввод»: upload, map, import, «Новые»."""

from __future__ import annotations

import re
import tempfile
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

# Screenshots to look at: the system's temporary folder (/tmp).
PREVIEW_SHOT = Path(tempfile.gettempdir()) / "otklik-import-preview.png"
RESULT_SHOT = Path(tempfile.gettempdir()) / "otklik-import-result.png"
UPLOAD_SHOT = Path(tempfile.gettempdir()) / "otklik-import-upload.png"


def export_csv(tag: str) -> bytes:
    """An export as «Медиалогия» or Brand Analytics give it: Windows-1251, «;»."""
    rows = [
        "Дата;Соцсеть/Площадка;Автор;Ссылка;Текст",
        f"12.03.2025 14:30;ВКонтакте;Иван Петров;https://vk.com/wall-1_{tag}1;"
        f"Яма на ул. Ленина у остановки [{tag}]",
        f"12.03.2025 15:05;Одноклассники;Мария С.;https://ok.ru/group/1/topic/{tag}2;"
        f"Во дворе дома 5 не горят фонари [{tag}]",
        f"32.03.2025;Дзен;;https://dzen.ru/a/{tag}3;",
    ]
    return ("\r\n".join(rows) + "\r\n").encode("cp1251")


def test_a_specialist_imports_an_export_and_finds_the_messages_in_new(people) -> None:
    specialist: Page = people("penza-specialist")
    tag = uuid.uuid4().hex[:8]
    specialist.goto("/o/penza/specialist/entry")
    specialist.get_by_test_id("import-link").click()
    expect(specialist.get_by_role("heading", level=1)).to_have_text(
        "Импорт выгрузки системы мониторинга"
    )
    specialist.get_by_test_id("import-file").set_input_files(
        {"name": "медиалогия.csv", "mimeType": "text/csv", "buffer": export_csv(tag)}
    )
    specialist.get_by_role("button", name="Загрузить").click()

    expect(specialist).to_have_url(re.compile(r"/specialist/entry/import/\d+$"))
    preview = specialist.get_by_test_id("import-preview")
    expect(preview).to_contain_text(f"Яма на ул. Ленина у остановки [{tag}]")
    expect(
        specialist.get_by_text("CSV, Windows-1251, разделитель — точка с запятой")
    ).to_be_visible()
    # The columns are guessed by their names.
    expect(specialist.locator("select[name=col_text]")).to_have_value("4")
    expect(specialist.locator("select[name=col_network]")).to_have_value("1")
    expect(specialist.locator("select[name=col_posted_at]")).to_have_value("0")
    specialist.screenshot(path=PREVIEW_SHOT, full_page=True)

    specialist.get_by_role("button", name="Импортировать 3 строки").click()
    result = specialist.get_by_test_id("import-result")
    expect(result).to_contain_text("Импортировано: 2, уже были: 0, с ошибками: 1")
    expect(specialist.get_by_test_id("import-problems")).to_contain_text(
        "Строка 4: Текст (столбец E): Введите текст сообщения."
    )
    specialist.screenshot(path=RESULT_SHOT, full_page=True)

    specialist.get_by_role("link", name="Перейти к новым сообщениям").click()
    main = specialist.locator("main")
    expect(main).to_contain_text(f"Яма на ул. Ленина у остановки [{tag}]")
    expect(main).to_contain_text(f"Во дворе дома 5 не горят фонари [{tag}]")

    # The import page lists it among the latest imports.
    specialist.goto("/o/penza/specialist/entry/import")
    expect(specialist.locator("table")).to_contain_text("импортировано: 2, уже были: 0")
    specialist.screenshot(path=UPLOAD_SHOT, full_page=True)
