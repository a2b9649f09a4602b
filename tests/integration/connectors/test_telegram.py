"""The Telegram connector against a fake Bot API: intake, dedupe, cursor, edits, errors,
publication (issue #14)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.connectors import accounts
from app.connectors.accounts import connect_account, poll_all, publish_reply
from app.connectors.base import ConnectorError
from app.db.sealed import get_secret
from app.db.tables import Event, Organisation, SocialAccount
from app.identity.organisations import organisation_id_by_slug
from tests.integration.connectors.fake_telegram import (
    GROUP_ID,
    FakeTelegram,
    direct_message,
    group_comment,
    serve,
)
from tests.integration.connectors.helpers import account_row, messages_of

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    yield from serve(FakeTelegram())


async def _connect(telegram: FakeTelegram, slug: str = "penza") -> tuple[int, int]:
    org_id = await organisation_id_by_slug(slug)
    account_id, _ = await connect_account(
        org_id, "telegram", str(GROUP_ID), telegram.token, telegram.base_url
    )
    return org_id, account_id


async def test_connect_checks_the_bot_and_seals_the_token(telegram: FakeTelegram) -> None:
    org_id = await organisation_id_by_slug("penza")
    account_id, name = await connect_account(
        org_id, "telegram", str(GROUP_ID), telegram.token, telegram.base_url
    )
    assert name == "Отклик Пенза (@otklik_penza_bot)"
    row = await account_row(account_id)
    assert row["name"] == name and row["mode"] == "longpoll" and row["api_base"]
    assert await get_secret(f"network/{account_id}/token") == telegram.token
    assert telegram.token not in str(row)
    org = await Organisation.select().where(Organisation.id == org_id).first()
    assert org is not None and "telegram" in org["enabled_networks"]


async def test_comment_and_direct_message_land_in_new_of_the_right_org(
    telegram: FakeTelegram,
) -> None:
    org_id, account_id = await _connect(telegram)
    other_id = await organisation_id_by_slug("parfino")
    telegram.push("message", group_comment(101, "Во дворе на Ленина 5 не убран снег"))
    telegram.push("message", direct_message(7, "Когда починят фонарь?"))
    results = await poll_all()
    assert [r.stored for r in results] == [2]
    stored = await messages_of(org_id)
    assert [m["text"] for m in stored] == [
        "Во дворе на Ленина 5 не убран снег",
        "Когда починят фонарь?",
    ]
    comment, direct = stored
    assert comment["network"] == "telegram" and comment["state"] == "collected"
    assert comment["external_id"] == f"{GROUP_ID}:101"
    assert comment["url"] == f"https://t.me/c/{str(GROUP_ID)[4:]}/101"
    assert comment["author_name"] == "Иван Петров"
    assert comment["author_url"] == "https://t.me/ivan_petrov"
    assert direct["external_id"] == "43:7"
    assert await messages_of(other_id) == []
    method, payload = telegram.requests[-1]
    assert method == "getUpdates"
    assert payload["allowed_updates"] == ["message", "edited_message"]
    assert (await account_row(account_id))["last_event_at"] is not None


async def test_the_same_message_delivered_twice_is_stored_once(telegram: FakeTelegram) -> None:
    org_id, _ = await _connect(telegram)
    telegram.push("message", group_comment(101, "Яма на дороге"))
    telegram.push("message", group_comment(101, "Яма на дороге"))  # a replayed delivery
    await poll_all()
    telegram.push("message", group_comment(101, "Яма на дороге"))
    await poll_all()
    assert len(await messages_of(org_id)) == 1


async def test_the_cursor_persists_and_a_second_poll_does_not_reread(
    telegram: FakeTelegram,
) -> None:
    org_id, account_id = await _connect(telegram)
    telegram.push("message", group_comment(101, "Первое"))
    last = telegram.push("message", group_comment(102, "Второе"))
    await poll_all()
    assert (await account_row(account_id))["cursor"] == str(last + 1)
    await poll_all()
    method, payload = telegram.requests[-1]
    assert method == "getUpdates" and payload["offset"] == last + 1
    assert len(await messages_of(org_id)) == 2


async def test_a_pass_failing_half_way_keeps_what_it_stored_and_loses_nothing(
    telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    org_id, account_id = await _connect(telegram)
    first = telegram.push("message", group_comment(101, "Первое"))
    telegram.push("message", group_comment(102, "Второе"))
    telegram.push("message", group_comment(103, "Третье"))
    real = accounts.messages.intake_message
    calls = 0

    async def fails_on_the_second(*args: Any, **kwargs: Any) -> tuple[int, bool]:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionResetError("database went away")
        return await real(*args, **kwargs)

    monkeypatch.setattr(accounts.messages, "intake_message", fails_on_the_second)
    [result] = await poll_all()
    assert result.stored == 1 and "Сбой при сохранении" in result.error
    row = await account_row(account_id)
    assert row["cursor"] == str(first + 1) and row["last_error"]
    monkeypatch.setattr(accounts.messages, "intake_message", real)
    [result] = await poll_all()
    assert result.stored == 2 and not result.error
    assert [m["text"] for m in await messages_of(org_id)] == ["Первое", "Второе", "Третье"]
    assert (await account_row(account_id))["last_error"] == ""


async def test_an_edit_becomes_an_edit_event(telegram: FakeTelegram) -> None:
    org_id, _ = await _connect(telegram)
    telegram.push("message", group_comment(101, "Нет света"))
    await poll_all()
    edited = {**group_comment(101, "Нет света третий день"), "edit_date": 1_800_000_000}
    telegram.push("edited_message", edited)
    await poll_all()
    [message] = await messages_of(org_id)
    assert message["text"] == "Нет света"  # what was screened stays
    edits = await Event.select().where(
        (Event.message == message["id"]) & (Event.kind == "message_edited")
    )
    assert [e["comment"] for e in edits] == ["Нет света третий день"]


async def test_a_wrong_token_stores_nothing_and_shows_a_russian_error(
    telegram: FakeTelegram,
) -> None:
    org_id = await organisation_id_by_slug("penza")
    with pytest.raises(ConnectorError, match="токен бота не принят"):
        await connect_account(org_id, "telegram", str(GROUP_ID), "1:wrong", telegram.base_url)
    assert await SocialAccount.count().where(SocialAccount.network == "telegram") == 0
    # A token revoked after connecting: the account says so and nothing comes in.
    _, account_id = await _connect(telegram)
    telegram.push("message", group_comment(101, "Текст"))
    telegram.token = "7000001:AAH-new-token"
    [result] = await poll_all()
    assert result.stored == 0
    assert "токен бота не принят" in (await account_row(account_id))["last_error"]
    assert await messages_of(org_id) == []


async def test_publish_replies_to_the_citizens_message(telegram: FakeTelegram) -> None:
    org_id, account_id = await _connect(telegram)
    telegram.push("message", group_comment(101, "Когда уберут мусор?"))
    await poll_all()
    [message] = await messages_of(org_id)
    reply_id, url = await publish_reply(account_id, message["external_id"], "Уберут завтра.", "k1")
    [sent] = telegram.sent
    assert sent["chat_id"] == GROUP_ID and sent["text"] == "Уберут завтра."
    assert sent["reply_parameters"] == {"message_id": 101}
    assert reply_id == f"{GROUP_ID}:9001"
    assert url == f"https://t.me/c/{str(GROUP_ID)[4:]}/9001"
