"""The heightened-activity alert page: the messages with excerpts, the immediate report
offered pre-filled from them, and who may see it (Penza p.21, Parfino p.24)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.db.tables import ActivityAlert, ImmediateReport
from app.deadlines.sweep import sweep
from app.notify.notifications import Kind
from tests.integration.cases_helpers import Clock
from tests.integration.conftest import csrf_token, sign_in
from tests.integration.deadlines.test_surges import LENINA, MONDAY, SWEEP, insert
from tests.integration.timers_helpers import notes

pytestmark = pytest.mark.usefixtures("demo")


async def test_the_alert_page_shows_excerpts_and_offers_the_immediate_report(client) -> None:
    Clock(SWEEP)
    await insert(
        "penza",
        [MONDAY + timedelta(minutes=i) for i in range(5)],
        "Прорыв трубы <script>alert(1)</script> на Ленина",
        places=[LENINA],
    )
    await sweep()
    [alert] = await ActivityAlert.select()
    await sign_in(client, "penza-specialist")
    page = await client.get(f"/o/penza/activity/{alert['id']}")
    assert page.status_code == 200
    assert f"Повышенная активность по адресу «{LENINA}»" in page.text
    assert page.text.count('data-testid="activity-excerpt"') == 5
    assert "Прорыв трубы &lt;script&gt;alert(1)&lt;/script&gt; на Ленина (0)" in page.text
    assert "<script>alert(1)" not in page.text
    assert 'data-testid="immediate-report" open' in page.text
    assert "поступило 5 сообщений. № " in page.text  # the report pre-filled from the messages
    token = await csrf_token(client)
    sent = await client.post(
        "/o/penza/immediate",
        data={"alert_id": str(alert["id"]), "comment": "Прорыв трубы на Ленина, 5: 5 сообщений"},
        headers={"x-csrftoken": token},
        follow_redirects=False,
    )
    assert sent.status_code in (302, 303), sent.text
    [report] = await ImmediateReport.select()
    assert report["alert"] == alert["id"]
    heads = [n for n in await notes() if n["kind"] == Kind.IMMEDIATE]
    assert heads and f"по адресу «{LENINA}»" in heads[0]["title"]


async def test_the_alert_page_is_for_the_organisations_specialist_official_and_head(
    client,
) -> None:
    Clock(SWEEP)
    await insert("penza", [MONDAY + timedelta(minutes=i) for i in range(5)], "Дым", places=[LENINA])
    await sweep()
    [alert] = await ActivityAlert.select()
    url = f"/o/penza/activity/{alert['id']}"
    for login, status in (
        ("penza-official", 200),
        ("penza-head", 200),
        ("penza-executor", 403),
        ("parfino-specialist", 403),
    ):
        await sign_in(client, login)
        assert (await client.get(url)).status_code == status, login
        await client.post("/logout", headers={"x-csrftoken": await csrf_token(client)})
    await sign_in(client, "parfino-specialist")
    assert (await client.get(f"/o/parfino/activity/{alert['id']}")).status_code == 404
