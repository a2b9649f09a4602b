"""The worker's permanent long-poll loops against the fake Bot API (issue #14): a comment
arrives without the cron, a paused account's loop stops, two workers never poll one account."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
from redis.asyncio import Redis

from app.connectors.accounts import connect_account
from app.connectors.runtime import leases
from app.connectors.runtime.loops import Supervisor
from app.connectors.runtime.polling import poll_all
from app.db.tables import Message, SocialAccount
from app.identity.organisations import organisation_id_by_slug
from tests.integration.connectors.fake_telegram import GROUP_ID, FakeTelegram, group_comment, serve

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    yield from serve(FakeTelegram())


@pytest.fixture
async def supervisors() -> AsyncIterator[list[Supervisor]]:
    """Supervisors as two worker processes would run them (short ticks and waits); stopped
    at the end of the test."""
    made = [Supervisor(wait_seconds=5, tick_seconds=0.1) for _ in range(2)]
    yield made
    for supervisor in made:
        await supervisor.stop()


async def until(check: Callable[[], Awaitable[bool] | bool], seconds: float = 10.0) -> None:
    """Poll `check` until it holds (fails after `seconds`)."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if isinstance(result, Awaitable):
            result = await result
        if result:
            return
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def _connect(telegram: FakeTelegram, n: int = 0) -> tuple[int, int]:
    """Account n: its own bot and discussion group."""
    token = telegram.token if n == 0 else f"70000{n:02d}:AAH-bot-{n}"
    telegram.add_bot(token)
    org_id = await organisation_id_by_slug("penza")
    account_id, _ = await connect_account(
        org_id, "telegram", str(GROUP_ID - n), token, telegram.base_url
    )
    return org_id, account_id


async def _stored(org_id: int) -> list[str]:
    rows = await Message.select(Message.text).where(Message.organisation == org_id)
    return sorted(r["text"] for r in rows)


async def test_the_worker_starts_and_stops_the_loops(telegram: FakeTelegram) -> None:
    from tasks import connectors

    await _connect(telegram)

    ctx: dict[str, object] = {}
    await connectors.start_loops(ctx)
    task = ctx[connectors.LOOPS_KEY]
    assert isinstance(task, asyncio.Task) and not task.done()
    polled = len(telegram.requests)
    assert await connectors.poll_connectors(ctx) == 0  # the cron leaves it to the loops
    assert len(telegram.requests) == polled
    await connectors.stop_loops(ctx)
    assert task.done() and connectors.LOOPS_KEY not in ctx


async def test_a_loop_stores_a_comment_without_the_cron(
    telegram: FakeTelegram, supervisors: list[Supervisor]
) -> None:
    org_id, account_id = await _connect(telegram)
    loops = asyncio.create_task(supervisors[0].run())
    try:
        await until(lambda: telegram.polling[telegram.token] == 1)  # the long poll is waiting
        telegram.push("message", group_comment(101, "Не вывезли мусор"))
        await until(lambda: _stored(org_id), seconds=5)
        assert await _stored(org_id) == ["Не вывезли мусор"]
        assert await leases.holder(account_id) == supervisors[0].owner
        # The minute pass (cron, `otklik connectors poll`) leaves a held account alone.
        assert [(r.account_id, r.busy) for r in await poll_all()] == [(account_id, True)]
    finally:
        loops.cancel()
        await asyncio.gather(loops, return_exceptions=True)
    assert await leases.holder(account_id) is None  # a stopped worker gives its leases back
    assert telegram.conflicts == 0


async def test_a_paused_account_s_loop_stops(
    telegram: FakeTelegram, supervisors: list[Supervisor]
) -> None:
    _, account_id = await _connect(telegram)
    supervisor = supervisors[0]
    await supervisor.tick()
    await until(lambda: telegram.polling[telegram.token] == 1)
    await SocialAccount.update({SocialAccount.paused: True}).where(SocialAccount.id == account_id)
    await supervisor.tick()
    assert account_id not in supervisor.loops
    assert await leases.holder(account_id) is None
    await until(lambda: telegram.polling[telegram.token] == 0)  # its long poll was dropped
    asked = len(telegram.requests)
    await supervisor.tick()
    assert account_id not in supervisor.loops and len(telegram.requests) == asked


async def test_two_workers_never_poll_one_account(
    telegram: FakeTelegram, supervisors: list[Supervisor]
) -> None:
    accounts = [await _connect(telegram, n) for n in range(4)]
    org_id = accounts[0][0]
    ids = {account_id for _, account_id in accounts}
    first, second = supervisors
    running = [asyncio.create_task(s.run()) for s in supervisors]
    try:
        await until(lambda: first.ticks >= 5 and second.ticks >= 5)
        assert set(first.loops) | set(second.loops) == ids
        assert not set(first.loops) & set(second.loops)
        tokens = [telegram.token, *sorted(telegram.bots - {telegram.token})]
        await until(lambda: all(telegram.polling[t] == 1 for t in tokens))
        for n, token in enumerate(tokens):
            telegram.push(
                "message", group_comment(100 + n, f"Жалоба {n}", chat_id=GROUP_ID - n), token
            )
        await until(lambda: _count(org_id, 4))
        # One worker stops: the other takes its accounts over once their leases are free.
        running[0].cancel()
        await asyncio.gather(running[0], return_exceptions=True)
        await until(lambda: set(second.loops) == ids)
        for n, token in enumerate(tokens):
            telegram.push(
                "message", group_comment(200 + n, f"Ещё {n}", chat_id=GROUP_ID - n), token
            )
        await until(lambda: _count(org_id, 8))
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
    assert telegram.conflicts == 0  # no getUpdates was ever ended by a concurrent one
    assert all(telegram.most_polling[t] == 1 for t in tokens)
    assert len(await _stored(org_id)) == 8  # each comment stored once


async def _count(org_id: int, n: int) -> bool:
    return len(await _stored(org_id)) >= n


async def test_a_loop_whose_lease_another_worker_has_stops(
    telegram: FakeTelegram, supervisors: list[Supervisor], redis: Redis
) -> None:
    _, account_id = await _connect(telegram)
    supervisor = supervisors[0]
    await supervisor.tick()
    assert account_id in supervisor.loops
    # This worker stalled past its lease and another took the account over.
    await redis.set(leases.lease_key(account_id), "loops:other-host:1:abc", px=30_000)
    await supervisor.tick()
    assert account_id not in supervisor.loops
    assert await leases.holder(account_id) == "loops:other-host:1:abc"
