"""The author's reply after a clarification, read from the fake Telegram, resumes the case
(Parfino p.10; Penza p.11) — only the same author's, only in the same thread (issue #14)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.db.tables import Event, Message, Notification, User
from app.domain.lifecycle import DraftKind
from app.outbox.sending import deliver, publish_through_network
from tasks.connectors import poll_connectors
from tests.integration.cases_helpers import org_id
from tests.integration.connectors.fake_telegram import (
    GROUP_ID,
    FakeTelegram,
    direct_message,
    group_comment,
    reply_to_bot,
)
from tests.integration.outbox.helpers import (
    approve_draft,
    assignment,
    connect,
    publisher,
    telegram,
)
from tests.integration.services_helpers import route_message, version_of

pytestmark = pytest.mark.usefixtures("demo")
__all__ = ["telegram"]  # the fixture, for pytest


async def _polled(slug: str) -> list[dict[str, Any]]:
    await poll_connectors({})
    return (
        await Message.select()
        .where(Message.organisation == await org_id(slug))
        .order_by(Message.id)
    )


async def _clarification_posted(telegram: FakeTelegram, slug: str) -> int:
    """The citizen's comment 101 under the channel post, routed; the clarification request
    approved and posted through the bot (message 9001); the assignment's id."""
    await connect(telegram, slug)
    telegram.push("message", group_comment(101, "Во дворе не убран снег"))
    [case] = await _polled(slug)
    assert case["thread_key"] == f"{GROUP_ID}:10" and case["author_external_id"] == "42"
    assignment_id = await route_message(slug, case["id"])
    await approve_draft(slug, assignment_id, DraftKind.CLARIFICATION, "Уточните адрес.")
    who = await publisher(slug)
    outgoing_id = await publish_through_network(who, assignment_id, await version_of(assignment_id))
    assert await deliver(outgoing_id) == "posted"
    assert (await assignment(assignment_id))["state"] == "awaiting_reply"
    return assignment_id


async def _executor_notes(slug: str) -> list[dict[str, Any]]:
    user = await User.select(User.id).where(User.login == f"{slug}-executor").first()
    assert user is not None
    return await Notification.select().where(
        (Notification.user == user["id"]) & (Notification.kind == "author_reply")
    )


async def test_the_authors_answer_to_the_bot_resumes_the_paused_case(
    telegram: FakeTelegram,
) -> None:
    assignment_id = await _clarification_posted(telegram, "parfino")
    row = await assignment(assignment_id)
    assert json.loads(row["pauses"])[-1]["end"] is None

    # Someone else in the same thread, and the author under another post: not the reply.
    telegram.push("message", group_comment(102, "И у нас не убран", user_id=77))
    telegram.push("message", group_comment(103, "А на Мира тоже", forward_id=20))
    await _polled("parfino")
    assert (await assignment(assignment_id))["state"] == "awaiting_reply"
    assert await _executor_notes("parfino") == []

    # The author answers the bot's clarification.
    telegram.push("message", reply_to_bot(104, "Дом 5, подъезд 2", 9001))
    messages = await _polled("parfino")
    assert messages[-1]["thread_key"] == f"{GROUP_ID}:9001"
    row = await assignment(assignment_id)
    assert row["state"] == "assigned"
    assert all(p["end"] for p in json.loads(row["pauses"]))  # the answer clock resumes
    [event] = await Event.select().where(
        (Event.assignment == assignment_id) & (Event.kind == "reply_recorded")
    )
    assert event["actor"] is None and event["actor_role"] == "connector"
    assert event["comment"].startswith("Дом 5, подъезд 2 (https://t.me/c/")
    [note] = await _executor_notes("parfino")
    assert "Дом 5, подъезд 2" in note["body"] and note["message"] == row["message"]


async def test_a_new_comment_of_the_author_in_the_same_thread_is_the_reply(
    telegram: FakeTelegram,
) -> None:
    assignment_id = await _clarification_posted(telegram, "penza")
    telegram.push("message", direct_message(7, "Ул. Ленина, 5", user_id=42))  # not the thread
    await _polled("penza")
    assert (await assignment(assignment_id))["state"] == "awaiting_reply"
    telegram.push("message", group_comment(105, "Это у дома 5 по ул. Ленина"))
    await _polled("penza")
    assert (await assignment(assignment_id))["state"] == "assigned"
    assert len(await _executor_notes("penza")) == 1
