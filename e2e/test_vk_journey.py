"""A VK community from connection to the answer in its thread (issue #14): the administrator
connects a (fake) VK community on «Аккаунты», a citizen's comment appears in «Новые» while
the specialist looks at it, the case runs its course, and «Разместить через ВКонтакте»
posts the approved answer under the citizen's comment; the case shows the reply's link."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from conftest import run_async
from e2e.conftest import screenshot
from e2e.pages import CasePage
from tests.integration.connectors.fake_vk import GROUP, GROUP_ID, FakeVk, serve

ACCOUNTS = "/o/penza/admin/accounts"
PENZA_HOUSING = "Управление жилищно-коммунального хозяйства"


@pytest.fixture
def vk() -> Iterator[FakeVk]:
    yield from serve(FakeVk())


async def _poll() -> list[int]:
    from app.connectors.runtime.polling import poll_all

    return [r.stored for r in await poll_all()]


def _deliver() -> list[str]:
    """The worker's outbox pass (tasks/outbox.py): the e2e server runs no worker."""

    async def deliver() -> list[str]:
        from app.outbox.watch import outbox_pass

        return sorted((await outbox_pass()).delivered)

    return run_async(deliver)


def test_a_vk_comment_is_answered_in_its_thread(people, vk: FakeVk) -> None:
    admin = people("admin")
    admin.goto(ACCOUNTS)
    form = admin.get_by_test_id("account-form")
    form.get_by_label("Социальная сеть").select_option("vk")
    form.get_by_label("Идентификатор в сети").fill(str(GROUP_ID))
    form.get_by_label("Токен доступа").fill(vk.token)
    form.get_by_label("Адрес API сети").fill(vk.base_url)
    form.get_by_role("button", name="Проверить подключение").click()
    expect(admin.get_by_test_id("check-result")).to_contain_text(f"«{GROUP['name']}»")
    with admin.expect_navigation():
        form.get_by_role("button", name="Добавить").click()
    expect(admin.get_by_test_id("admin-notice")).to_have_text("Добавлено.")
    assert vk.token not in admin.content()
    assert run_async(_poll) == [0]  # the first pass opens the long-poll session

    specialist = people("penza-specialist")
    specialist.goto("/o/penza/specialist")
    text = f"Во дворе дома 7 по ул. Кирова третий день не убран снег [{uuid.uuid4().hex[:6]}]"
    post_id = vk.post("Администрация: график уборки снега на неделю")
    comment_id = vk.comment(post_id, text)
    assert run_async(_poll) == [1]
    row = specialist.get_by_test_id("new-row").filter(has_text=text)
    expect(row).to_be_visible()  # live: the page was not reloaded
    screenshot(specialist, "vk-01-new-live")
    message_id = int(row.get_attribute("data-message-id") or 0)
    case = CasePage(specialist).open("penza", message_id)
    expect(specialist.get_by_test_id("thread-context")).to_have_count(0)  # no service key
    case.mark("ЖКХ")
    case.route(PENZA_HOUSING)

    executor = people("penza-executor")
    draft = CasePage(executor).open("penza", message_id)
    answer = "Двор будет убран сегодня до 18:00, подрядчик предупреждён."
    draft.submit_draft(PENZA_HOUSING, answer)
    case.open("penza", message_id)
    case.approve(PENZA_HOUSING)
    box = case.assignment(PENZA_HOUSING)
    send = box.get_by_test_id("publish-network").get_by_role("button")
    expect(send).to_have_text(re.compile(r"Разместить через ВКонтакте"))
    case._post(send.click)
    expect(box.get_by_test_id("outgoing")).to_contain_text("Отправляется")
    assert _deliver() == ["posted"]
    [reply] = [c for c in vk.comments[post_id] if c["text"] == answer]
    assert reply["from_id"] == -GROUP_ID and reply.get("reply_to_comment") == comment_id
    assert _deliver() == []  # nothing is posted twice
    case.open("penza", message_id)
    case.expect_state("Завершено")
    link = specialist.locator(f'a[href*="wall-{GROUP_ID}_{post_id}"][href*="reply="]')
    expect(link.first).to_be_visible()
    screenshot(specialist, "vk-02-published")
