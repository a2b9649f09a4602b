"""The full journey of a message through both profiles, each role in its own browser."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from e2e.conftest import screenshot
from e2e.pages import CasePage, enter_message

PENZA_HOUSING = "Управление жилищно-коммунального хозяйства"
PENZA_ROADS = "Управление транспорта и связи"
PARFINO_HOUSING = "Комитет ЖКХ, строительства, дорожного хозяйства и благоустройства"
PARFINO_CULTURE = "Отдел культуры и архивного дела"


# A 1×1 PNG: the smallest real photo the upload check accepts.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000000000400010d0a2db40000000049454e44ae426082"
)


def unique(text: str) -> str:
    return f"{text} [{uuid.uuid4().hex[:6]}]"


def test_penza_journey_entry_to_publication_with_a_revision(people) -> None:
    specialist, executor = people("penza-specialist"), people("penza-executor")
    post_url = f"https://vk.com/wall-1_{uuid.uuid4().int % 10**8}"
    message_id = enter_message(
        specialist,
        "penza",
        unique("Третий день не вывозят мусор во дворе дома 12 по ул. Кирова"),
        author="Иван Петров",
        url=post_url,
    )
    case = CasePage(specialist)
    screenshot(specialist, "penza-01-case-collected")
    case.mark("ЖКХ")
    case.expect_state("Направляется исполнителям")
    expect(specialist.get_by_test_id("deadlines")).to_contain_text("Размещение ответа")
    case.route(PENZA_HOUSING)
    case.expect_state("В работе")
    screenshot(specialist, "penza-02-case-routed")

    executor.goto("/o/penza/executor")
    row = executor.locator(f'[data-testid="assignment-row"][data-message-id="{message_id}"]')
    expect(row).to_be_visible()
    screenshot(executor, "penza-03-executor-inbox")
    row.get_by_role("link").click()
    draft = CasePage(executor)
    photo = {"name": "двор.png", "mimeType": "image/png", "buffer": TINY_PNG}
    draft.submit_draft(
        PENZA_HOUSING, "Вывоз мусора организован, контейнеры освобождены.", files=[photo]
    )
    draft.expect_assignment_state(PENZA_HOUSING, "На согласовании")
    expect(executor.get_by_test_id("draft-attachments")).to_contain_text("двор.png")
    screenshot(executor, "penza-04-draft-submitted")

    case.open("penza", message_id)
    case.return_for_revision(PENZA_HOUSING, "Укажите дату и ответственную организацию.")
    case.expect_assignment_state(PENZA_HOUSING, "На доработке")

    draft.open("penza", message_id)
    draft.resubmit(PENZA_HOUSING, "Мусор вывезен 23.11 МБУ «Пензавтодор», график восстановлен.")
    draft.expect_assignment_state(PENZA_HOUSING, "На согласовании")

    case.open("penza", message_id)
    expect(case.assignment(PENZA_HOUSING).get_by_test_id("draft")).to_have_count(2)
    # p.16: the photo came along with the revision and opens for the specialist.
    link = specialist.get_by_test_id("draft-attachments").last.get_by_role("link")
    download = specialist.request.get(link.get_attribute("href") or "")
    assert download.status == 200 and download.body() == TINY_PNG
    case.approve(PENZA_HOUSING)
    case.expect_assignment_state(PENZA_HOUSING, "Согласовано, ждёт размещения")
    # A wrong link is refused next to the form, and what was typed stays there.
    case.publish(PENZA_HOUSING, "ftp://vk.com/wall-1_777")
    box = case.assignment(PENZA_HOUSING)
    expect(box.get_by_test_id("case-error")).to_contain_text("http")
    expect(box.get_by_label("Ссылка на размещённый ответ")).to_have_value("ftp://vk.com/wall-1_777")
    # The answer goes under the same post (a link to another post is refused).
    case.publish(PENZA_HOUSING, "https://vk.com/wall-1_777?reply=9")
    expect(box.get_by_test_id("case-error")).to_contain_text("другую запись")
    case.publish(PENZA_HOUSING, f"{post_url}?reply=9")
    case.expect_state("Завершено")
    timeline = specialist.get_by_test_id("timeline")
    for event in ("Проект возвращён на доработку", "Проект согласован", "Ответ размещён"):
        expect(timeline).to_contain_text(event)
    screenshot(specialist, "penza-05-case-done")


def test_parfino_journey_hand_over_split_and_coordinator_publishes(people) -> None:
    specialist, coordinator = people("parfino-specialist"), people("parfino-coordinator")
    executor = people("parfino-executor")
    message_id = enter_message(
        specialist, "parfino", unique("На ул. Карла Маркса яма на дороге и не работает библиотека")
    )
    case = CasePage(specialist)
    case.mark("Дороги, Культура")
    case.expect_state("Передаётся ответственному работнику")
    case.hand_over()
    case.expect_state("Направляется исполнителям")

    coordinator.goto("/o/parfino/coordinator")
    coordinator.locator(f'[data-message-id="{message_id}"]').get_by_role("link").click()
    routing = CasePage(coordinator)
    routing.route(PARFINO_HOUSING, PARFINO_CULTURE)
    routing.expect_state("В работе")
    expect(coordinator.get_by_test_id("assignment")).to_have_count(2)
    screenshot(coordinator, "parfino-01-split")

    executor.goto(f"/o/parfino/cases/{message_id}")
    draft = CasePage(executor)
    # The executor of the housing committee sees no draft form for the other department.
    expect(draft.assignment(PARFINO_CULTURE).get_by_test_id("draft-form")).to_have_count(0)
    draft.submit_draft(PARFINO_HOUSING, "Яма будет заделана до 27.11.")

    case.open("parfino", message_id)
    case.approve(PARFINO_HOUSING)
    # Parfino p.15: the coordinator publishes.
    expect(case.assignment(PARFINO_HOUSING).get_by_test_id("publish-form")).to_have_count(0)
    routing.open("parfino", message_id)
    routing.publish(PARFINO_HOUSING, "https://vk.com/wall-1_2?reply=3")
    routing.expect_assignment_state(PARFINO_HOUSING, "Ответ размещён")
    routing.expect_state("В работе")  # the culture department still owes its own answer
    screenshot(coordinator, "parfino-02-one-answer-published")


def test_outside_competence_return_goes_back_to_routing(people) -> None:
    specialist, executor = people("penza-specialist"), people("penza-executor")
    message_id = enter_message(specialist, "penza", unique("Не ходит автобус № 26 по утрам"))
    case = CasePage(specialist)
    case.mark("Транспорт")
    case.route(PENZA_HOUSING)
    CasePage(executor).open("penza", message_id).return_outside(
        PENZA_HOUSING, "Это вопрос транспорта, не ЖКХ"
    )
    case.open("penza", message_id)
    case.expect_state("Направляется исполнителям")
    expect(specialist.get_by_test_id("timeline")).to_contain_text("не относится к полномочиям")
    case.route(PENZA_ROADS)
    case.expect_state("В работе")


def test_refused_message_from_the_new_queue(people) -> None:
    specialist = people("penza-specialist")
    message_id = enter_message(specialist, "penza", unique("Грубое сообщение с оскорблениями"))
    specialist.goto("/o/penza/specialist")
    row = specialist.locator(f'li[data-message-id="{message_id}"]')
    row.get_by_label("Основание").select_option(label="Оскорбительные выражения")
    row.get_by_role("button", name="Не подлежит обработке").click()
    result = specialist.locator(f'[data-testid="new-row-result"][data-message-id="{message_id}"]')
    expect(result).to_contain_text("Не подлежит обработке")
    expect(result.get_by_role("button", name="Отменить решение")).to_be_visible()
    screenshot(specialist, "penza-refused-in-queue")


def test_parfino_clarification_pauses_the_clock_until_the_reply(people) -> None:
    specialist, coordinator = people("parfino-specialist"), people("parfino-coordinator")
    executor = people("parfino-executor")
    message_id = enter_message(specialist, "parfino", unique("Когда починят освещение у нас?"))
    case = CasePage(specialist)
    case.mark("Освещение")
    case.hand_over()
    routing = CasePage(coordinator).open("parfino", message_id)
    routing.route(PARFINO_HOUSING)
    draft = CasePage(executor).open("parfino", message_id)
    draft.submit_draft(PARFINO_HOUSING, "Уточните, пожалуйста, адрес.", kind="запрос (уточнение)")
    case.open("parfino", message_id)
    case.approve(PARFINO_HOUSING)
    routing.open("parfino", message_id)
    routing.publish(PARFINO_HOUSING, "https://vk.com/wall-5_1?reply=2")
    routing.expect_assignment_state(PARFINO_HOUSING, "Ждёт ответа автора на уточнение")
    expect(coordinator.get_by_test_id("deadlines")).to_contain_text("пауза")
    screenshot(coordinator, "parfino-clarification-paused")
    draft.open("parfino", message_id)
    draft.record_reply(PARFINO_HOUSING, "ул. Победы, 3")
    draft.expect_assignment_state(PARFINO_HOUSING, "Готовится проект")
    expect(executor.get_by_test_id("deadlines")).not_to_contain_text("пауза")


def test_hostile_text_is_shown_as_text_and_runs_nothing(page: Page) -> None:
    from e2e.pages import sign_in

    sign_in(page, "penza-specialist")
    payload = '<script>alert("x")</script> <img src=x onerror=alert(1)> javascript:alert(2)'
    message_id = enter_message(page, "penza", unique(payload), author="<b onmouseover=alert(3)>Имя")
    expect(page.get_by_test_id("message-text")).to_contain_text('<script>alert("x")</script>')
    expect(page.get_by_test_id("author")).to_contain_text("<b onmouseover=alert(3)>Имя")
    page.goto("/o/penza/specialist")
    expect(page.locator(f'li[data-message-id="{message_id}"]')).to_contain_text("<img src=x")
    page.goto("/o/penza/specialist/entry/")
    page.get_by_label("Текст сообщения").fill("Ссылка-ловушка")
    page.get_by_label("Ссылка на сообщение").fill("javascript:alert(4)")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("#url-error")).to_contain_text("http")
    expect(page.get_by_label("Текст сообщения")).to_have_value("Ссылка-ловушка")
    expect(page).to_have_url(re.compile(r"/specialist/entry/?$"))
    # The page fixture fails the test if any dialog opened or any script error happened.


def test_keyboard_screening_in_the_new_queue(people) -> None:
    specialist = people("penza-specialist")
    message_id = enter_message(specialist, "penza", unique("Клавиатура: сломана скамейка"))
    specialist.goto("/o/penza/specialist")
    row = specialist.locator(f'li[data-message-id="{message_id}"]')
    # The oldest message is first (it has waited longest): j walks down to ours, 1 marks it.
    ids = specialist.locator('[data-testid="new-row"]').evaluate_all(
        "rows => rows.map(r => r.dataset.messageId)"
    )
    assert ids.index(str(message_id)) == len(ids) - 1  # the newest comes last
    specialist.locator("body").press("j")
    for _ in range(len(ids) - 1):
        specialist.keyboard.press("j")
    expect(row).to_be_focused()
    with specialist.expect_response(lambda r: r.request.method == "POST"):
        specialist.keyboard.press("1")
    result = specialist.locator(f'[data-testid="new-row-result"][data-message-id="{message_id}"]')
    expect(result).to_contain_text("Направляется исполнителям")


def test_long_texts_keep_the_layout_at_both_screen_sizes(people) -> None:
    specialist = people("penza-specialist")
    long_text = unique("Очень длинное сообщение. " + "Слово" * 10 + " " + "текст " * 640)[:4000]
    author = "Автор" + "ОченьДлинноеИмя" * 13
    message_id = enter_message(specialist, "penza", long_text, author=author[:200])
    CasePage(specialist).mark("Благоустройство")
    for width, height in ((1280, 800), (1920, 1080)):
        specialist.set_viewport_size({"width": width, "height": height})
        for path in (f"/o/penza/cases/{message_id}", "/o/penza/specialist/work"):
            specialist.goto(path)
            overflow = specialist.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (path, width, overflow)
        screenshot(specialist, f"long-texts-{width}")
