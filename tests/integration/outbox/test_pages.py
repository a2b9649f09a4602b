"""«Разместить через …» on the case page: the button, «Отправляется…», the arq job, the
reply's link once the worker posted it, the network's refusal in Russian with «Повторить»,
and who may press it (issue #14)."""

from __future__ import annotations

import os
import re

import pytest
from arq.connections import ArqRedis
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.identity.organisations import organisation_rules
from tasks.outbox import deliver_reply
from tests.integration.conftest import sign_in
from tests.integration.connectors.fake_telegram import GROUP_ID, FakeTelegram
from tests.integration.outbox.helpers import (
    approved_telegram_case,
    assignment,
    connect,
    outgoing,
    telegram,
)

pytestmark = pytest.mark.usefixtures("demo")
__all__ = ["telegram"]  # the fixture, for pytest

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
HTMX = {"HX-Request": "true", "HX-Target": "case"}
BUTTON = "Разместить через Telegram (Отклик Пенза (@otklik_penza_bot))"
REPLY_URL = f"https://t.me/c/{str(GROUP_ID)[4:]}/9001"


async def _press(
    client: AsyncTestClient[Litestar], slug: str, message_id: int, assignment_id: int, account: int
) -> tuple[int, str]:
    """Press «Разместить через …» (or «Повторить») as the case page's form does."""
    token = CSRF.search((await client.get("/login")).text)
    assert token is not None
    response = await client.post(
        f"/o/{slug}/cases/{message_id}/assignments/{assignment_id}/publish-network",
        data={
            "version": str((await assignment(assignment_id))["version"]),
            "account": str(account),
            "_csrf_token": token.group(1),
        },
        headers=HTMX,
    )
    return response.status_code, response.text


async def test_the_button_queues_the_answer_and_the_case_shows_the_reply(
    app: Litestar, telegram: FakeTelegram
) -> None:
    account = await connect(telegram)
    message_id, assignment_id = await approved_telegram_case()
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "penza-specialist")
        page = (await client.get(f"/o/penza/cases/{message_id}/")).text
        assert BUTTON in page and 'data-testid="publish-form"' in page  # the link: the other way

        status, text = await _press(client, "penza", message_id, assignment_id, account)
        assert status == 200
        assert "Отправляется через Telegram («Отклик Пенза (@otklik_penza_bot)»)…" in text
        assert BUTTON not in text and 'data-testid="publish-form"' not in text
        row = await outgoing(assignment_id)
        assert row["state"] == "queued"
        jobs = ArqRedis.from_url(os.environ["REDIS_URL"])
        try:
            queued = await jobs.queued_jobs()
        finally:
            await jobs.aclose()
        # The message's own assessment job (screening on intake) may wait there too.
        deliveries = [(j.function, j.args) for j in queued if j.function == "deliver_reply"]
        assert deliveries == [("deliver_reply", (row["id"],))]

        # The line asks again while the answer is on its way …
        status_url = f"/o/penza/cases/{message_id}/assignments/{assignment_id}/outgoing/{row['id']}"
        waiting = await client.get(status_url, headers={"HX-Request": "true"})
        assert "Отправляется" in waiting.text and "HX-Retarget" not in waiting.headers

        assert await deliver_reply({}, row["id"]) == "posted"
        # … and once the network confirmed, the whole case comes back with the reply's link.
        done = await client.get(status_url, headers={"HX-Request": "true"})
        assert done.headers["HX-Retarget"] == "#case"
        assert REPLY_URL in done.text and "Отправляется" not in done.text
        page = (await client.get(f"/o/penza/cases/{message_id}/")).text
        assert REPLY_URL in page and "от имени «Отклик Пенза (@otklik_penza_bot)»" in page
        assert "Ответ отправляется в сеть через подключённый аккаунт" in page  # the log


async def test_a_refusal_is_shown_in_russian_with_the_retry_time_and_retry(
    app: Litestar, telegram: FakeTelegram
) -> None:
    account = await connect(telegram)
    telegram.refusals = [(403, "Forbidden: bot was kicked from the <b>supergroup</b> chat")]
    message_id, assignment_id = await approved_telegram_case()
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "penza-specialist")
        await _press(client, "penza", message_id, assignment_id, account)
        row = await outgoing(assignment_id)
        assert await deliver_reply({}, row["id"]) == "refused"
        page = (await client.get(f"/o/penza/cases/{message_id}/")).text
        failed = (await outgoing(assignment_id))["next_attempt_at"]
        tz = (await organisation_rules(row["organisation"])).calendar.tz
        assert "Telegram ответил: доступ запрещён (403)" in page
        assert f"; повтор в {failed.astimezone(tz).strftime('%H:%M')}" in page
        assert "&lt;b&gt;supergroup&lt;/b&gt;" in page  # the network's words are escaped
        assert 'data-testid="outgoing-retry"' in page and 'data-testid="publish-form"' in page
        assert BUTTON not in page  # «Повторить» is the way through the network now

        status, text = await _press(client, "penza", message_id, assignment_id, account)
        assert status == 200 and "Отправляется через Telegram" in text
        assert await deliver_reply({}, row["id"]) == "posted"
        assert len(telegram.sent) == 1


async def test_only_a_publisher_of_the_organisation_may_press_it(
    app: Litestar, telegram: FakeTelegram
) -> None:
    account = await connect(telegram)
    parfino_account = await connect(telegram, "parfino")
    message_id, assignment_id = await approved_telegram_case()
    parfino_case, parfino_assignment = await approved_telegram_case("parfino", message_id=303)
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "penza-executor")
        page = (await client.get(f"/o/penza/cases/{message_id}/")).text
        assert BUTTON not in page
        status, _ = await _press(client, "penza", message_id, assignment_id, account)
        assert status == 403
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "parfino-specialist")  # another organisation's case
        status, _ = await _press(client, "penza", message_id, assignment_id, account)
        assert status == 403
        # Parfino p.15: the coordinator publishes, not the specialist.
        status, text = await _press(
            client, "parfino", parfino_case, parfino_assignment, parfino_account
        )
        assert status == 200 and "Ответственный работник" in text
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "parfino-coordinator")  # their own case, another's assignment id
        status, text = await _press(client, "parfino", parfino_case, assignment_id, parfino_account)
        assert "другому сообщению" in text
    assert telegram.sent == [] and (await assignment(assignment_id))["state"] == "approved"
