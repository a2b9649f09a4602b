"""The `otklik` console command against the test servers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
from arq.worker import Worker

from app.core.redis import WORKER_HEARTBEAT_KEY
from app.db.tables import Membership, Organisation, User
from app.demo.seed import demo_logins, load_demo
from app.identity.passwords import verify_password


def otklik(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the console command as an operator would."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_demo_is_idempotent_and_creates_every_login() -> None:
    await load_demo()
    await load_demo()
    logins = {row["login"] for row in await User.select(User.login)}
    assert logins == set(demo_logins())
    assert await Organisation.count() == 2
    assert await Membership.count().where(Membership.role == "admin") == 2


def test_demo_is_refused_in_production() -> None:
    result = otklik("demo", env={"OTKLIK_ENV": "prod", "SECRET_KEY": "k" * 40})
    assert result.returncode != 0
    assert "нельзя загружать при OTKLIK_ENV=prod" in result.stderr


async def test_createuser_with_password_file_and_role(tmp_path: Path) -> None:
    await load_demo()
    secret = tmp_path / "password"
    secret.write_text("Надёжный-пароль-2026\n")
    result = otklik(
        "createuser",
        "ivanova",
        "--name",
        "Иванова Ольга",
        "--password-file",
        str(secret),
        "--org",
        "parfino",
        "--role",
        "executor",
        "--department",
        "Отдел ЗАГС",
    )
    assert result.returncode == 0, result.stderr
    user = await User.objects().where(User.login == "ivanova").first()
    assert user is not None and user.full_name == "Иванова Ольга"
    assert await verify_password(user.password_hash, "Надёжный-пароль-2026")
    membership = (
        await Membership.objects(Membership.department).where(Membership.user == user.id).first()
    )
    assert membership is not None and membership.department.name == "Отдел ЗАГС"

    again = otklik("createuser", "ivanova", "--password-file", str(secret))
    assert again.returncode != 0
    assert "уже существует" in again.stderr


def test_createuser_refuses_a_short_password(tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text("short")
    result = otklik("createuser", "petrov", "--password-file", str(secret))
    assert result.returncode != 0
    assert "не менее 8 символов" in result.stderr


async def test_check_fails_without_worker_and_passes_with_one(redis) -> None:
    down = otklik("check")
    assert down.returncode == 1
    assert "Обработчик задач" in down.stdout and "НЕДОСТУПЕН" in down.stdout

    from tasks.worker import WorkerSettings, redis_settings

    worker = Worker(
        functions=WorkerSettings.functions,
        cron_jobs=WorkerSettings.cron_jobs,
        on_startup=WorkerSettings.on_startup,
        on_shutdown=WorkerSettings.on_shutdown,
        redis_settings=redis_settings(),
        burst=True,
        poll_delay=0,
    )
    await worker.main()
    await worker.close()
    assert await redis.get(WORKER_HEARTBEAT_KEY) is not None
    up = otklik("check")
    assert up.returncode == 0, up.stdout
    assert "НЕДОСТУПЕН" not in up.stdout


def test_calendar_prints_the_official_year_and_refuses_unknown_years() -> None:
    table = otklik("calendar", "2025")
    assert table.returncode == 0
    assert "Итого      365      247" in table.stdout and "1972" in table.stdout
    outside = otklik("calendar", "2035")
    assert outside.returncode != 0
    assert "вне периода" in outside.stderr


async def test_event_log_refuses_update_and_delete() -> None:
    conn = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await conn.execute(
            "INSERT INTO event (kind, at, before, after, comment, actor_role) "
            "VALUES ('test', now(), '{}', '{}', '', '')"
        )
        for statement in ("UPDATE event SET kind = 'x'", "DELETE FROM event", "TRUNCATE event"):
            with pytest.raises(asyncpg.RaiseError, match="append-only"):
                await conn.execute(statement)
        assert await conn.fetchval("SELECT count(*) FROM event WHERE kind = 'test'") == 1
    finally:
        await conn.close()


def test_sweep_command_reports_what_it_created() -> None:
    result = otklik("sweep")
    assert result.returncode == 0, result.stderr
    assert "Уведомлений: 0, нарушений: 0" in result.stdout
