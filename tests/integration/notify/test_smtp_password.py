"""The SMTP password stored sealed (`otklik smtp set`) logs the mailer in; SMTP_PASSWORD still
works without it; neither shows up in logs or in what the commands print."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from app.core.config import get_settings
from app.db.sealed import SMTP_PASSWORD, get_secret, put_secret, secret_hint
from app.db.tables import StoredSecret, User
from app.notify import mailer
from app.notify.notifications import Kind, NewNotification, create_notifications
from tests.integration.notify.test_notifications import Inbox, free_port
from tests.integration.timers_helpers import user_id

pytestmark = pytest.mark.usefixtures("demo")

STORED = "stored-smtp-pass-5678"
FROM_ENV = "env-smtp-pass-4321"


class Logins:
    """An authenticator that records the passwords it was given."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        assert isinstance(data, LoginPassword)
        self.seen.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password.decode() in (STORED, FROM_ENV))


@pytest.fixture
def smtp_port() -> Iterator[int]:
    port = free_port()
    names = ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD")
    saved = {k: os.environ.get(k) for k in names}
    os.environ.update({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_USER": "otklik"})
    os.environ["SMTP_PASSWORD"] = FROM_ENV
    get_settings.cache_clear()
    yield port
    for key, value in saved.items():
        os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
    get_settings.cache_clear()


@pytest.fixture
async def logins(smtp_port: int) -> AsyncIterator[Logins]:
    seen = Logins()
    controller = Controller(
        Inbox(), hostname="127.0.0.1", port=smtp_port, authenticator=seen, auth_require_tls=False
    )
    await asyncio.to_thread(controller.start)
    yield seen
    await asyncio.to_thread(controller.stop)


async def _one_mail(key: str) -> None:
    me = await user_id("penza-specialist")
    await User.update({User.email: "specialist@penza.test"}).where(User.id == me)
    await create_notifications(
        [NewNotification(me, Kind.DEADLINE, "Срок", "Текст", "/o/penza/cases/1", key)]
    )


async def test_stored_password_wins_and_env_still_works(
    logins: Logins, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await _one_mail("env")
    assert (await mailer.send_pending()).sent == 1
    assert logins.seen == [("otklik", FROM_ENV)]  # nothing stored: SMTP_PASSWORD

    await put_secret(SMTP_PASSWORD, STORED)
    row = await StoredSecret.select().where(StoredSecret.name == SMTP_PASSWORD).first()
    assert row is not None and STORED not in row["sealed_value"]  # sealed at rest
    assert await get_secret(SMTP_PASSWORD) == STORED
    assert await secret_hint(SMTP_PASSWORD) == "задан, ••••5678"
    await _one_mail("stored")
    assert (await mailer.send_pending()).sent == 1
    assert logins.seen[-1] == ("otklik", STORED)
    assert STORED not in caplog.text and FROM_ENV not in caplog.text


async def test_a_tampered_stored_password_falls_back_without_leaking(
    logins: Logins, caplog: pytest.LogCaptureFixture
) -> None:
    await put_secret(SMTP_PASSWORD, STORED)
    row = await StoredSecret.select().where(StoredSecret.name == SMTP_PASSWORD).first()
    assert row is not None
    token = row["sealed_value"]
    flipped = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    await StoredSecret.update({StoredSecret.sealed_value: flipped}).where(
        StoredSecret.id == row["id"]
    )
    await _one_mail("tampered")
    assert (await mailer.send_pending()).sent == 1
    assert logins.seen == [("otklik", FROM_ENV)]
    assert "secret_tampered" in caplog.text and STORED not in caplog.text
