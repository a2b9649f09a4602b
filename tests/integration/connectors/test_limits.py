"""Rate limits: the token bucket in Redis, shared by processes, keyed by a hash of the token
(issue #14). Asserts on the waits the bucket hands out and on Redis, never on the clock."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator

import pytest
from redis.asyncio import Redis

from app.connectors import limits
from app.connectors.accounts import connect_account, publish_reply
from app.connectors.base import ConnectedAccount
from app.connectors.limits import BUCKET_PREFIX, LIMITS, RateLimited, acquire, acquire_for
from app.db.tables import SocialAccount
from app.identity.organisations import organisation_id_by_slug
from tests.integration.connectors.fake_telegram import GROUP_ID, FakeTelegram, serve


@pytest.fixture
async def other_process() -> AsyncIterator[Redis]:
    """A second client of the same Redis, as another worker process would have."""
    client = Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    yield from serve(FakeTelegram())


async def test_a_burst_passes_then_the_bucket_makes_callers_wait(redis: Redis) -> None:
    # 1 request per second, bursts of 3: three pass at once, the fourth would wait ~1 s.
    assert [await acquire("t1", 1.0, 3) for _ in range(3)] == [0.0, 0.0, 0.0]
    booked = await redis.get(BUCKET_PREFIX + "t1")
    with pytest.raises(RateLimited) as refused:
        await acquire("t1", 1.0, 3, max_wait=0)
    assert 0.5 < refused.value.retry_after <= 1.0
    assert await redis.get(BUCKET_PREFIX + "t1") == booked  # a refusal takes nothing
    assert 0 < await redis.pttl(BUCKET_PREFIX + "t1") <= 4000  # the key goes away by itself


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The sleeps the bucket asks for, recorded instead of slept (no test waits seconds)."""
    asked: list[float] = []

    async def record(seconds: float) -> None:
        asked.append(seconds)

    monkeypatch.setattr(limits, "_sleep", record)
    return asked


def _spaced_one_second_apart(waits: list[float]) -> bool:
    """Slot k is k seconds after the first, less the little time callers took to arrive."""
    return all(k - 0.5 < wait <= k for k, wait in enumerate(sorted(waits)))


async def test_concurrent_callers_are_spaced_by_the_rate(slept: list[float]) -> None:
    # One per second without a burst: eight callers at once are handed slots 1 s apart.
    waits = list(await asyncio.gather(*(acquire("t2", 1.0, 1) for _ in range(8))))
    assert _spaced_one_second_apart(waits), waits
    assert sorted(slept) == sorted(w for w in waits if w > 0)


async def test_two_processes_share_one_bucket(
    redis: Redis, other_process: Redis, slept: list[float]
) -> None:
    assert await acquire("shared", 1.0, 2, redis=redis) == 0.0
    assert await acquire("shared", 1.0, 2, redis=other_process) == 0.0
    with pytest.raises(RateLimited):  # the burst of two is spent between them
        await acquire("shared", 1.0, 2, redis=redis, max_wait=0)
    # Ten callers, five in each process: ten distinct slots, one second apart.
    clients = [redis, other_process] * 5
    waits = list(await asyncio.gather(*(acquire("s2", 1.0, 1, redis=c) for c in clients)))
    assert _spaced_one_second_apart(waits), waits


async def test_telegram_limits_per_bot_and_per_group_keyed_by_a_hash(redis: Redis) -> None:
    token = "7000002:AAH-secret-token-value"
    account = ConnectedAccount(1, 1, "telegram", str(GROUP_ID), "", token)
    assert await acquire_for(account, "post", chat=str(GROUP_ID)) == 0.0
    # 20 messages a minute into one group: the next one into it is 3 s away…
    with pytest.raises(RateLimited) as refused:
        await acquire_for(account, "post", chat=str(GROUP_ID), max_wait=0)
    assert 2.5 < refused.value.retry_after <= 3.0
    # …while another group only waits for the bot's 30 per second (≤ 34 ms).
    assert await acquire_for(account, "post", chat="-1009999", max_wait=0.1) <= 0.034
    keys = await redis.keys(BUCKET_PREFIX + "*")
    hashed = limits.token_key(token)
    assert sorted(keys) == sorted(
        [
            f"{BUCKET_PREFIX}telegram:token:{hashed}",
            f"{BUCKET_PREFIX}telegram:chat:{hashed}:{GROUP_ID}",
            f"{BUCKET_PREFIX}telegram:chat:{hashed}:-1009999",
        ]
    )
    assert not any(token in key or "secret" in key for key in keys)


def test_every_network_has_its_limits_with_a_source() -> None:
    assert set(LIMITS) >= {"telegram", "vk", "max", "ok"}
    for kinds in LIMITS.values():
        for limit in (*kinds["call"], *kinds["post"]):
            assert limit.rate_per_second > 0 and limit.burst >= 1 and limit.source
    assert limits.VK_COMMUNITY.rate_per_second == 20 and limits.VK_USER.rate_per_second == 3
    assert limits.TELEGRAM_GROUP.rate_per_second * 60 == pytest.approx(20)
    assert limits.MAX_BOT.rate_per_second == 30


@pytest.mark.usefixtures("demo")
async def test_telegram_connector_goes_through_the_bucket(telegram: FakeTelegram) -> None:
    org_id = await organisation_id_by_slug("penza")
    account_id, _ = await connect_account(
        org_id, "telegram", str(GROUP_ID), telegram.token, telegram.base_url
    )
    await publish_reply(account_id, f"{GROUP_ID}:101", "Ответ", "draft-1")
    account = ConnectedAccount(account_id, org_id, "telegram", str(GROUP_ID), "", telegram.token)
    with pytest.raises(RateLimited):  # the post above booked the group's next 3 s
        await acquire_for(account, "post", chat=str(GROUP_ID), max_wait=0)
    assert len(telegram.sent) == 1


@pytest.mark.usefixtures("demo")
async def test_a_notable_wait_is_counted_on_the_account(
    telegram: FakeTelegram, slept: list[float]
) -> None:
    org_id = await organisation_id_by_slug("penza")
    account_id, _ = await connect_account(
        org_id, "telegram", str(GROUP_ID), telegram.token, telegram.base_url
    )
    await publish_reply(account_id, f"{GROUP_ID}:101", "Первый ответ", "draft-1")
    await publish_reply(account_id, f"{GROUP_ID}:102", "Второй ответ", "draft-2")
    assert any(2.5 < wait <= 3.0 for wait in slept)  # the group's 20 a minute
    row = await SocialAccount.select().where(SocialAccount.id == account_id).first()
    assert row is not None and row["rate_limit_waits"] == 1
    assert row["rate_limited_until"] is None  # our own wait holds no polling back
    assert len(telegram.sent) == 2
