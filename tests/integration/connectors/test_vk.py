"""The VK connector against a fake VK API: connecting, intake of each event type by Bots
Long Poll, thread context, dedupe, cursor, `failed` 1/2/3 and errors (issue #14)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from app.connectors import accounts
from app.connectors.accounts import connect_account, poll_all
from app.connectors.base import ConnectorError, reading_key_name
from app.connectors.vk import API_VERSION
from app.db.json_columns import json_value
from app.db.sealed import get_secret, put_secret
from app.db.tables import Event, Organisation, SocialAccount
from app.identity.organisations import organisation_id_by_slug
from tests.integration.connectors.fake_vk import BIG_PHOTO, GROUP, GROUP_ID, WALL, FakeVk, serve
from tests.integration.connectors.helpers import account_row, messages_of

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def vk() -> Iterator[FakeVk]:
    yield from serve(FakeVk())


async def _connect(vk: FakeVk, *, service: bool = True) -> tuple[int, int]:
    """Connect the community (with the app's service key unless told not to) and make the
    first pass, which opens the long-poll session: events count from there, as in VK."""
    org_id = await organisation_id_by_slug("penza")
    account_id, _ = await connect_account(org_id, "vk", str(GROUP_ID), vk.token, vk.base_url)
    if service:
        await put_secret(reading_key_name(account_id), vk.service_token)
    [result] = await poll_all()
    assert result.error == ""
    return org_id, account_id


def _calls(vk: FakeVk, method: str) -> list[dict[str, str]]:
    return [params for name, params in vk.requests if name == method]


async def test_connect_checks_the_community_and_seals_the_token(vk: FakeVk) -> None:
    org_id = await organisation_id_by_slug("penza")
    account_id, name = await connect_account(org_id, "vk", str(GROUP_ID), vk.token, vk.base_url)
    assert name == GROUP["name"]
    row = await account_row(account_id)
    assert row["name"] == name and row["api_base"] == vk.base_url
    assert await get_secret(f"network/{account_id}/token") == vk.token
    assert vk.token not in str(row)
    org = await Organisation.select().where(Organisation.id == org_id).first()
    assert org is not None and "vk" in org["enabled_networks"]
    assert {p["v"] for _, p in vk.requests} == {API_VERSION}
    refusals = [
        (vk.token + "x", str(GROUP_ID), vk.base_url, "токен сообщества не принят"),
        (vk.token, "218000002", vk.base_url, "ключ доступа другого сообщества"),
        (vk.token, f"-{GROUP_ID}", vk.base_url, "положительное число"),
        (vk.token, str(GROUP_ID), "http://127.0.0.1:9", "ВКонтакте недоступен"),
    ]
    for token, community, base, said in refusals:
        with pytest.raises(ConnectorError, match=said):
            await connect_account(org_id, "vk", community, token, base)
    assert await SocialAccount.count().where(SocialAccount.network == "vk") == 1


async def test_comments_posts_and_direct_messages_come_in_with_their_thread(vk: FakeVk) -> None:
    org_id, account_id = await _connect(vk)
    post = vk.post("Ремонт дороги на улице Мира начнётся в мае")  # the community's own
    first = vk.comment(post, "Когда отремонтируют двор дома 5?", from_id=1001, photo=True)
    vk.comment(post, "Ответим в течение дня.", from_id=WALL)  # the community's own
    vk.comment(post, "   ")
    second = vk.comment(post, "И у нас во дворе яма", from_id=1003)
    citizen = vk.post("Прошу убрать мусор у дома 7", from_id=1002, post_type="suggest")
    direct = vk.direct("Здравствуйте, не горит фонарь", from_id=1002)
    [result] = await poll_all()
    assert (result.stored, result.error) == (4, "")
    comment, other, wall_post, message = await messages_of(org_id)
    assert comment["external_id"] == f"{WALL}_{post}_{first}"
    assert comment["url"] == f"https://vk.com/wall{WALL}_{post}?reply={first}"
    assert comment["author_name"] == "Иван Петров"
    assert comment["author_url"] == "https://vk.com/id1001"
    assert comment["author_external_id"] == "1001" and comment["posted_at"] is not None
    assert json_value(comment["attachments"]) == [{"url": BIG_PHOTO, "kind": "photo", "name": ""}]
    assert comment["thread_key"] == f"{WALL}_{post}"
    assert json_value(other["thread"]) == {
        "parent_text": "Ремонт дороги на улице Мира начнётся в мае",
        "parent_url": f"https://vk.com/wall{WALL}_{post}",
        "earlier": [
            {"author": "Иван Петров", "text": "Когда отремонтируют двор дома 5?"},
            {"author": GROUP["name"], "text": "Ответим в течение дня."},
        ],
    }
    assert other["author_name"] == "Олег Смирнов" and other["external_id"].endswith(f"_{second}")
    assert wall_post["external_id"] == f"{WALL}_{citizen}"
    assert wall_post["url"] == f"https://vk.com/wall{WALL}_{citizen}"
    assert wall_post["author_name"] == "Мария Сидорова"
    assert message["external_id"] == f"dm:1002:{direct}"
    assert message["url"] == f"https://vk.com/gim{GROUP_ID}?sel=1002"
    assert message["thread_key"] == "dm:1002" and message["author_name"] == "Мария Сидорова"
    assert len(_calls(vk, "users.get")) == 1 and len(_calls(vk, "wall.getById")) == 1
    assert all(p["access_token"] == vk.service_token for p in _calls(vk, "wall.getComments"))
    assert (await account_row(account_id))["last_event_at"] is not None


async def test_without_the_service_key_comments_come_in_without_the_post_text(
    vk: FakeVk,
) -> None:
    org_id, _ = await _connect(vk, service=False)
    post = vk.post("Новости администрации")
    vk.comment(post, "Когда откроют каток?", from_id=1001)
    [result] = await poll_all()
    assert (result.stored, result.error) == (1, "")
    [comment] = await messages_of(org_id)
    assert comment["author_name"] == "Иван Петров" and comment["thread_key"] == f"{WALL}_{post}"
    assert json_value(comment["thread"])["parent_url"] == f"https://vk.com/wall{WALL}_{post}"
    assert json_value(comment["thread"])["parent_text"] == ""
    assert not [m for m, _ in vk.requests if m.startswith("wall.")]  # the community key can't


async def test_an_edit_becomes_an_edit_event_and_a_deletion_marks_the_message(
    vk: FakeVk,
) -> None:
    org_id, _ = await _connect(vk)
    post = vk.post("Новости")
    comment_id = vk.comment(post, "Нет света")
    await poll_all()
    vk.edit_comment(post, comment_id, "Нет света третий день")
    await poll_all()
    [message] = await messages_of(org_id)
    assert message["text"] == "Нет света" and message["deleted_in_network_at"] is None
    edits = await Event.select().where(
        (Event.message == message["id"]) & (Event.kind == "message_edited")
    )
    assert [e["comment"] for e in edits] == ["Нет света третий день"]
    vk.delete_comment(post, comment_id)
    await poll_all()
    [message] = await messages_of(org_id)
    assert message["deleted_in_network_at"] is not None and message["text"] == "Нет света"
    deleted = Event.count().where(
        (Event.message == message["id"]) & (Event.kind == "message_deleted_in_network")
    )
    assert await deleted == 1


async def test_the_cursor_is_ts_and_a_replayed_long_poll_stores_nothing_twice(
    vk: FakeVk,
) -> None:
    org_id, account_id = await _connect(vk)
    start = (await account_row(account_id))["cursor"]
    post = vk.post("Новости")
    vk.comment(post, "Первое")
    vk.comment(post, "Второе")
    await poll_all()
    assert (await account_row(account_id))["cursor"] == str(vk.seq)
    await poll_all()
    assert _calls(vk, "a_check")[-1]["ts"] == str(vk.seq)
    assert _calls(vk, "a_check")[-1]["wait"] == "1"
    # The ts did not move (e.g. restored from an older backup): VK replays the events.
    await SocialAccount.update({SocialAccount.cursor: start}).where(SocialAccount.id == account_id)
    [result] = await poll_all()
    assert result.error == "" and _calls(vk, "a_check")[-1]["ts"] == start
    assert [m["text"] for m in await messages_of(org_id)] == ["Первое", "Второе"]
    collected = Event.count().where(
        (Event.organisation == org_id) & (Event.kind == "message_collected")
    )
    assert await collected == 2


async def test_a_crash_between_storing_and_moving_the_cursor_duplicates_nothing(
    vk: FakeVk, monkeypatch: pytest.MonkeyPatch
) -> None:
    org_id, account_id = await _connect(vk)
    start = (await account_row(account_id))["cursor"]
    post = vk.post("Новости")
    for text in ("Первое", "Второе", "Третье"):
        vk.comment(post, text)
    real = accounts._move_cursor

    async def crash(*args: Any) -> None:
        raise ConnectionResetError("the worker was killed")

    monkeypatch.setattr(accounts, "_move_cursor", crash)
    [result] = await poll_all()
    assert result.stored == 1 and "Сбой при сохранении" in result.error
    assert (await account_row(account_id))["cursor"] == start
    assert [m["text"] for m in await messages_of(org_id)] == ["Первое"]
    monkeypatch.setattr(accounts, "_move_cursor", real)
    [result] = await poll_all()
    assert result.error == ""
    assert [m["text"] for m in await messages_of(org_id)] == ["Первое", "Второе", "Третье"]
    assert (await account_row(account_id))["cursor"] == str(vk.seq)


async def test_an_expired_key_gets_a_new_one_and_keeps_the_ts(vk: FakeVk) -> None:
    org_id, account_id = await _connect(vk)
    cursor = (await account_row(account_id))["cursor"]
    post = vk.post("Новости")
    vk.comment(post, "Яма на дороге")
    vk.expire_key()
    sessions = len(_calls(vk, "groups.getLongPollServer"))
    [result] = await poll_all()
    assert (result.stored, result.error) == (1, "")
    assert len(_calls(vk, "groups.getLongPollServer")) == sessions + 1
    assert [c["ts"] for c in _calls(vk, "a_check")[-2:]] == [cursor, cursor]
    assert len(await messages_of(org_id)) == 1


async def test_lost_history_is_backfilled_from_the_latest_posts(
    vk: FakeVk, caplog: pytest.LogCaptureFixture
) -> None:
    org_id, _ = await _connect(vk)
    post = vk.post("Новости")
    vk.comment(post, "До перерыва")
    await poll_all()
    vk.comment(post, "Во время перерыва")
    vk.lose_history()  # failed 1: the events so far are gone from the long poll
    vk.comment(post, "После перерыва")
    with caplog.at_level(logging.WARNING, "otklik.connectors.vk"):
        [result] = await poll_all()
    assert result.error == ""
    assert sorted(m["text"] for m in await messages_of(org_id)) == [
        "Во время перерыва",
        "До перерыва",
        "После перерыва",
    ]
    assert "long-poll history lost (failed 1); re-read 4 comments and posts" in caplog.text


async def test_without_the_service_key_lost_history_is_logged_not_backfilled(
    vk: FakeVk, caplog: pytest.LogCaptureFixture
) -> None:
    org_id, _ = await _connect(vk, service=False)
    post = vk.post("Новости")
    vk.comment(post, "Во время перерыва")
    vk.lose_history()
    vk.comment(post, "После перерыва")
    with caplog.at_level(logging.WARNING, "otklik.connectors.vk"):
        [result] = await poll_all()
    assert result.error == ""
    assert [m["text"] for m in await messages_of(org_id)] == ["После перерыва"]
    assert "cannot be backfilled without the VK app's service key" in caplog.text


async def test_a_lost_session_gets_a_new_key_and_ts_and_backfills(vk: FakeVk) -> None:
    org_id, _ = await _connect(vk)
    post = vk.post("Новости")
    vk.comment(post, "Во время сбоя")
    vk.lose_session()  # failed 3
    vk.comment(post, "После сбоя")
    sessions = len(_calls(vk, "groups.getLongPollServer"))
    [result] = await poll_all()
    assert result.error == ""
    assert len(_calls(vk, "groups.getLongPollServer")) == sessions + 1
    assert [m["text"] for m in await messages_of(org_id)] == ["Во время сбоя", "После сбоя"]


async def test_refusals_show_on_the_account_in_russian(vk: FakeVk) -> None:
    org_id, account_id = await _connect(vk)
    vk.comment(vk.post("Новости"), "Текст")
    token, vk.token = vk.token, "vk1.a.revoked"  # revoked: its long-poll key goes with it
    vk.expire_key()
    [result] = await poll_all()
    assert result.stored == 0
    error = (await account_row(account_id))["last_error"]
    assert "токен сообщества не принят — проверьте токен" in error
    assert (await account_row(account_id))["auth_failed_at"] is not None
    assert await messages_of(org_id) == []
    vk.token = token
    vk.refusals["groups.getLongPollServer"] = 29
    [result] = await poll_all()
    assert "слишком много запросов — повторим позже" in result.error
    row = await account_row(account_id)
    assert row["rate_limited_until"] is not None and row["rate_limit_waits"] == 1
    assert await poll_all() == []  # the method's daily limit: not asked again meanwhile
    await SocialAccount.update({SocialAccount.rate_limited_until: None}).where(
        SocialAccount.id == account_id
    )
    [result] = await poll_all()
    assert (result.stored, result.error) == (1, "")
    assert (await account_row(account_id))["last_error"] == ""
