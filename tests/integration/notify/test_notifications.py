"""Notifications: the bell's count, the list, mark as read, preferences, the live channel, and
e-mail through a real SMTP server (aiosmtpd on 127.0.0.1) with retries and backoff."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import os
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from redis.asyncio import Redis

from app.core.config import get_settings
from app.db.tables import Notification, User
from app.notify import mailer
from app.notify.notifications import (
    Kind,
    NewNotification,
    create_notifications,
    list_notifications,
    mark_read,
    preferences,
    set_preference,
    unread_count,
)
from tests.integration.cases_helpers import MSK, Clock
from tests.integration.timers_helpers import (
    penza_case,
    pooled,  # noqa: F401 — fixture
    sweep_at,
    user_id,
)

pytestmark = pytest.mark.usefixtures("demo")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=MSK)


def note(user: int, key: str, kind: Kind = Kind.DEADLINE) -> NewNotification:
    return NewNotification(user, kind, f"Заголовок {key}", "Текст", "/o/penza/cases/1", key)


async def test_unread_count_list_and_mark_read() -> None:
    Clock(at(17, 10))
    me, other = await user_id("penza-specialist"), await user_id("penza-executor")
    created = await create_notifications([note(me, "a"), note(me, "b"), note(other, "c")])
    assert len(created) == 3
    assert await create_notifications([note(me, "a")]) == []  # the same key: nothing new
    assert await unread_count(me) == 2
    listed = await list_notifications(me)
    assert [n.title for n in listed] == ["Заголовок b", "Заголовок a"] and listed[0].unread
    assert await mark_read(me, [listed[1].id, created[2]]) == 1  # another's id is ignored
    assert await unread_count(me) == 1 and await unread_count(other) == 1
    assert [n.title for n in await list_notifications(me, unread_only=True)] == ["Заголовок b"]
    assert [n.title for n in await list_notifications(me, before_id=listed[0].id)] == [
        "Заголовок a"
    ]
    assert await mark_read(me) == 1 and await unread_count(me) == 0


async def test_new_notification_is_announced_on_the_users_channel(redis: Redis) -> None:
    Clock(at(17, 10))
    me = await user_id("penza-specialist")
    pubsub = redis.pubsub()
    await pubsub.subscribe(f"otklik:live:user:{me}")
    await pubsub.get_message(timeout=1)  # the subscription confirmation
    await create_notifications([note(me, "live")])
    message = None
    for _ in range(50):
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
        if message:
            break
    await pubsub.aclose()
    assert message is not None
    payload = json.loads(message["data"])
    assert payload["type"] == "notification" and payload["unread"] == 1
    assert payload["kind"] == "deadline" and payload["title"] == "Заголовок live"


async def test_preferences_default_and_choice() -> None:
    me = await user_id("penza-specialist")
    assert (await preferences(me))[Kind.WARNING] is False
    assert (await preferences(me))[Kind.VIOLATION] is True
    await set_preference(me, Kind.WARNING, True)
    await set_preference(me, Kind.VIOLATION, False)
    await set_preference(me, Kind.VIOLATION, False)
    chosen = await preferences(me)
    assert chosen[Kind.WARNING] is True and chosen[Kind.VIOLATION] is False


class Inbox:
    """What the SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        self.messages.append(email.message_from_bytes(raw, policy=email.policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_env() -> Iterator[int]:
    """SMTP settings pointing at 127.0.0.1:<port> (no server yet)."""
    port = free_port()
    saved = {k: os.environ.get(k) for k in ("SMTP_HOST", "SMTP_PORT", "BASE_URL")}
    os.environ.update(
        {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "BASE_URL": "https://otklik.test"}
    )
    get_settings.cache_clear()
    yield port
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    get_settings.cache_clear()


@pytest.fixture
async def inbox(smtp_env: int) -> AsyncIterator[Inbox]:
    """A real SMTP server on 127.0.0.1."""
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=smtp_env)
    await asyncio.to_thread(controller.start)
    yield received
    await asyncio.to_thread(controller.stop)


async def test_deadline_is_mailed_in_russian_with_a_link_to_the_case(inbox: Inbox) -> None:
    clock = Clock(at(17, 10))
    await User.update({User.email: "specialist@penza.test"}).where(User.login == "penza-specialist")
    message_id, _ = await penza_case(clock, route=False)
    await sweep_at(clock, at(17, 12))  # route (p.8): two warnings, the deadline
    result = await mailer.send_pending()
    assert result.sent == 1  # warnings stay in-app by default
    [mail] = inbox.messages
    assert mail["To"] == "specialist@penza.test"
    assert mail["Subject"] == "Отклик: Срок истёк: направление исполнителям"
    body = mail.get_content()
    assert "Здравствуйте, Смирнова Анна Петровна!" in body
    assert f"https://otklik.test/o/penza/cases/{message_id}" in body
    sent = await Notification.select().where(Notification.email_status == "sent")
    assert len(sent) == 1 and sent[0]["emailed_at"] == at(17, 12)
    assert (await mailer.send_pending()).sent == 0  # nothing twice


async def test_warning_is_mailed_when_the_user_chose_it(inbox: Inbox) -> None:
    clock = Clock(at(17, 10))
    specialist = await user_id("penza-specialist")
    await User.update({User.email: "s@penza.test"}).where(User.id == specialist)
    await set_preference(specialist, Kind.WARNING, True)
    await set_preference(specialist, Kind.DEADLINE, False)
    await penza_case(clock, route=False)
    await sweep_at(clock, at(17, 12))
    assert (await mailer.send_pending()).sent == 2
    assert sorted(m["Subject"] for m in inbox.messages) == [
        "Отклик: Осталось 20 % срока: направление исполнителям",
        "Отклик: Осталось 50 % срока: направление исполнителям",
    ]


async def test_undeliverable_mail_is_retried_with_backoff_and_blocks_nothing(
    smtp_env: int,
) -> None:
    clock = Clock(at(17, 10))
    await User.update({User.email: "s@penza.test"}).where(User.login == "penza-specialist")
    await penza_case(clock, route=False)
    await sweep_at(clock, at(17, 12))
    failed = await mailer.send_pending()  # no server listens on the port
    assert (failed.sent, failed.failed) == (0, 1)
    [row] = await Notification.select().where(Notification.email_status == "pending")
    assert row["email_attempts"] == 1 and "Error" in row["email_last_error"]
    assert row["email_next_attempt_at"] == at(17, 12) + timedelta(minutes=1)
    await sweep_at(clock, at(17, 12))  # the sweep goes on regardless
    assert (await mailer.send_pending()).failed == 0  # not due yet: not tried
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=smtp_env)
    await asyncio.to_thread(controller.start)
    try:
        clock.set(at(17, 12, 1))
        assert (await mailer.send_pending()).sent == 1
    finally:
        await asyncio.to_thread(controller.stop)
    assert len(received.messages) == 1
    [row] = await Notification.select().where(Notification.id == row["id"])
    assert row["email_status"] == "sent" and row["email_attempts"] == 2


async def test_mail_is_given_up_after_the_last_attempt(smtp_env: int) -> None:
    clock = Clock(at(17, 10))
    await User.update({User.email: "s@penza.test"}).where(User.login == "penza-specialist")
    await penza_case(clock, route=False)
    await sweep_at(clock, at(17, 12))
    await Notification.update({Notification.email_attempts: mailer.MAX_ATTEMPTS - 1}).where(
        Notification.email_status == "pending"
    )
    assert (await mailer.send_pending()).failed == 1
    [row] = await Notification.select().where(Notification.email_attempts == mailer.MAX_ATTEMPTS)
    assert row["email_status"] == "failed" and row["email_next_attempt_at"] is None
    assert mailer.backoff(1) == timedelta(minutes=1) and mailer.backoff(30) == timedelta(hours=6)
