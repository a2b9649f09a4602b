"""`otklik connect telegram`, `otklik connectors [poll]` and the worker's minute pass."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db.tables import Message
from app.identity.organisations import organisation_id_by_slug
from tasks.connectors import poll_connectors
from tasks.worker import WorkerSettings
from tests.integration.cli.test_cli import otklik
from tests.integration.connectors.fake_telegram import (
    GROUP_ID,
    FakeTelegram,
    group_comment,
    serve,
)

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    yield from serve(FakeTelegram())


async def test_connect_list_and_poll_from_the_console(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(telegram.token + "\n")
    connect = [
        "connect", "telegram", "--org", "penza", "--id", str(GROUP_ID),
        "--token-file", str(token_file), "--api-base", telegram.base_url,
    ]  # fmt: skip
    result = otklik(*connect)
    assert result.returncode == 0, result.stderr
    assert "Подключено: «Отклик Пенза (@otklik_penza_bot)»" in result.stdout
    telegram.push("message", group_comment(101, "Не работает светофор"))
    result = otklik("connectors", "poll")
    assert result.returncode == 0, result.stderr
    assert "сохранено 1" in result.stdout
    result = otklik("connectors")
    assert "penza\ttelegram" in result.stdout and "работает" in result.stdout
    assert telegram.token not in result.stdout
    token_file.write_text("1:wrong\n")
    result = otklik(*connect)
    assert result.returncode != 0 and "токен бота не принят" in result.stderr


async def test_the_worker_polls_every_minute(telegram: FakeTelegram, tmp_path: Path) -> None:
    from app.connectors.accounts import connect_account

    assert any(job.name.endswith("poll_connectors") for job in WorkerSettings.cron_jobs)
    org_id = await organisation_id_by_slug("parfino")
    await connect_account(org_id, "telegram", str(GROUP_ID), telegram.token, telegram.base_url)
    telegram.push("message", group_comment(101, "Спасибо за расчищенный тротуар"))
    assert await poll_connectors({}) == 1
    assert await Message.count().where(Message.organisation == org_id) == 1
