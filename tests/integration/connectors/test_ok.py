"""The Odnoklassniki connector against a fake OK REST API: connect, signed calls, comments on
the group's topics, dedupe, cursor, errors, no publication (issue #14)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from app.cases import actions as cases
from app.connectors.accounts import connect_account, publish_reply
from app.connectors.base import ConnectorError
from app.connectors.runtime.polling import poll_all
from app.db.sealed import get_secret
from app.db.tables import Publication, SocialAccount
from app.domain.lifecycle import DraftKind
from app.identity.organisations import organisation_id_by_slug
from app.outbox import sending
from tests.integration.cases_helpers import person
from tests.integration.connectors.fake_ok import (
    ACCESS_TOKEN,
    APP_KEY,
    GROUP_ID,
    GROUP_NAME,
    FakeOk,
)
from tests.integration.connectors.fake_telegram import serve
from tests.integration.connectors.helpers import account_row, messages_of
from tests.integration.services_helpers import routed_case, version_of

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def fake() -> Iterator[FakeOk]:
    yield from serve(FakeOk())


async def _connect(fake: FakeOk) -> tuple[int, int]:
    org_id = await organisation_id_by_slug("penza")
    account_id, _ = await connect_account(org_id, "ok", GROUP_ID, fake.token, fake.base_url)
    return org_id, account_id


async def test_connect_signs_the_call_and_seals_the_token(fake: FakeOk) -> None:
    _, account_id = await _connect(fake)
    row = await account_row(account_id)
    assert row["name"] == GROUP_NAME
    assert await get_secret(f"network/{account_id}/token") == fake.token
    assert ACCESS_TOKEN not in str(row)
    call = fake.requests[-1]
    assert call["method"] == "group.getInfo" and call["uids"] == GROUP_ID
    assert call["application_key"] == APP_KEY and call["format"] == "json"


async def test_a_wrong_signature_or_token_is_refused_in_russian(fake: FakeOk) -> None:
    org_id = await organisation_id_by_slug("penza")
    wrong_secret = f"{ACCESS_TOKEN}:{APP_KEY}:FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
    with pytest.raises(ConnectorError, match="подпись запроса не принята"):
        await connect_account(org_id, "ok", GROUP_ID, wrong_secret, fake.base_url)
    with pytest.raises(ConnectorError, match="ACCESS_TOKEN:APPLICATION_KEY:APPLICATION_SECRET"):
        await connect_account(org_id, "ok", GROUP_ID, ACCESS_TOKEN, fake.base_url)
    with pytest.raises(ConnectorError, match="не нашли группу"):
        await connect_account(org_id, "ok", "123", fake.token, fake.base_url)
    assert await SocialAccount.count().where(SocialAccount.network == "ok") == 0


async def test_comments_on_the_groups_topics_come_in_with_their_thread(fake: FakeOk) -> None:
    org_id, _ = await _connect(fake)
    fake.add_topic("62190641299501", "График вывоза мусора на май")
    fake.add_topic("62190641299777", "Ремонт дорог")
    fake.comment("62190641299501", "c1", "А почему не вывезли во вторник?")
    fake.comment("62190641299501", "c2", "Вывезем в среду.", by_group=True)
    fake.comment("62190641299777", "c3", "Яма на Московской")
    fake.comment("62190641299501", "c4", "Спасибо, ждём")
    [result] = await poll_all()
    assert result.stored == 3 and not result.error
    first, pothole, thanks = await messages_of(org_id)
    assert [m["text"] for m in (first, pothole, thanks)] == [
        "А почему не вывезли во вторник?",
        "Яма на Московской",
        "Спасибо, ждём",
    ]
    assert first["network"] == "ok"
    assert first["external_id"] == "GROUP_TOPIC:62190641299501:c1"
    assert first["url"] == f"https://ok.ru/group/{GROUP_ID}/topic/62190641299501"
    assert first["author_name"] == "Анна Смирнова"
    assert first["author_url"] == "https://ok.ru/profile/574738291"
    assert first["thread_key"] == "62190641299501"
    thread = first["thread"] if isinstance(first["thread"], dict) else json.loads(first["thread"])
    assert thread["parent_text"] == "График вывоза мусора на май"
    later = thanks["thread"] if isinstance(thanks["thread"], dict) else json.loads(thanks["thread"])
    assert [e["text"] for e in later["earlier"]] == [
        "А почему не вывезли во вторник?",
        "Вывезем в среду.",
    ]
    methods = [r["method"] for r in fake.requests]
    assert "discussions.getList" in methods and "discussions.getComments" in methods


async def test_the_cursor_persists_and_a_replay_stores_nothing_twice(fake: FakeOk) -> None:
    org_id, account_id = await _connect(fake)
    fake.add_topic("62190641299501", "Новости")
    fake.comment("62190641299501", "c1", "Первое")
    last = fake.comment("62190641299501", "c2", "Второе")
    await poll_all()
    cursor = (await account_row(account_id))["cursor"]
    assert json.loads(cursor) == {"ms": last["date_ms"], "id": "c2"} and len(cursor) <= 200
    [again] = await poll_all()  # the same comments offered again
    assert again.stored == 0 and again.skipped == 0
    fake.comment("62190641299501", "c3", "Третье")
    [third] = await poll_all()
    assert third.stored == 1
    assert [m["text"] for m in await messages_of(org_id)] == ["Первое", "Второе", "Третье"]
    await SocialAccount.update({SocialAccount.cursor: ""}).where(SocialAccount.id == account_id)
    await poll_all()  # a lost cursor re-reads what OK offers: intake dedupes
    assert len(await messages_of(org_id)) == 3


async def test_a_backlog_is_read_page_by_page_back_to_the_cursor(fake: FakeOk) -> None:
    org_id, _ = await _connect(fake)
    fake.add_topic("62190641299501", "Новости")
    for n in range(150):
        fake.comment("62190641299501", f"c{n:03d}", f"Комментарий {n}")
    [result] = await poll_all()
    assert result.stored == 150
    anchors = [r["anchor"] for r in fake.requests if r["method"] == "discussions.getComments"]
    assert anchors == ["LAST", "50"]
    assert len(await messages_of(org_id)) == 150


async def test_errors_are_shown_in_russian_on_the_account(fake: FakeOk) -> None:
    org_id, account_id = await _connect(fake)
    fake.add_topic("62190641299501", "Новости")
    fake.comment("62190641299501", "c1", "Текст")
    fake.refuse_with = 10
    [result] = await poll_all()
    assert result.stored == 0
    assert "доступ запрещён (10)" in (await account_row(account_id))["last_error"]
    fake.refuse_with, fake.access_token = None, "revoked"
    await poll_all()
    row = await account_row(account_id)
    assert "токен не принят (102)" in row["last_error"] and row["auth_failed_at"] is not None
    assert await messages_of(org_id) == []


async def test_publishing_is_refused_and_nothing_is_recorded(fake: FakeOk) -> None:
    _, account_id = await _connect(fake)
    with pytest.raises(ConnectorError, match="Одноклассники не дают ответить через API"):
        await publish_reply(account_id, "GROUP_TOPIC:1:c1", "Ответ", "k1")
    _, assignment_id = await routed_case(
        "penza", "Когда вывезут мусор?", network="ok", external_id="GROUP_TOPIC:1:c1"
    )
    executor = await person("penza-executor", "penza")
    specialist = await person("penza-specialist", "penza")
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Вывезут завтра.")
    await cases.approve(specialist, assignment_id, await version_of(assignment_id))
    with pytest.raises(cases.CaseError, match="разместите ответ вручную"):
        await sending.publish_through_network(
            specialist, assignment_id, await version_of(assignment_id)
        )
    assert await Publication.count().where(Publication.assignment == assignment_id) == 0
