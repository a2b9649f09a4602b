"""Sign-in throttling holds under parallel attempts, per client, and behind a proxy."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.core.config import get_settings
from app.identity.throttle import CLIENT_LIMIT, PAIR_LIMIT
from tests.integration.conftest import csrf_token, sign_in


def _form(login: str, password: str, token: str) -> dict[str, str]:
    return {"login": login, "password": password, "_csrf_token": token}


async def test_parallel_wrong_passwords_cannot_pass_the_limit(
    demo: None, client: AsyncTestClient[Litestar]
) -> None:
    token = await csrf_token(client)
    responses = await asyncio.gather(
        *(
            client.post("/login", data=_form("penza-head", "wrong", token), follow_redirects=False)
            for _ in range(40)
        )
    )
    statuses = [r.status_code for r in responses]
    assert statuses.count(401) == PAIR_LIMIT
    assert statuses.count(429) == 40 - PAIR_LIMIT
    refused = next(r for r in responses if r.status_code == 429)
    assert 0 < int(refused.headers["retry-after"]) <= 15 * 60
    assert "Слишком много неудачных попыток входа" in refused.text


async def test_one_client_trying_many_logins_is_throttled(
    demo: None, client: AsyncTestClient[Litestar]
) -> None:
    token = await csrf_token(client)
    for n in range(CLIENT_LIMIT):
        response = await client.post(
            "/login", data=_form(f"guess-{n}", "wrong", token), follow_redirects=False
        )
        assert response.status_code == 401
    refused = await client.post(
        "/login", data=_form("guess-last", "wrong", token), follow_redirects=False
    )
    assert refused.status_code == 429 and "retry-after" in refused.headers


async def test_successful_sign_ins_do_not_use_up_the_clients_allowance(
    demo: None, client: AsyncTestClient[Litestar]
) -> None:
    for _ in range(CLIENT_LIMIT + 5):
        assert (await sign_in(client, "penza-official")).status_code == 302


@pytest.fixture
def behind_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The test client's address is a trusted reverse proxy."""
    monkeypatch.setenv("OTKLIK_TRUSTED_PROXIES", "testclient")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("OTKLIK_TRUSTED_PROXIES")
    get_settings.cache_clear()


async def _sign_in_from(client: AsyncTestClient[Litestar], address: str, password: str) -> int:
    response = await client.post(
        "/login",
        data=_form("parfino-head", password, await csrf_token(client)),
        headers={"x-forwarded-for": f"203.0.113.99, {address}"},
        follow_redirects=False,
    )
    return response.status_code


async def test_behind_a_trusted_proxy_one_client_is_locked_not_the_account(
    demo: None, client: AsyncTestClient[Litestar], behind_proxy: None
) -> None:
    for _ in range(PAIR_LIMIT):
        assert await _sign_in_from(client, "198.51.100.7", "wrong") == 401
    assert await _sign_in_from(client, "198.51.100.7", "otklik-demo") == 429
    # The same person from another address is let in: the account itself is not locked.
    assert await _sign_in_from(client, "198.51.100.8", "otklik-demo") == 302


async def test_without_a_trusted_proxy_forwarded_addresses_are_not_believed(
    demo: None, client: AsyncTestClient[Litestar]
) -> None:
    for n in range(PAIR_LIMIT):
        assert await _sign_in_from(client, f"198.51.100.{n}", "wrong") == 401
    assert await _sign_in_from(client, "198.51.100.200", "otklik-demo") == 429
