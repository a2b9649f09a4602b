"""Redis dies: the web serves what it can, /healthz names it, sessions survive its restart."""

from __future__ import annotations

from app.core.embedded import EmbeddedRedis
from tests.integration.conftest import sign_in
from tests.integration.faults.conftest import kill_redis

UNAVAILABLE = "Сервис временно недоступен, повторите через минуту"


async def test_while_redis_is_down_pages_answer_503_and_public_pages_render(
    client, demo, own_redis: EmbeddedRedis
) -> None:
    assert (await sign_in(client, "penza-specialist")).status_code == 302
    kill_redis(own_redis)

    page = await client.get("/o/penza/specialist", headers={"accept": "text/html"})
    assert page.status_code == 503
    assert page.headers["retry-after"] == "60"
    assert UNAVAILABLE in page.text
    assert "<html" in page.text.lower()  # the Russian page, not raw JSON

    # The sign-in page and the static files do not need Redis, cookie or not.
    assert (await client.get("/login")).status_code == 200
    assert (await client.get("/static/css/otklik.css")).status_code == 200

    health = await client.get("/healthz")  # with the session cookie: no session lookup
    assert health.status_code == 503
    assert health.headers["retry-after"] == "60"
    assert health.json()["down"] == ["redis"]
    assert health.json()["database"]["ok"] is True

    # Signing in needs Redis (the attempt counter): 503, not 500.
    again = await sign_in(client, "penza-head")
    assert again.status_code == 503
    assert again.headers["retry-after"] == "60"


async def test_signed_in_session_survives_a_redis_kill_and_restart(
    client, demo, own_redis: EmbeddedRedis
) -> None:
    assert (await sign_in(client, "penza-specialist")).status_code == 302
    assert (await client.get("/o/penza/specialist")).status_code == 200
    kill_redis(own_redis)  # within a second of signing in: the append-only log has it
    own_redis.start()  # as `otklik run` would (same socket, same data directory)

    page = await client.get("/o/penza/specialist", follow_redirects=False)
    assert page.status_code == 200, "the session came back with Redis: no new sign-in"
    assert "Смирнова Анна Петровна" in page.text
    assert (await client.get("/healthz")).status_code == 200
