"""API intake while Redis and then PostgreSQL are killed and brought back by the supervisor.

A monitoring system posts messages one after another. Redis dies: intake needs only the
database, so it goes on acknowledging (live updates are skipped), while pages that need Redis
answer 503. PostgreSQL dies: intake answers 503 with Retry-After, never 500. `otklik run`'s
supervisor restarts each server; the next request after that succeeds without restarting the
app, and every acknowledged (2xx) message is in the database.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import pytest

from app.cli.supervisor import Supervisor
from app.core.embedded import EmbeddedPostgres, EmbeddedRedis
from app.db.tables import Message, Organisation
from app.identity.api_tokens import issue_token
from tests.integration.conftest import sign_in
from tests.integration.faults.conftest import kill_postgres, kill_redis

DOWN_SECONDS = 1.5


@dataclass
class Intake:
    """Posts numbered messages and remembers every answer."""

    client: object
    token: str
    sent: int = 0
    answers: list[tuple[int, int, str | None]] = field(default_factory=list)

    async def post(self) -> int:
        self.sent += 1
        number = self.sent
        response = await self.client.post(  # type: ignore[attr-defined]
            "/api/v1/messages",
            json={
                "network": "vk",
                "external_id": f"wall-1_{number}",
                "url": f"https://vk.com/wall-1_{number}",
                "author_name": "Мария Иванова",
                "text": f"Сообщение {number}: во дворе нет освещения.",
                "posted_at": "2026-11-20T10:15:00+03:00",
            },
            headers={"authorization": f"Bearer {self.token}"},
        )
        self.answers.append((number, response.status_code, response.headers.get("retry-after")))
        return int(response.status_code)

    async def post_for(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await self.post()

    async def post_until_acknowledged(self, give_up_after: float = 60) -> float:
        # Recovery by itself is the behaviour; how fast is a figure (printed), not a bound.
        started = time.monotonic()
        while await self.post() >= 300:
            assert time.monotonic() - started < give_up_after, "intake did not recover"
            await asyncio.sleep(0.05)
        return time.monotonic() - started


@pytest.fixture
async def token(demo) -> str:
    penza = await Organisation.objects().where(Organisation.slug == "penza").first()
    return await issue_token(penza, "Мониторинг", created_by=None)


async def test_intake_degrades_and_recovers_when_redis_then_postgres_die(
    client, token, own_redis: EmbeddedRedis, shared_postgres: EmbeddedPostgres
) -> None:
    supervisor = Supervisor([("PostgreSQL", shared_postgres), ("Redis", own_redis)])
    intake = Intake(client, token)
    assert (await sign_in(client, "penza-specialist")).status_code == 302
    await intake.post_for(0.3)

    # Redis down: intake goes on; a page that needs the session says 503.
    kill_redis(own_redis)
    redis_killed = time.monotonic()
    await intake.post_for(DOWN_SECONDS)
    page = await client.get("/o/penza/specialist", headers={"accept": "text/html"})
    assert (page.status_code, page.headers.get("retry-after")) == (503, "60")
    assert await asyncio.to_thread(supervisor.check) == ["Redis"]
    redis_down = time.monotonic() - redis_killed
    assert (await client.get("/o/penza/specialist")).status_code == 200
    assert (await client.get("/healthz")).status_code == 200

    # PostgreSQL down: 503 with Retry-After, then recovery after the supervisor's restart.
    before_postgres = len(intake.answers)
    await asyncio.to_thread(kill_postgres)
    postgres_killed = time.monotonic()
    await intake.post_for(DOWN_SECONDS)
    health = await client.get("/healthz")
    assert health.status_code == 503 and health.json()["down"] == ["database"]
    restarting = time.monotonic()
    assert await asyncio.to_thread(supervisor.check) == ["PostgreSQL"]
    restart_took = time.monotonic() - restarting
    postgres_down = time.monotonic() - postgres_killed
    recovery = await intake.post_until_acknowledged()

    statuses = [status for _, status, _ in intake.answers]
    during_postgres = [a for a in intake.answers[before_postgres:-1]]
    unavailable = [a for a in intake.answers if a[1] == 503]
    print(
        f"\nfault figures: {len(statuses)} posts; Redis down {redis_down:.2f} s "
        f"({sum(1 for s in statuses[:before_postgres] if s == 503)} × 503); "
        f"PostgreSQL down {postgres_down:.2f} s ({len(unavailable)} × 503, "
        f"restart {restart_took:.2f} s); "
        f"first success {recovery:.2f} s after PostgreSQL restarted"
    )
    assert all(status in (200, 201, 503) for status in statuses), statuses
    assert all(retry == "60" for _, status, retry in intake.answers if status == 503)
    assert unavailable, "PostgreSQL down must be seen as 503"
    assert all(status == 503 for _, status, _ in during_postgres[1:]), during_postgres
    assert all(status == 201 for status in statuses[:before_postgres])
    acknowledged = {f"wall-1_{n}" for n, status, _ in intake.answers if status in (200, 201)}
    stored = {r["external_id"] for r in await Message.select(Message.external_id)}
    assert acknowledged <= stored, "an acknowledged message was lost"
