"""Webhook mode (issue #14): Telegram calls `POST /hooks/<id>`, the web answers at once and
keeps the update in the inbox, the worker stores it as a message."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from contextvars import Context
from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from app.connectors import accounts
from app.connectors.accounts import connect_account, poll_account, poll_all
from app.connectors.base import ConnectedAccount, ConnectorError
from app.connectors.health import accounts_health
from app.connectors.hooks import MAX_HOOK_BODY_BYTES
from app.connectors.registry import CONNECTORS
from app.connectors.telegram import TelegramConnector
from app.core.config import get_settings
from app.db.sealed import get_secret
from app.db.tables import NetworkEvent, Organisation, SocialAccount, StoredSecret
from app.identity.organisations import organisation_id_by_slug
from tasks.connectors import process_inbox, sweep_inbox
from tests.integration.conftest import PUBLIC_URL
from tests.integration.connectors.fake_max import CHAT_ID as MAX_CHAT_ID
from tests.integration.connectors.fake_max import FakeMax, chat_message, created
from tests.integration.connectors.fake_telegram import (
    GROUP_ID,
    FakeTelegram,
    group_comment,
    serve,
)
from tests.integration.connectors.helpers import account_row, messages_of

pytestmark = pytest.mark.usefixtures("demo", "public_url")

Client = AsyncTestClient[Litestar]


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    yield from serve(FakeTelegram())


async def _connect(telegram: FakeTelegram, mode: str = "webhook") -> tuple[int, int]:
    org_id = await organisation_id_by_slug("penza")
    account_id, _ = await connect_account(
        org_id, "telegram", str(GROUP_ID), telegram.token, telegram.base_url, mode=mode
    )
    return org_id, account_id


async def _events() -> list[dict[str, Any]]:
    return await NetworkEvent.select().order_by(NetworkEvent.id)


async def _queued_jobs(redis: Redis) -> int:
    return int(await redis.zcard("arq:queue"))


async def test_connecting_in_webhook_mode_sets_the_webhook_with_our_secret(
    telegram: FakeTelegram,
) -> None:
    _, account_id = await _connect(telegram)
    secret = await get_secret(f"network/{account_id}/webhook_secret")
    assert secret and len(secret) == 40
    assert telegram.webhook == {
        "url": f"{PUBLIC_URL}/hooks/{account_id}",
        "secret_token": secret,
        "allowed_updates": ["message", "edited_message"],
    }
    row = await account_row(account_id)
    assert row["mode"] == "webhook"
    assert await poll_all() == []  # the network calls a webhook account; nobody polls it
    [result] = [await poll_account(account_id)]  # and Telegram would refuse if one did
    assert "вебхук (409)" in result.error
    await _connect(telegram)  # reconnecting keeps the secret the network already has
    assert await get_secret(f"network/{account_id}/webhook_secret") == secret
    await _connect(telegram, mode="longpoll")  # back to long polling: the webhook goes
    assert telegram.webhook == {} and telegram.requests[-1][0] == "deleteWebhook"
    assert [r.error for r in await poll_all()] == [""]


async def test_a_refused_subscription_leaves_things_as_they_were(
    telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    org_id = await organisation_id_by_slug("penza")
    await Organisation.update({Organisation.enabled_networks: ["max"]}).where(
        Organisation.id == org_id
    )
    monkeypatch.setenv("OTKLIK_PUBLIC_URL", "http://otklik.intranet")
    get_settings.cache_clear()
    with pytest.raises(ConnectorError, match="не принял адрес вебхука"):
        await _connect(telegram)
    assert await SocialAccount.count() == 0 and await StoredSecret.count() == 0
    org = await Organisation.select().where(Organisation.id == org_id).first()
    assert org is not None and org["enabled_networks"] == ["max"]
    # A working long-poll account stays one when switching to webhooks fails.
    _, account_id = await _connect(telegram, mode="longpoll")
    with pytest.raises(ConnectorError, match="не принял адрес вебхука"):
        await _connect(telegram)
    row = await account_row(account_id)
    assert row["mode"] == "longpoll" and telegram.webhook == {}
    assert [r.account_id for r in await poll_all()] == [account_id]
    with pytest.raises(ConnectorError, match="Режим «push» не известен"):
        await _connect(telegram, mode="push")


async def test_the_network_may_call_while_we_subscribe(
    telegram: FakeTelegram, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """VK asks for its confirmation string as the server is added: by then the account and
    its secret must be committed, or the call would get 404."""
    calls: list[int] = []

    class CallsAtOnce(TelegramConnector):
        async def subscribe(self, account: ConnectedAccount, url: str, secret: str) -> None:
            headers, body = telegram.webhook_call("message", group_comment(1, "Тест"))
            headers["x-telegram-bot-api-secret-token"] = secret
            # From outside, as the network would (not inside whatever we have open).
            call = client.post(f"/hooks/{account.id}", content=body, headers=headers)
            response = await asyncio.get_running_loop().create_task(call, context=Context())
            calls.append(response.status_code)
            await super().subscribe(account, url, secret)

    monkeypatch.setitem(CONNECTORS, "telegram", CallsAtOnce())
    await _connect(telegram)
    assert calls == [200]


async def test_an_update_is_answered_at_once_and_the_worker_stores_it(
    telegram: FakeTelegram, client: Client, redis: Redis
) -> None:
    org_id, account_id = await _connect(telegram)
    headers, body = telegram.webhook_call("message", group_comment(101, "Не горит фонарь"))
    response = await client.post(f"/hooks/{account_id}", content=body, headers=headers)
    assert response.status_code == 200 and response.text == ""
    assert await messages_of(org_id) == []  # the web keeps it in the inbox only
    [event] = await _events()
    assert event["processed_at"] is None
    assert event["event_key"].startswith(f"{telegram.next_update_id}:")  # the update_id
    assert await _queued_jobs(redis) == 1
    assert await process_inbox({}, account_id) == 1
    [message] = await messages_of(org_id)
    assert message["text"] == "Не горит фонарь" and message["external_id"] == f"{GROUP_ID}:101"
    [event] = await _events()
    assert event["processed_at"] is not None and event["attempts"] == 1
    account = await account_row(account_id)
    assert account["last_event_at"] is not None


async def test_the_same_update_delivered_twice_makes_one_message(
    telegram: FakeTelegram, client: Client, redis: Redis
) -> None:
    org_id, account_id = await _connect(telegram)
    headers, body = telegram.webhook_call("message", group_comment(101, "Яма на дороге"))
    for _ in range(2):  # Telegram repeats a call it thinks failed
        response = await client.post(f"/hooks/{account_id}", content=body, headers=headers)
        assert response.status_code == 200
    assert len(await _events()) == 1 and await _queued_jobs(redis) == 1
    await process_inbox({}, account_id)
    response = await client.post(f"/hooks/{account_id}", content=body, headers=headers)
    assert response.status_code == 200
    assert await process_inbox({}, account_id) == 0
    assert len(await _events()) == 1 and len(await messages_of(org_id)) == 1


async def test_a_call_without_our_secret_is_refused_and_stores_nothing(
    telegram: FakeTelegram, client: Client, redis: Redis
) -> None:
    org_id, account_id = await _connect(telegram)
    headers, body = telegram.webhook_call("message", group_comment(101, "Поддельный"))
    wrong = {**headers, "x-telegram-bot-api-secret-token": "0" * 40}
    missing = {"content-type": "application/json"}
    for bad in (wrong, missing):
        response = await client.post(f"/hooks/{account_id}", content=body, headers=bad)
        assert response.status_code == 403
    response = await client.post(f"/hooks/{account_id}", content=b"{not json", headers=headers)
    assert response.status_code == 400
    assert await _events() == [] and await _queued_jobs(redis) == 0
    await sweep_inbox({})
    assert await messages_of(org_id) == []


async def test_accounts_that_take_no_webhooks_are_not_found(
    telegram: FakeTelegram, client: Client
) -> None:
    _, account_id = await _connect(telegram)
    headers, body = telegram.webhook_call("message", group_comment(101, "Текст"))
    for unknown in (account_id + 1, 2**40):
        response = await client.post(f"/hooks/{unknown}", content=body, headers=headers)
        assert response.status_code == 404
    await SocialAccount.update({SocialAccount.paused: True}).where(SocialAccount.id == account_id)
    response = await client.post(f"/hooks/{account_id}", content=body, headers=headers)
    assert response.status_code == 404
    assert "telegram" not in response.text and "пауз" not in response.text
    await SocialAccount.update({SocialAccount.paused: False, SocialAccount.is_active: False}).where(
        SocialAccount.id == account_id
    )
    assert (
        await client.post(f"/hooks/{account_id}", content=body, headers=headers)
    ).status_code == 404
    await SocialAccount.update(
        {SocialAccount.is_active: True, SocialAccount.mode: "longpoll"}
    ).where(SocialAccount.id == account_id)
    assert (
        await client.post(f"/hooks/{account_id}", content=body, headers=headers)
    ).status_code == 404
    assert await _events() == []


async def test_an_oversized_body_is_refused(telegram: FakeTelegram, client: Client) -> None:
    _, account_id = await _connect(telegram)
    headers, _ = telegram.webhook_call("message", group_comment(101, "Текст"))
    big = b'{"update_id": 1, "pad": "' + b"x" * MAX_HOOK_BODY_BYTES + b'"}'
    response = await client.post(f"/hooks/{account_id}", content=big, headers=headers)
    assert response.status_code == 413
    assert await _events() == []


async def test_a_failed_store_is_retried(
    telegram: FakeTelegram, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    org_id, account_id = await _connect(telegram)
    headers, body = telegram.webhook_call("message", group_comment(101, "Нет воды"))
    assert (await client.post(f"/hooks/{account_id}", content=body, headers=headers)).is_success
    real = accounts.messages.intake_message

    async def database_went_away(*args: Any, **kwargs: Any) -> tuple[int, bool]:
        raise ConnectionResetError("database went away")

    monkeypatch.setattr(accounts.messages, "intake_message", database_went_away)
    assert await process_inbox({}, account_id) == 0
    [event] = await _events()
    assert event["processed_at"] is None and event["attempts"] == 1 and event["last_error"]
    account = await account_row(account_id)
    assert "Сбой при сохранении" in account["last_error"]
    [health] = await accounts_health()
    assert health.inbox_pending == 1  # shown on «Аккаунты» and by `otklik connectors`
    monkeypatch.setattr(accounts.messages, "intake_message", real)
    assert await sweep_inbox({}) == 1  # the minute's sweep catches it
    assert [m["text"] for m in await messages_of(org_id)] == ["Нет воды"]
    [event] = await _events()
    assert event["processed_at"] is not None and event["last_error"] == ""
    account = await account_row(account_id)
    assert account["last_error"] == ""
    assert [h.inbox_pending for h in await accounts_health()] == [0]


async def test_a_row_another_worker_holds_is_skipped(
    telegram: FakeTelegram, client: Client
) -> None:
    org_id, account_id = await _connect(telegram)
    headers, body = telegram.webhook_call("message", group_comment(101, "Сломана скамейка"))
    assert (await client.post(f"/hooks/{account_id}", content=body, headers=headers)).is_success
    other = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        transaction = other.transaction()
        await transaction.start()
        await other.execute("SELECT id FROM network_event FOR UPDATE")  # another worker's lock
        assert await process_inbox({}, account_id) == 0
        await transaction.rollback()
    finally:
        await other.close()
    assert await messages_of(org_id) == []
    assert await process_inbox({}, account_id) == 1
    assert len(await messages_of(org_id)) == 1


async def test_the_plumbing_serves_any_network_max_without_event_ids(client: Client) -> None:
    """MAX's updates carry no event id: distinct updates are kept apart by their content,
    a repeated one is still kept once."""
    for fake in serve(FakeMax()):
        org_id = await organisation_id_by_slug("penza")
        account_id, _ = await connect_account(
            org_id, "max", str(MAX_CHAT_ID), fake.token, fake.base_url, mode="webhook"
        )
        [subscription] = fake.subscriptions
        assert subscription["url"] == f"{PUBLIC_URL}/hooks/{account_id}"
        headers = {"x-max-bot-api-secret": subscription["secret"]}
        first = json.dumps(created(chat_message("mid.h1", "Первое"))).encode()
        second = json.dumps(created(chat_message("mid.h2", "Второе"))).encode()
        for body in (first, second, first):  # the first one repeated
            response = await client.post(f"/hooks/{account_id}", content=body, headers=headers)
            assert response.status_code == 200
        assert len(await _events()) == 2
        assert await process_inbox({}, account_id) == 2
        assert [m["text"] for m in await messages_of(org_id)] == ["Первое", "Второе"]
