"""The MAX connector against a fake MAX Bot API: connect, intake of each update type, dedupe,
marker, errors, reply through «Разместить», webhook (issue #14)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from app.connectors.accounts import connect_account, store_item
from app.connectors.base import ConnectedAccount, ConnectorError
from app.connectors.max import MaxConnector
from app.connectors.runtime.polling import poll_all
from app.db.sealed import get_secret
from app.db.tables import Event, Publication, SocialAccount
from app.identity.organisations import organisation_id_by_slug, organisation_rules
from tests.integration.connectors.fake_max import (
    BOT,
    CHAT_ID,
    OTHER_CHAT_ID,
    FakeMax,
    bot_added,
    chat_message,
    created,
    dialog_message,
    edited,
    public_url,
    removed,
)
from tests.integration.connectors.fake_telegram import serve
from tests.integration.connectors.helpers import (
    account_row,
    approved_case,
    messages_of,
    publish_through_network,
)

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def fake() -> Iterator[FakeMax]:
    yield from serve(FakeMax())


async def _connect(fake: FakeMax) -> tuple[int, int]:
    org_id = await organisation_id_by_slug("penza")
    account_id, _ = await connect_account(org_id, "max", str(CHAT_ID), fake.token, fake.base_url)
    return org_id, account_id


async def test_connect_checks_the_bot_and_seals_the_token(fake: FakeMax) -> None:
    org_id, account_id = await _connect(fake)
    row = await account_row(account_id)
    assert row["name"] == "Отклик Пенза (@otklik_penza_bot)"
    assert await get_secret(f"network/{account_id}/token") == fake.token
    assert fake.token not in str(row)
    method, path, params = fake.requests[-1]
    assert (method, path) == ("GET", "/me") and "access_token" not in params  # header only
    with pytest.raises(ConnectorError, match="токен бота не принят"):
        await connect_account(org_id, "max", "-1", "wrong-token", fake.base_url)
    assert await SocialAccount.count().where(SocialAccount.external_id == "-1") == 0


async def test_chat_messages_and_dialogs_come_in_and_the_rest_is_left_out(fake: FakeMax) -> None:
    org_id, account_id = await _connect(fake)
    fake.push(created(chat_message("mid.a1", "Во дворе не убран снег", reply_to=("mid.p", "Пост"))))
    fake.push(created(dialog_message("mid.d1", "Когда починят фонарь?")))
    fake.push(created(chat_message("mid.o1", "Чужой чат", chat_id=OTHER_CHAT_ID)))
    fake.push(created(chat_message("mid.b1", "Ответ бота", sender=BOT)))
    fake.push(created(chat_message("mid.c1", "Пост канала", sender=None)))
    fake.push(bot_added())
    [result] = await poll_all()
    assert result.stored == 2 and not result.error
    comment, direct = await messages_of(org_id)
    assert comment["network"] == "max" and comment["external_id"] == f"{CHAT_ID}:mid.a1"
    assert comment["url"] == public_url("mid.a1") and comment["author_name"] == "Иван Петров"
    assert comment["author_external_id"] == "123456789"
    assert comment["thread_key"] == f"{CHAT_ID}:mid.p"
    assert direct["external_id"] == "182182182:mid.d1" and direct["url"] == ""
    assert direct["author_name"] == "Мария" and direct["thread_key"] == "182182182"
    method, path, params = fake.requests[-1]
    assert (method, path) == ("GET", "/updates")
    assert params["types"] == "message_created,message_edited,message_removed"
    assert params["timeout"] == "1" and params["limit"] == "100"
    assert (await account_row(account_id))["last_event_at"] is not None


async def test_edits_and_deletions_become_events(fake: FakeMax) -> None:
    org_id, _ = await _connect(fake)
    fake.push(created(chat_message("mid.a1", "Нет света")))
    await poll_all()
    fake.push(edited(chat_message("mid.a1", "Нет света третий день")))
    fake.push(removed("mid.a1"))
    await poll_all()
    [message] = await messages_of(org_id)
    assert message["text"] == "Нет света"  # what was screened stays
    assert message["deleted_in_network_at"] is not None
    kinds = [e["kind"] for e in await Event.select().where(Event.message == message["id"])]
    assert "message_edited" in kinds and "message_deleted_in_network" in kinds


async def test_a_replayed_update_is_stored_once_and_the_marker_persists(fake: FakeMax) -> None:
    org_id, account_id = await _connect(fake)
    fake.push(created(chat_message("mid.a1", "Яма на дороге")))
    last = fake.push(created(chat_message("mid.a1", "Яма на дороге")))  # delivered twice
    await poll_all()
    assert (await account_row(account_id))["cursor"] == str(last + 1)
    await poll_all()
    _, _, params = fake.requests[-1]
    assert params["marker"] == str(last + 1)
    assert len(await messages_of(org_id)) == 1


async def test_a_half_stored_page_is_read_again_from_the_old_marker(fake: FakeMax) -> None:
    org_id = await organisation_id_by_slug("penza")
    account = ConnectedAccount(0, org_id, "max", str(CHAT_ID), fake.base_url, fake.token)
    fake.push(created(chat_message("mid.a1", "Первое")))
    last = fake.push(created(chat_message("mid.a2", "Второе")))
    first, second = (await MaxConnector(poll_wait_seconds=0).fetch(account, "")).items
    assert first.cursor_after == "" and second.cursor_after == str(last + 1)
    await store_item(account, first, await organisation_rules(org_id))
    again = await MaxConnector(poll_wait_seconds=0).fetch(account, first.cursor_after)
    assert [i.raw["text"] for i in again.items] == ["Первое", "Второе"]


async def test_errors_are_shown_in_russian_on_the_account(fake: FakeMax) -> None:
    org_id, account_id = await _connect(fake)
    fake.push(created(chat_message("mid.a1", "Текст")))
    fake.fail_status = 503
    [result] = await poll_all()
    assert result.stored == 0
    assert "MAX временно недоступен (503)" in (await account_row(account_id))["last_error"]
    fake.fail_status = 429
    await poll_all()
    row = await account_row(account_id)
    assert "слишком много запросов" in row["last_error"]
    assert row["rate_limited_until"] is not None and row["rate_limit_waits"] == 1
    await SocialAccount.update({SocialAccount.rate_limited_until: None}).where(
        SocialAccount.id == account_id
    )
    fake.fail_status, fake.token = None, "revoked"
    await poll_all()
    row = await account_row(account_id)
    assert "токен бота не принят" in row["last_error"] and row["auth_failed_at"] is not None
    assert await messages_of(org_id) == []
    await SocialAccount.update({SocialAccount.api_base: "http://127.0.0.1:9"}).where(
        SocialAccount.id == account_id
    )
    await poll_all()
    assert "MAX недоступен" in (await account_row(account_id))["last_error"]


async def test_publishing_replies_to_the_citizens_message(fake: FakeMax) -> None:
    _, account_id = await _connect(fake)
    assignment_id = await approved_case("max", f"{CHAT_ID}:mid.a1")
    assert await publish_through_network(assignment_id) == "posted"
    assert fake.sent == [
        {"chat_id": CHAT_ID, "text": "Вывезут завтра.", "link": {"type": "reply", "mid": "mid.a1"}}
    ]
    [posted] = await Publication.select().where(Publication.assignment == assignment_id)
    mid = f"mid.{9001:032x}"
    assert posted["external_id"] == f"{CHAT_ID}:{mid}" and posted["url"] == public_url(mid)
    assert posted["account"] == account_id


async def test_the_webhook_checks_the_secret_and_carries_the_update(fake: FakeMax) -> None:
    org_id = await organisation_id_by_slug("penza")
    account = ConnectedAccount(1, org_id, "max", str(CHAT_ID), fake.base_url, fake.token)
    body = json.dumps(created(chat_message("mid.w1", "Через вебхук"))).encode()
    connector = MaxConnector()
    wrong = await connector.receive(account, {"x-max-bot-api-secret": "nope"}, body, "s3cr3t-1")
    assert wrong.status == 403 and wrong.items == []
    missing = await connector.receive(account, {}, body, "s3cr3t-1")
    assert missing.status == 403
    signed = {"x-max-bot-api-secret": "s3cr3t-1"}
    right = await connector.receive(account, signed, body, "s3cr3t-1")
    assert right.status == 200
    [item] = right.items
    assert item.kind == "message" and item.raw["external_id"] == f"{CHAT_ID}:mid.w1"
    deletion = json.dumps(removed("mid.w1")).encode()
    [gone] = (await connector.receive(account, signed, deletion, "s3cr3t-1")).items
    assert gone.kind == "delete"
    other = json.dumps(bot_added()).encode()
    assert (await connector.receive(account, signed, other, "s3cr3t-1")).items == []
    await connector.subscribe(account, "https://otklik.example/hooks/max/1", "s3cr3t-1")
    assert fake.subscriptions == [
        {
            "url": "https://otklik.example/hooks/max/1",
            "update_types": ["message_created", "message_edited", "message_removed"],
            "secret": "s3cr3t-1",
        }
    ]
    with pytest.raises(ConnectorError, match="Секрет вебхука MAX"):
        await connector.subscribe(account, "https://otklik.example/hooks/max/1", "a b")
