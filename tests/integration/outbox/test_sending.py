"""«Разместить через …» in the services and the worker: queued, posted once into the fake
Telegram and recorded when it confirms; refused posts retried with backoff; an attempt of
unknown outcome never repeated blindly; the publisher told when it keeps failing (issue #14)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app.cases import actions as cases
from app.cases.publication import network_publishing
from app.connectors.registry import CONNECTORS
from app.core import clock
from app.db.tables import Notification, Organisation, Publication, SocialAccount
from app.domain.lifecycle import DraftKind
from app.domain.outbox import UNCONFIRMED_RU
from app.outbox import queue
from app.outbox.sending import deliver, publish_through_network
from app.outbox.watch import outbox_pass
from tasks.outbox import deliver_reply
from tests.integration.cases_helpers import Clock, message, org_id, person
from tests.integration.connectors.fake_telegram import GROUP_ID, FakeTelegram
from tests.integration.outbox.helpers import (
    approve_draft,
    approved_telegram_case,
    assignment,
    connect,
    outgoing,
    publisher,
    telegram,
)
from tests.integration.services_helpers import routed_case, version_of

pytestmark = pytest.mark.usefixtures("demo")
__all__ = ["telegram"]  # the fixture, for pytest

FORBIDDEN = (403, "Forbidden: bot was kicked from the supergroup chat")


async def _queue(slug: str = "penza") -> tuple[int, int]:
    """An approved answer queued by its publisher: (assignment id, outgoing id)."""
    _, assignment_id = await approved_telegram_case(slug)
    who = await publisher(slug)
    outgoing_id = await publish_through_network(who, assignment_id, await version_of(assignment_id))
    return assignment_id, outgoing_id


async def _publications(assignment_id: int) -> list[dict]:
    return await Publication.select().where(Publication.assignment == assignment_id)


async def _open_steps(assignment_id: int) -> list[str]:
    case = await message((await assignment(assignment_id))["message"])
    return [d["step"] for d in case["deadlines"] if d["assignment_id"] == assignment_id]


async def test_the_worker_posts_once_and_records_the_publication(telegram: FakeTelegram) -> None:
    account_id = await connect(telegram)
    assignment_id, outgoing_id = await _queue()
    row = await outgoing(assignment_id)
    assert row["state"] == "queued" and row["key"] == f"otklik-draft-{row['draft']}"
    assert row["thread"] == f"{GROUP_ID}:101" and row["text"] == "Вывезут завтра."
    # Not yet published: the network has not confirmed, the answer's clock still runs
    # (Penza p.10: until the answer is placed).
    assert (await assignment(assignment_id))["state"] == "approved"
    assert await _publications(assignment_id) == []
    assert await _open_steps(assignment_id) == ["answer"]

    assert await deliver_reply({}, outgoing_id) == "posted"
    assert telegram.sent == [
        {"chat_id": GROUP_ID, "text": "Вывезут завтра.", "reply_parameters": {"message_id": 101}}
    ]
    [posted] = await _publications(assignment_id)
    assert posted["external_id"] == f"{GROUP_ID}:9001"
    assert posted["url"] == f"https://t.me/c/{str(GROUP_ID)[4:]}/9001"
    assert posted["account"] == account_id and posted["kind"] == "final"
    assert posted["published_by"] == (await publisher()).user_id
    assert (await assignment(assignment_id))["state"] == "done"
    assert await _open_steps(assignment_id) == []
    row = await outgoing(assignment_id)
    assert row["state"] == "posted" and row["reply_url"] == posted["url"]

    # A second job for the same reply, and the minute pass, post nothing more.
    assert await deliver_reply({}, outgoing_id) == "not_due"
    await outbox_pass()
    assert len(telegram.sent) == 1 and len(await _publications(assignment_id)) == 1


async def test_a_refused_post_is_retried_with_backoff_and_posted_once(
    telegram: FakeTelegram,
) -> None:
    await connect(telegram)
    moving = Clock(clock.now())
    telegram.refusals = [FORBIDDEN, (429, "Too Many Requests: retry after 5")]
    assignment_id, outgoing_id = await _queue()
    start = moving.now

    assert await deliver(outgoing_id) == "refused"
    row = await outgoing(assignment_id)
    assert row["state"] == "failed" and row["attempts"] == 1
    assert row["last_error"].startswith("Telegram ответил: доступ запрещён (403)")
    assert row["next_attempt_at"] == start + timedelta(minutes=1)
    assert (await outbox_pass()).delivered == {}  # not due yet

    moving.advance(minutes=1)
    assert (await outbox_pass()).delivered == {"refused": 1}
    row = await outgoing(assignment_id)
    assert row["attempts"] == 2 and "слишком много запросов" in row["last_error"]
    assert row["next_attempt_at"] == moving.now + timedelta(minutes=2)  # 1, 2, 4 … minutes

    moving.advance(minutes=1)
    assert (await outbox_pass()).delivered == {}
    moving.advance(minutes=1)
    assert (await outbox_pass()).delivered == {"posted": 1}
    sends = [m for m, _ in telegram.requests if m == "sendMessage"]
    assert len(sends) == 3 and len(telegram.sent) == 1
    assert len(await _publications(assignment_id)) == 1
    assert (await outgoing(assignment_id))["last_error"] == ""


async def test_an_attempt_cut_off_mid_call_is_not_repeated_blindly(
    telegram: FakeTelegram,
) -> None:
    await connect(telegram)
    moving = Clock(clock.now())
    assignment_id, outgoing_id = await _queue()
    # A worker took the reply (stored `posting`) and died before Telegram answered.
    assert await queue.claim(outgoing_id, moving.now) is not None
    moving.advance(minutes=4)
    assert (await outbox_pass()).cut_off == 0
    moving.advance(minutes=2)
    assert (await outbox_pass()).cut_off == 1
    row = await outgoing(assignment_id)
    assert row["state"] == "failed" and row["next_attempt_at"] is None
    assert row["last_error"] == UNCONFIRMED_RU
    moving.advance(hours=2)
    await outbox_pass()
    assert telegram.sent == []

    # A person looked at the thread and presses «Повторить»: posted once, recorded.
    who = await publisher()
    again = await publish_through_network(who, assignment_id, await version_of(assignment_id))
    assert again == outgoing_id
    assert await deliver(outgoing_id) == "posted"
    assert len(telegram.sent) == 1 and len(await _publications(assignment_id)) == 1


async def test_a_lost_answer_is_not_repeated(telegram: FakeTelegram) -> None:
    await connect(telegram)
    moving = Clock(clock.now())
    telegram.lost_answers = 1  # posted, but the gateway answered 502
    assignment_id, outgoing_id = await _queue()
    assert await deliver(outgoing_id) == "unknown"
    row = await outgoing(assignment_id)
    assert row["state"] == "failed" and row["next_attempt_at"] is None
    assert "Telegram недоступен" in row["last_error"] and UNCONFIRMED_RU in row["last_error"]
    moving.advance(hours=1)
    await outbox_pass()
    assert len(telegram.sent) == 1 and await _publications(assignment_id) == []


async def test_a_network_that_takes_the_key_is_simply_retried_after_a_cut_off(
    telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CONNECTORS["telegram"], "idempotent_publish", True, raising=False)
    await connect(telegram)
    moving = Clock(clock.now())
    assignment_id, outgoing_id = await _queue()
    assert await queue.claim(outgoing_id, moving.now) is not None
    moving.advance(minutes=6)
    result = await outbox_pass()
    assert result.cut_off == 1 and result.delivered == {"posted": 1}
    assert len(await _publications(assignment_id)) == 1


async def test_the_publisher_is_told_once_when_the_network_keeps_refusing(
    telegram: FakeTelegram,
) -> None:
    await connect(telegram)
    await Organisation.update(
        {Organisation.alert_settings: {"publication_failing_minutes": 10}}
    ).where(Organisation.id == await org_id("penza"))
    moving = Clock(clock.now())
    telegram.refusals = [FORBIDDEN] * 20
    assignment_id, outgoing_id = await _queue()
    who = await publisher()
    assert await deliver(outgoing_id) == "refused"

    async def told() -> list[dict]:
        return await Notification.select().where(
            (Notification.user == who.user_id) & (Notification.kind == "publication")
        )

    moving.advance(minutes=9)
    assert (await outbox_pass()).announced == 0
    moving.advance(minutes=2)
    assert (await outbox_pass()).announced == 1
    [note] = await told()
    assert "разместите вручную" in note["title"]
    assert "доступ запрещён" in note["body"] and "Разместите ответ вручную" in note["body"]
    assert note["url"] == f"/o/penza/cases/{(await assignment(assignment_id))['message']}"
    moving.advance(minutes=30)
    await outbox_pass()
    assert len(await told()) == 1
    assert telegram.sent == []


async def test_intermediate_answers_and_clarifications_go_the_same_way(
    telegram: FakeTelegram,
) -> None:
    await connect(telegram, "parfino")
    _, asking = await approved_telegram_case("parfino", DraftKind.CLARIFICATION)
    who = await publisher("parfino")
    outgoing_id = await publish_through_network(who, asking, await version_of(asking))
    assert await deliver(outgoing_id) == "posted"
    [posted] = await _publications(asking)
    row = await assignment(asking)
    assert posted["kind"] == "clarification" and row["state"] == "awaiting_reply"
    assert json.loads(row["pauses"])[-1]["end"] is None  # Parfino p.10: the clock pauses

    await connect(telegram, "penza")
    _, interim = await approved_telegram_case("penza", DraftKind.INTERMEDIATE, message_id=202)
    penza = await publisher("penza")
    outgoing_id = await publish_through_network(penza, interim, await version_of(interim))
    assert await deliver(outgoing_id) == "posted"
    assert (await assignment(interim))["state"] == "awaiting_final"
    assert telegram.sent[-1]["reply_parameters"] == {"message_id": 202}


async def test_the_manual_link_takes_over_unless_the_network_is_posting_now(
    telegram: FakeTelegram,
) -> None:
    await connect(telegram)
    moving = Clock(clock.now())
    assignment_id, outgoing_id = await _queue()
    who = await publisher()
    link = "https://t.me/c/1234567890/9500"
    assert await queue.claim(outgoing_id, moving.now) is not None  # the worker is posting
    with pytest.raises(cases.CaseError, match="сейчас размещается через сеть"):
        await cases.publish(who, assignment_id, await version_of(assignment_id), link)
    assert await queue.refused(outgoing_id, "Telegram ответил: доступ запрещён.", 1, moving.now)
    await cases.publish(who, assignment_id, await version_of(assignment_id), link)
    assert (await outgoing(assignment_id))["state"] == "cancelled"
    moving.advance(hours=1)
    result = await outbox_pass()
    assert result.delivered == {} and result.announced == 0
    assert [p["url"] for p in await _publications(assignment_id)] == [link]


async def test_a_queue_that_does_not_move_offers_the_manual_link_again(
    telegram: FakeTelegram,
) -> None:
    await connect(telegram)
    moving = Clock(clock.now())
    assignment_id, outgoing_id = await _queue()
    case_id = (await assignment(assignment_id))["message"]
    organisation = await org_id("penza")
    assert (await network_publishing(organisation, case_id)).sending(assignment_id)
    moving.advance(minutes=6)  # no worker took it
    shown = await network_publishing(organisation, case_id)
    assert not shown.sending(assignment_id) and shown.of(assignment_id)[0].stalled
    who = await publisher()
    link = "https://t.me/c/1234567890/9501"
    await cases.publish(who, assignment_id, await version_of(assignment_id), link)
    assert await deliver(outgoing_id) == "not_due"  # a worker that comes back posts nothing
    assert telegram.sent == [] and (await outgoing(assignment_id))["state"] == "cancelled"


async def test_only_the_publisher_of_the_organisation_may_send(telegram: FakeTelegram) -> None:
    await connect(telegram, "parfino")
    _, assignment_id = await approved_telegram_case("parfino")
    version = await version_of(assignment_id)
    specialist = await person("parfino-specialist", "parfino")  # Parfino p.15: not theirs
    with pytest.raises(cases.CaseError, match="Ответственный работник"):
        await publish_through_network(specialist, assignment_id, version)
    other = await person("penza-specialist", "penza")
    with pytest.raises(cases.CaseError, match="Поручение не найдено"):
        await publish_through_network(other, assignment_id, version)
    assert await version_of(assignment_id) == version and telegram.sent == []


async def test_a_message_not_from_a_connected_account_is_posted_by_hand(
    telegram: FakeTelegram,
) -> None:
    account_id = await connect(telegram)
    _, by_hand = await routed_case("penza", "Сообщение из системы мониторинга", network="telegram")
    await approve_draft("penza", by_hand)
    who = await publisher()
    with pytest.raises(cases.CaseError, match="не через подключённый аккаунт"):
        await publish_through_network(who, by_hand, await version_of(by_hand))
    _, assignment_id = await approved_telegram_case()
    await SocialAccount.update({SocialAccount.paused: True}).where(SocialAccount.id == account_id)
    with pytest.raises(cases.CaseError, match="не через подключённый аккаунт"):
        await publish_through_network(who, assignment_id, await version_of(assignment_id))
