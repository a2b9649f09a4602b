"""Connected accounts' health: a revoked token notifies once per failure streak, a rate
limit makes the account wait (and is counted), the backlog is what is still in «Новые»."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.connectors.accounts import connect_account, poll_all
from app.connectors.health import accounts_health, note_rate_limit
from app.db.tables import Message, Notification, SocialAccount, User
from app.identity.organisations import organisation_id_by_slug
from tests.integration.cases_helpers import Clock
from tests.integration.cli.test_cli import otklik
from tests.integration.connectors.fake_telegram import (
    GROUP_ID,
    FakeTelegram,
    group_comment,
    serve,
)

pytestmark = pytest.mark.usefixtures("demo")
TITLE = (
    "Аккаунт «Отклик Пенза (@otklik_penza_bot)» (Telegram) отключён сетью: "
    "токен не принят — подключите заново"
)


@dataclass
class BusyTelegram(FakeTelegram):
    """The fake Bot API, which can answer 429 with `parameters.retry_after` (flood control,
    https://core.telegram.org/bots/api#responseparameters)."""

    retry_after: int | None = None

    def answer(self, token: str, method: str, payload: dict[str, Any]) -> tuple[int, Any]:
        if self.retry_after is not None and method == "getUpdates":
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {self.retry_after}",
                "parameters": {"retry_after": self.retry_after},
            }
        return super().answer(token, method, payload)


@pytest.fixture
def telegram() -> Iterator[BusyTelegram]:
    yield from serve(BusyTelegram())


async def _connect(telegram: FakeTelegram, slug: str = "penza") -> int:
    org_id = await organisation_id_by_slug(slug)
    account_id, _ = await connect_account(
        org_id, "telegram", str(GROUP_ID), telegram.token, telegram.base_url
    )
    return account_id


async def _account(account_id: int) -> dict[str, Any]:
    row = await SocialAccount.select().where(SocialAccount.id == account_id).first()
    assert row is not None
    return row


async def _told() -> list[str]:
    """Logins told that the account's token was refused, in order."""
    rows = await Notification.select(Notification.user, Notification.title).where(
        Notification.kind == "connector"
    )
    logins = {r["id"]: r["login"] for r in await User.select(User.id, User.login)}
    assert all(r["title"] == TITLE for r in rows)
    return sorted(logins[r["user"]] for r in rows)


async def test_a_revoked_token_notifies_admins_and_specialists_once_per_failure_streak(
    telegram: BusyTelegram,
) -> None:
    account_id = await _connect(telegram)
    good = telegram.token
    telegram.token = "7000001:AAH-new-token"  # revoked at @BotFather: the old one is refused
    for _ in range(3):  # three minutes of the worker
        [result] = await poll_all()
        assert "токен бота не принят" in result.error
    assert "токен бота не принят" in (await _account(account_id))["last_error"]
    assert await _told() == ["admin", "penza-specialist"]  # not Parfino's, not executors
    [health] = await accounts_health(await organisation_id_by_slug("penza"))
    assert health.token_refused and health.state_ru(datetime.now(UTC)) == "токен не принят"

    telegram.token = good  # working again (e.g. reconnected): the streak ends
    [result] = await poll_all()
    assert not result.error and (await _account(account_id))["auth_failed_at"] is None
    telegram.token = "7000001:AAH-newer-token"
    await poll_all()
    await poll_all()
    assert await _told() == ["admin", "admin", "penza-specialist", "penza-specialist"]


async def test_reconnecting_ends_the_streak(telegram: BusyTelegram) -> None:
    account_id = await _connect(telegram)
    telegram.token = "7000001:AAH-new-token"
    await poll_all()
    await _connect(telegram)  # the admin connects it with the new token
    row = await _account(account_id)
    assert row["auth_failed_at"] is None and row["last_error"] == ""
    telegram.token = "7000001:AAH-newest-token"
    await poll_all()
    assert len(await _told()) == 4


async def test_a_rate_limit_makes_the_account_wait_and_is_counted(
    telegram: BusyTelegram,
) -> None:
    clock = Clock(datetime.now(UTC))
    account_id = await _connect(telegram)
    telegram.push("message", group_comment(101, "Не вывозят мусор"))
    telegram.retry_after = 30
    [result] = await poll_all()
    assert "слишком много запросов (429)" in result.error
    row = await _account(account_id)
    assert row["rate_limit_waits"] == 1
    assert row["rate_limited_until"] == clock.now + timedelta(seconds=30)
    telegram.retry_after = None
    clock.advance(seconds=29)
    assert await poll_all() == []  # still waiting: not even asked
    assert [m for m, _ in telegram.requests].count("getUpdates") == 1
    clock.advance(seconds=1)
    [result] = await poll_all()
    assert result.stored == 1 and not result.error
    assert (await _account(account_id))["rate_limit_waits"] == 1
    # A network's wait is bounded: an hour at most.
    until = await note_rate_limit(account_id, 10**9)
    assert until == clock.now + timedelta(hours=1)
    assert (await _account(account_id))["rate_limit_waits"] == 2


async def test_the_backlog_is_what_came_through_the_account_and_is_still_new(
    telegram: BusyTelegram,
) -> None:
    org_id = await organisation_id_by_slug("penza")
    account_id = await _connect(telegram)
    other_id = await _connect(telegram, "parfino")
    telegram.push("message", group_comment(101, "Яма на Московской"))
    telegram.push("message", group_comment(102, "Спасибо за ёлку"))
    await poll_all()
    stored = await Message.select(Message.id, Message.source_account).where(
        Message.organisation == org_id
    )
    assert {r["source_account"] for r in stored} == {account_id}
    await Message.update({Message.state: "screened"}).where(Message.id == stored[0]["id"])
    health = {h.id: h for h in await accounts_health()}
    # The same discussion group connected by Parfino too: each counts what it stored.
    assert health[account_id].backlog == 1 and health[other_id].backlog == 2
    assert health[account_id].last_event_at is not None
    result = otklik("connectors")
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith(f"{account_id}\t"))
    assert "в «Новых»: 1" in line and "ожиданий по лимиту: 0" in line and "работает" in line


async def test_connect_in_webhook_mode_from_the_console(
    telegram: BusyTelegram, tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(telegram.token)
    result = otklik(
        "connect", "telegram", "--org", "parfino", "--id", str(GROUP_ID), "--token-file",
        str(token_file), "--api-base", telegram.base_url, "--mode", "webhook",
        env={"OTKLIK_PUBLIC_URL": "https://otklik.example.ru"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    [row] = await SocialAccount.select()
    assert row["mode"] == "webhook" and row["api_base"] == telegram.base_url
    assert telegram.webhook["url"] == f"https://otklik.example.ru/hooks/{row['id']}"
    assert await poll_all() == []  # the network calls the portal
    listed = otklik("connectors").stdout
    assert f"{row['id']}\tparfino\ttelegram" in listed and "\twebhook\t" in listed
