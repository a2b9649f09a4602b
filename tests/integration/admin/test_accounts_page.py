"""«Аккаунты»: the administrator connects an official account against a fake Telegram,
checks it, watches its health and pauses it; the token never comes back (issue #14)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.connectors.accounts import connect_account, poll_all
from app.db.sealed import get_secret
from app.db.tables import Event, Membership, SocialAccount, StoredSecret
from app.demo.password import DEMO_PASSWORD
from app.identity.accounts import create_user
from app.identity.passwords import cached_hash
from tests.integration.admin.test_admin import HTML, PENZA, admin_client, post, second_browser
from tests.integration.cases_helpers import org_id
from tests.integration.conftest import PUBLIC_URL
from tests.integration.connectors.fake_telegram import GROUP_ID, FakeTelegram, serve

pytestmark = pytest.mark.usefixtures("demo")
ACCOUNTS = f"{PENZA}/accounts"
HTMX = {**HTML, "hx-request": "true"}
BOT_NAME = "Отклик Пенза (@otklik_penza_bot)"


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    yield from serve(FakeTelegram())


def _form(telegram: FakeTelegram, **changes: str) -> dict[str, str]:
    form = {
        "network": "telegram",
        "external_id": str(GROUP_ID),
        "token": telegram.token,
        "mode": "longpoll",
        "api_base": telegram.base_url,
        "name": "",
        "url": "",
        "is_active": "1",
    }
    return {**form, **changes}


async def _stored_tokens() -> int:
    return await StoredSecret.count().where(StoredSecret.name.like("network/%"))


async def _only_account() -> dict[str, Any]:
    rows = await SocialAccount.select()
    assert len(rows) == 1
    return rows[0]


async def test_check_shows_the_bots_name_or_the_russian_refusal_and_stores_nothing(
    client: AsyncTestClient[Litestar], telegram: FakeTelegram
) -> None:
    token = await admin_client(client)
    check = f"{ACCOUNTS}/check"
    response = await client.post(
        check, data={"_csrf_token": token, **_form(telegram)}, headers=HTMX
    )
    assert response.status_code == 200
    assert f"«{BOT_NAME}»" in response.text and "<html" not in response.text
    assert telegram.token not in response.text
    wrong = await client.post(
        check, data={"_csrf_token": token, **_form(telegram, token="1:wrong")}, headers=HTMX
    )
    assert "Telegram ответил: токен бота не принят (401)" in wrong.text
    no_connector = await client.post(
        check, data={"_csrf_token": token, **_form(telegram, network="twitter")}, headers=HTMX
    )
    assert "подключения пока нет" in no_connector.text
    # Without scripts the button posts the form: the page comes back with what was typed
    # (never the token) and the result.
    page = await post(client, token, check, _form(telegram, name="Бот Пензы"))
    assert page.status_code == 200 and f"«{BOT_NAME}»" in page.text
    assert 'value="Бот Пензы"' in page.text and telegram.token not in page.text
    assert await SocialAccount.count() == 0 and await _stored_tokens() == 0
    assert [m for m, _ in telegram.requests] == ["getMe"] * 3


async def test_saving_with_a_token_connects_and_the_token_never_comes_back(
    client: AsyncTestClient[Litestar], telegram: FakeTelegram
) -> None:
    token = await admin_client(client)
    refused = await post(client, token, ACCOUNTS, _form(telegram, token="1:wrong", name="Бот"))
    assert refused.status_code == 400
    assert 'id="token-error"' in refused.text and "токен бота не принят" in refused.text
    assert f'value="{GROUP_ID}"' in refused.text and 'value="Бот"' in refused.text  # kept
    assert 'value="1:wrong"' not in refused.text
    assert await SocialAccount.count() == 0 and await _stored_tokens() == 0

    saved = await post(client, token, ACCOUNTS, _form(telegram))
    assert saved.status_code == 302 and saved.headers["location"].endswith("done=added")
    row = await _only_account()
    assert (row["name"], row["mode"], row["api_base"]) == (BOT_NAME, "longpoll", telegram.base_url)
    assert await get_secret(f"network/{row['id']}/token") == telegram.token
    kinds = [e["kind"] for e in await Event.select(Event.kind).where(Event.kind.like("admin_a%"))]
    assert kinds == ["admin_account_saved"]

    listing = await client.get(ACCOUNTS, headers=HTML)
    assert BOT_NAME in listing.text and "работает" in listing.text
    assert "Последнее событие: не было" in listing.text and "В «Новых»: 0" in listing.text
    edit = await client.get(f"{ACCOUNTS}/{row['id']}", headers=HTML)
    assert (
        "Сохранён: задан, ••••oken" in edit.text
        and 'type="password" name="token" value=""' in edit.text
    )
    # Saving the form again without a token keeps the stored one (nothing re-checked).
    as_shown = _form(telegram, token="", name=BOT_NAME)  # the edit form as filled in
    kept = await post(client, token, f"{ACCOUNTS}/{row['id']}", as_shown)
    assert kept.status_code == 302 and len(telegram.requests) == 2
    assert await get_secret(f"network/{row['id']}/token") == telegram.token
    # The stored token is never sent to another address.
    elsewhere = _form(telegram, token="", api_base="http://127.0.0.1:9/")
    moved = await post(client, token, f"{ACCOUNTS}/{row['id']}", elsewhere)
    assert moved.status_code == 400 and "введите токен доступа заново" in moved.text
    checked = await client.post(
        f"{ACCOUNTS}/check",
        data={"_csrf_token": token, "account_id": str(row["id"]), **elsewhere},
        headers=HTMX,
    )
    assert "введите токен доступа заново" in checked.text
    stored = await client.post(
        f"{ACCOUNTS}/check",
        data={"_csrf_token": token, "account_id": str(row["id"]), **_form(telegram, token="")},
        headers=HTMX,
    )
    assert f"«{BOT_NAME}»" in stored.text  # the empty field checks with the stored token
    for path in ("", "/organisation", "/accounts", f"/accounts/{row['id']}", "/tokens"):
        body = (await client.get(PENZA + path, headers=HTML)).text
        assert telegram.token not in body and telegram.token.split(":")[1] not in body, path


@pytest.mark.usefixtures("public_url")
async def test_webhook_mode_shows_the_address_the_network_calls(
    client: AsyncTestClient[Litestar], telegram: FakeTelegram
) -> None:
    token = await admin_client(client)
    saved = await post(client, token, ACCOUNTS, _form(telegram, mode="webhook"))
    assert saved.status_code == 302
    row = await _only_account()
    assert row["mode"] == "webhook"
    url = f"{PUBLIC_URL}/hooks/{row['id']}"
    assert telegram.webhook["url"] == url  # the network was told, with the account's secret
    page = await client.get(ACCOUNTS, headers=HTML)
    assert f"{url}</code>" in page.text and "вебхук" in page.text
    assert await poll_all() == []  # the network calls the portal: nothing to poll


async def test_pause_and_resume(client: AsyncTestClient[Litestar], telegram: FakeTelegram) -> None:
    token = await admin_client(client)
    assert (await post(client, token, ACCOUNTS, _form(telegram))).status_code == 302
    account_id = (await _only_account())["id"]
    pause = f"{ACCOUNTS}/{account_id}/pause"
    paused = await post(client, token, pause, {"paused": "1"})
    assert paused.status_code == 302 and paused.headers["location"].endswith("done=paused")
    assert (await _only_account())["paused"] is True
    assert await poll_all() == []
    page = await client.get(ACCOUNTS + "?done=paused", headers=HTML)
    assert "Аккаунт приостановлен" in page.text and "на паузе" in page.text
    assert ">Возобновить</button>" in page.text
    resumed = await post(client, token, pause, {"paused": "0"})
    assert resumed.headers["location"].endswith("done=resumed")
    assert (await _only_account())["paused"] is False
    assert [r.account_id for r in await poll_all()] == [account_id]
    kinds = await Event.select(Event.kind).where(Event.kind.like("admin_account_%"))
    assert [k["kind"] for k in kinds][-2:] == ["admin_account_paused", "admin_account_resumed"]
    without_csrf = await client.post(pause, data={"paused": "1"}, headers=HTML)
    assert without_csrf.status_code == 403 and (await _only_account())["paused"] is False


async def test_a_specialist_and_another_organisations_admin_are_refused(
    client: AsyncTestClient[Litestar], telegram: FakeTelegram
) -> None:
    parfino = await org_id("parfino")
    account_id, _ = await connect_account(
        parfino, "telegram", str(GROUP_ID), telegram.token, telegram.base_url
    )
    token = await admin_client(client, "penza-specialist")
    assert (await client.get(ACCOUNTS, headers=HTML)).status_code == 403
    for url, form in (
        (f"{ACCOUNTS}/check", _form(telegram)),
        (ACCOUNTS, _form(telegram)),
        (f"{ACCOUNTS}/{account_id}/pause", {"paused": "1"}),
    ):
        assert (await post(client, token, url, form)).status_code == 403, url
    # A Penza-only administrator: Parfino's pages are refused, its account's id is unknown.
    user = await create_user(
        "penza-only-admin", "Админ Пензы", "", password_hash=cached_hash(DEMO_PASSWORD)
    )
    await Membership(user=user.id, organisation=await org_id("penza"), role="admin").save()
    async with second_browser() as admin:
        token = await admin_client(admin, "penza-only-admin")
        assert (await admin.get("/o/parfino/admin/accounts", headers=HTML)).status_code == 403
        forged: list[tuple[str, dict[str, str]]] = [
            (f"{ACCOUNTS}/{account_id}/pause", {"paused": "1"}),
            (f"{ACCOUNTS}/{account_id}", _form(telegram, token="")),
            (f"{ACCOUNTS}/check", {"account_id": str(account_id), **_form(telegram, token="")}),
            ("/o/parfino/admin/accounts/check", _form(telegram)),
        ]
        for url, form in forged:
            response = await post(admin, token, url, form)
            assert response.status_code in (403, 404), url
            assert BOT_NAME not in response.text, url
        listing = await admin.get(ACCOUNTS, headers=HTML)
        assert BOT_NAME not in listing.text and "Аккаунтов нет." in listing.text
    row = await SocialAccount.select().where(SocialAccount.id == account_id).first()
    assert row is not None and row["paused"] is False and row["organisation"] == parfino
    assert [m for m, _ in telegram.requests] == ["getMe"]  # the connection itself only


async def test_a_vk_community_is_connected_with_its_optional_service_key(
    client: AsyncTestClient[Litestar],
) -> None:
    from app.connectors.base import reading_key_name
    from tests.integration.connectors import fake_vk

    for vk in fake_vk.serve(fake_vk.FakeVk()):
        token = await admin_client(client)
        form = {
            "network": "vk",
            "external_id": str(fake_vk.GROUP_ID),
            "token": vk.token,
            "reading_key": vk.service_token,
            "mode": "longpoll",
            "api_base": vk.base_url,
            "name": "",
            "url": "",
            "is_active": "1",
        }
        saved = await post(client, token, ACCOUNTS, form)
        assert saved.status_code in (302, 303), saved.text
        account = await _only_account()
        assert await get_secret(reading_key_name(account["id"])) == vk.service_token
        page = await client.get(f"{ACCOUNTS}/{account['id']}", headers=HTML)
        assert "Сервисный ключ приложения ВКонтакте" in page.text
        assert vk.service_token not in page.text and vk.token not in page.text
        assert "Сохранён: задан, ••••" in page.text
        # A key with spaces is refused in Russian, the stored one stays.
        edit = {**form, "name": account["name"], "token": "", "reading_key": "two words"}
        refused = await post(client, token, f"{ACCOUNTS}/{account['id']}", edit)
        assert "одна строка без пробелов" in refused.text
        assert await get_secret(reading_key_name(account["id"])) == vk.service_token
