"""The administrator connects a (fake) Telegram account on «Аккаунты»; a comment posted to
it appears in the specialist's «Новые» after the worker's pass (issue #14)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from conftest import run_async
from e2e.conftest import screenshot
from tests.integration.connectors.fake_telegram import (
    GROUP_ID,
    FakeTelegram,
    group_comment,
    serve,
)

ACCOUNTS = "/o/penza/admin/accounts"
BOT_NAME = "Отклик Пенза (@otklik_penza_bot)"


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    yield from serve(FakeTelegram())


async def _poll() -> list[int]:
    from app.connectors.accounts import poll_all

    return [r.stored for r in await poll_all()]


def _submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_test_id("account-form").get_by_role("button", name=button).click()


def test_admin_connects_telegram_and_a_comment_reaches_new(people, telegram: FakeTelegram) -> None:
    admin = people("admin")
    admin.goto(ACCOUNTS)
    form = admin.get_by_test_id("account-form")
    form.get_by_label("Социальная сеть").select_option("telegram")
    form.get_by_label("Идентификатор в сети").fill(str(GROUP_ID))
    form.get_by_label("Токен доступа").fill("1:wrong")
    form.get_by_label("Адрес API сети").fill(telegram.base_url)
    form.get_by_role("button", name="Проверить подключение").click()
    result = admin.get_by_test_id("check-result")
    expect(result).to_contain_text("токен бота не принят")

    form.get_by_label("Токен доступа").fill(telegram.token)
    form.get_by_role("button", name="Проверить подключение").click()
    expect(result).to_contain_text(f"«{BOT_NAME}»")
    expect(admin).to_have_url(re.compile(r"/admin/accounts$"))  # htmx: the page stayed
    expect(admin.get_by_test_id("accounts")).to_have_count(0)  # nothing stored by a check
    screenshot(admin, "admin-accounts-check")

    _submit(admin, "Добавить")
    expect(admin.get_by_test_id("admin-notice")).to_have_text("Добавлено.")
    row = admin.get_by_test_id("accounts").locator("tr[data-account]").filter(has_text=BOT_NAME)
    expect(row.get_by_test_id("account-state")).to_have_text("работает")
    assert telegram.token not in admin.content()

    text = f"Не убран снег во дворе на Ленина, 5 ({uuid.uuid4().hex[:6]})"
    telegram.push("message", group_comment(101, text))
    assert run_async(_poll) == [1]  # the worker's minute pass (tasks/connectors.py)
    specialist = people("penza-specialist")
    specialist.goto("/o/penza/specialist")
    expect(specialist.get_by_test_id("queue")).to_contain_text(text)

    admin.reload()
    health = row.get_by_test_id("account-health")
    expect(health).to_contain_text("В «Новых»: 1")
    expect(health).to_contain_text(
        re.compile(r"Последнее событие: \d\d\.\d\d\.\d{4} \d\d:\d\d МСК")
    )
    row.get_by_role("button", name="Приостановить").click()
    expect(admin.get_by_test_id("admin-notice")).to_contain_text("Аккаунт приостановлен")
    expect(row.get_by_test_id("account-state")).to_have_text("на паузе")
    assert run_async(_poll) == []
    screenshot(admin, "admin-accounts-health")
