"""PostgreSQL dies: a browser gets the Russian 503 page, /healthz names the database."""

from __future__ import annotations

import asyncio

from app.core.embedded import EmbeddedPostgres
from tests.integration.conftest import sign_in
from tests.integration.faults.conftest import kill_postgres

UNAVAILABLE = "Сервис временно недоступен, повторите через минуту"


async def test_pages_answer_the_russian_503_page_until_postgres_is_back(
    client, demo, shared_postgres: EmbeddedPostgres
) -> None:
    assert (await sign_in(client, "penza-specialist")).status_code == 302
    await asyncio.to_thread(kill_postgres)
    try:
        page = await client.get("/o/penza/specialist", headers={"accept": "text/html"})
        assert page.status_code == 503
        assert page.headers["retry-after"] == "60"
        assert page.headers["content-type"].startswith("text/html")
        assert UNAVAILABLE in page.text

        health = await client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["down"] == ["database"]
        assert health.json()["redis"]["ok"] is True
        # The sign-in form itself needs no database.
        assert (await client.get("/login")).status_code == 200
    finally:
        await asyncio.to_thread(shared_postgres.restart)
    assert (await client.get("/o/penza/specialist")).status_code == 200
