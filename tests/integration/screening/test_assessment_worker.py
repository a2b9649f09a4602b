"""Screening runs in the worker on intake: a new message carries its flags, importance and
places as soon as the worker's job has run (the latency, under a second, is a benchmark
figure: bench/screening.py; a test only waits for it); the minute's catch-up assesses what
a lost job left; assessing never bumps the version nor overwrites places the specialist
corrected."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from arq.connections import RedisSettings
from redis.asyncio import Redis

from app.core.redis import WORKER_HEARTBEAT_KEY
from app.db.tables import Message
from app.screening.assess import assess_message, assess_unassessed
from tasks.worker import run_until_stopped
from tests.integration.cases_helpers import message, new_message, person

pytestmark = pytest.mark.usefixtures("demo")

ABUSIVE = "Глава, ты хуй, я тебя убью"
URGENT = "Прорвало трубу на ул. Ленина, 5, в подъезде вода по щиколотку"


async def _until(check, give_up_after: float) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < give_up_after, "not in time"
        await asyncio.sleep(0.02)
    return time.monotonic() - started


async def test_a_new_message_is_assessed_by_the_running_worker() -> None:
    from app.db.piccolo_conf import DB

    redis = Redis.from_url(os.environ["REDIS_URL"])
    worker = asyncio.create_task(
        run_until_stopped(RedisSettings.from_dsn(os.environ["REDIS_URL"]), handle_signals=False)
    )
    try:
        await _until(lambda: redis.exists(WORKER_HEARTBEAT_KEY), 30)  # started, warmed up
        await asyncio.sleep(0.5)  # the startup crons (sweeps) out of the way
        timings = []
        for text in (ABUSIVE, URGENT):
            started = time.monotonic()
            message_id = await new_message("penza", text)

            async def assessed(message_id: int = message_id) -> bool:
                row = await Message.select(Message.assessed_at).where(Message.id == message_id)
                return row[0]["assessed_at"] is not None

            # Generous: the test proves the job runs, not how fast (a loaded CI machine).
            await _until(assessed, 20.0)
            timings.append(time.monotonic() - started)
        print(f"intake → assessed: {', '.join(f'{t * 1000:.0f} ms' for t in timings)}")
        abusive, urgent = (await message(message_id - 1)), (await message(message_id))
        assert "obscene_language" in abusive["screening"]["flags"]
        assert any(e["fragment"] == "хуй" for e in abusive["screening"]["evidence"])
        assert urgent["screening"]["importance"] == "high"
        assert any("Ленина" in p for p in urgent["places"])
        assert urgent["version"] == 1  # the specialist's open form is still valid
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
        if DB.pool is not None:
            await DB.close_connection_pool()
        await redis.aclose()


async def test_the_catch_up_pass_assesses_what_no_job_did() -> None:
    # No worker runs: the nudges wait in Redis; the pass reads the database instead.
    first = await new_message("parfino", URGENT)
    second = await new_message("parfino", "Спасибо за новую площадку")
    assert (await message(first))["assessed_at"] is None
    assert await assess_unassessed() >= 2
    assert (await message(first))["screening"]["importance"] == "high"
    assert (await message(second))["screening"]["flags"] == []
    assert await assess_unassessed() == 0


async def test_places_the_specialist_corrected_survive_reassessment() -> None:
    from app.screening.place_edit import edit_places

    message_id = await new_message("penza", URGENT)
    await assess_message(message_id)
    suggested = (await message(message_id))["places"]
    assert suggested
    specialist = await person("penza-specialist", "penza")
    await edit_places(specialist, message_id, remove=suggested[0])
    await edit_places(specialist, message_id, add="ул. Кирова, 12")
    await assess_message(message_id)
    row = await message(message_id)
    assert row["places"] == [*suggested[1:], "ул. Кирова, 12"]
    assert row["places_edited_at"] is not None
    assert await assess_message(10**9) is False  # a message that is gone: nothing to do
