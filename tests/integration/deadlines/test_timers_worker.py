"""Exactly-once with a real arq worker: stopped while deadlines pass (a weekend, the May
holidays, a shortened pre-holiday day, a clarification pause), then started; two workers at
once; Redis restarted mid-way. The database's unique keys are the guarantee."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from arq.connections import RedisSettings
from arq.worker import Worker
from redis.asyncio import Redis

from app.cases import actions as cases
from app.core.embedded import EmbeddedRedis
from app.db.tables import User
from app.deadlines.sweep import sweep
from app.domain.lifecycle import DraftKind
from app.domain.regulation.model import Importance
from tests.integration.cases_helpers import MSK, Clock, person
from tests.integration.timers_helpers import (
    notes,
    parfino_case,
    penza_case,
    pooled,  # noqa: F401 — fixture
    snapshot,
    violations,
)

pytestmark = pytest.mark.usefixtures("demo")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=MSK)


END = at(5, 6, 10)  # Tuesday after the May holidays

# (step, final lateness in working minutes or None while still open), per case.
EXPECTED_PARFINO = [
    ("hand_over", 30),  # p.7: handed over at 11:00, due 10:30
    ("draft", 60),  # p.11: the clarification submitted at 16:00, due 15:00
    ("publish", 10),  # p.15: published at 17:00, due 16:50
    # The clarification fulfilled p.11 (late, charged above): after the reply only the
    # resumed answer deadline binds, so no second draft breach (issue #12).
]
EXPECTED_PENZA = [("answer", None), ("draft", None), ("route", None)]


def worker(redis_settings: RedisSettings) -> Worker:
    """The one WorkerSettings in burst mode (the test's pool stands in for on_startup's)."""
    from tasks.worker import WorkerSettings

    # Fresh cron jobs: arq keeps each one's next run on the object.
    crons = [dataclasses.replace(c, next_run=None) for c in WorkerSettings.cron_jobs]
    return Worker(
        functions=WorkerSettings.functions,
        cron_jobs=crons,
        redis_settings=redis_settings,
        burst=True,
        poll_delay=0,
        handle_signals=False,
    )


async def run_workers(redis_settings: RedisSettings, count: int = 1) -> None:
    workers = [worker(redis_settings) for _ in range(count)]
    try:
        await asyncio.gather(*(w.main() for w in workers))
    finally:
        for w in workers:
            await w.close()


async def scenario(clock: Clock, checkpoint=None) -> tuple[int, int]:
    """Both cases, acted on while no worker runs; `checkpoint()` is awaited half-way."""
    clock.set(at(4, 29, 10))
    parfino, assignment = await parfino_case(clock, route=False)
    specialist = await person("parfino-specialist", "parfino")
    coordinator = await person("parfino-coordinator", "parfino")
    executor = await person("parfino-executor", "parfino")
    clock.set(at(4, 29, 11))
    await cases.hand_over(specialist, parfino, 2)
    from app.cases.actions import RouteTarget
    from tests.integration.cases_helpers import assignments, department

    clock.set(at(4, 29, 11, 10))
    housing = await department("parfino", "Комитет ЖКХ")
    await cases.route(coordinator, parfino, 3, [RouteTarget(housing, "ЖКХ")])
    assignment = (await assignments(parfino))[0]["id"]
    clock.set(at(4, 29, 16))
    await cases.submit_draft(executor, assignment, 1, DraftKind.CLARIFICATION, "Адрес?")
    clock.set(at(4, 29, 16, 20))
    await cases.approve(specialist, assignment, 2)
    clock.set(at(4, 29, 17))
    await cases.publish(coordinator, assignment, 3, "https://vk.com/wall-1_1?reply=2")
    clock.set(at(4, 30, 16))
    penza, _ = await penza_case(clock, Importance.HIGH, route=False)
    if checkpoint is not None:
        clock.set(at(5, 2, 12))  # a day off between the holidays
        await checkpoint()
    clock.set(at(5, 5, 10))
    await cases.record_reply(executor, assignment, 4, "ул. Мира, 5")
    clock.set(at(5, 5, 11))
    await cases.submit_draft(executor, assignment, 5, DraftKind.FINAL, "Починим.")
    clock.set(at(5, 5, 11, 20))
    await cases.approve(specialist, assignment, 6)
    clock.set(at(5, 5, 11, 40))
    await cases.publish(coordinator, assignment, 7, "https://vk.com/wall-1_1?reply=3")
    clock.set(END)
    return parfino, penza


async def logins() -> dict[int, str]:
    return {r["id"]: r["login"] for r in await User.select(User.id, User.login)}


async def assert_expected(parfino: int, penza: int) -> None:
    got = [(v["step"], v["final_late_minutes"]) for v in await violations(parfino)]
    assert got == EXPECTED_PARFINO
    assert sorted((v["step"], v["final_late_minutes"]) for v in await violations(penza)) == (
        EXPECTED_PENZA
    )
    names = await logins()
    sent = Counter((n["kind"], names[n["user"]]) for n in await notes())
    assert sent == {
        # Penza: route and answer (the specialist's): warnings at 50 % and 20 % and the
        # deadline; the unrouted draft reaches no executor; p.19: three violations at once.
        ("warning", "penza-specialist"): 4,
        ("deadline", "penza-specialist"): 2,
        ("violation", "penza-official"): 3,
        # Parfino p.22: April's four violations, the report due by 5 May.
        ("report_due", "parfino-specialist"): 1,
    }


async def test_stopped_worker_catches_up_exactly_once() -> None:
    clock = Clock(at(4, 29, 9))
    parfino, penza = await scenario(clock)
    from tasks.worker import redis_settings

    await run_workers(redis_settings())
    await assert_expected(parfino, penza)
    before = await snapshot()
    await run_workers(redis_settings())  # started again: nothing new
    assert await snapshot() == before


async def test_two_workers_and_two_sweeps_at_once_produce_everything_once() -> None:
    clock = Clock(at(4, 29, 9))
    parfino, penza = await scenario(clock)
    from tasks.worker import redis_settings

    await run_workers(redis_settings(), count=2)
    await assert_expected(parfino, penza)
    # A new minute's cron job in each of two workers, and two sweeps, all at once.
    await asyncio.gather(run_workers(redis_settings(), count=2), sweep(), sweep())
    await assert_expected(parfino, penza)


async def test_redis_restarted_mid_way_loses_and_repeats_nothing(tmp_path: Path) -> None:
    own = EmbeddedRedis(tmp_path / "redis")
    own.start()
    settings = RedisSettings(unix_socket_path=str(own.socket_path))
    try:

        async def half_way() -> None:
            await run_workers(settings)
            assert await violations()  # the missed hand-over and draft are already recorded
            own.stop()  # Redis goes away with its queue and cron bookkeeping
            (tmp_path / "redis" / "redis.rdb").unlink(missing_ok=True)
            down = Redis.from_url(f"unix://{own.socket_path}")
            await sweep(down)  # a sweep meanwhile still records (the live ping is lost)
            await down.aclose()
            own.start()

        clock = Clock(at(4, 29, 9))
        parfino, penza = await scenario(clock, half_way)
        await run_workers(settings)
        await run_workers(settings)
        await assert_expected(parfino, penza)
    finally:
        own.stop()
