"""Crafted addresses, queries and forms get a 4xx with a Russian reason, never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.core import clock
from app.db.tables import Message
from tests.integration.cases_helpers import message, new_message
from tests.integration.conftest import csrf_token, sign_in

HTML = {"accept": "text/html"}


async def test_crafted_addresses_and_queries_get_a_4xx_or_the_page_never_a_500(
    demo: None, client: AsyncTestClient[Litestar]
) -> None:
    await sign_in(client, "penza-official")
    for path in (
        "/o/penza/cases/2147483648",
        "/o/penza/cases/99999999999999999999",
        "/o/penza/activity/2147483648",
    ):
        response = await client.get(path, headers=HTML)
        assert response.status_code == 404, path  # ids beyond the integer columns name no row
        assert "Страница не найдена" in response.text
    for query in ("q=%00", "q=a%00b", "department=1%00"):
        response = await client.get(f"/o/penza/specialist/work?{query}", headers=HTML)
        assert response.status_code == 400, query
        assert "недопустимый символ" in response.text
    for path in (
        "/o/penza/violations?month=0001-01",
        "/o/penza/violations?month=9999-12",
        "/o/penza/reports/summary?period=0001-W01",
        "/o/penza/reports/summary?period=9999-12",
        "/o/penza/specialist/work?department=%C2%B2",
    ):
        assert (await client.get(path, headers=HTML)).status_code == 200, path


async def test_marking_with_a_bogus_importance_and_nul_in_topics_is_not_an_error(
    demo: None, client: AsyncTestClient[Litestar]
) -> None:
    message_id = await new_message("penza")
    await sign_in(client, "penza-specialist")
    response = await client.post(
        f"/o/penza/cases/{message_id}/mark",
        data={
            "version": "1",
            "importance": "bogus",
            "topics": "Дор\x00оги",
            "_csrf_token": await csrf_token(client),
        },
        headers=HTML,
    )
    assert response.status_code < 500
    row = await message(message_id)
    assert row["topics"] == ["Дороги"] and row["importance"] == "normal"


async def test_manual_entry_refuses_publication_times_outside_a_sane_window(
    demo: None, client: AsyncTestClient[Litestar]
) -> None:
    await sign_in(client, "penza-specialist")
    for posted_at, reason in (
        ("0001-01-01T00:00", "раньше 2000 года"),
        ("9999-12-31T23:59", "позже завтрашнего"),
    ):
        response = await client.post(
            "/o/penza/specialist/entry",
            data={
                "network": "vk",
                "url": "https://vk.com/wall-1_2",
                "text": "Яма на дороге",
                "posted_at": posted_at,
                "_csrf_token": await csrf_token(client),
            },
            headers=HTML,
        )
        assert response.status_code == 400 and reason in response.text
    assert await Message.count() == 0  # nothing half-stored


async def test_api_refuses_publication_times_a_system_would_retry_forever(
    demo: None, client: AsyncTestClient[Litestar]
) -> None:
    from app.db.tables import Organisation
    from app.identity.api_tokens import issue_token

    penza = await Organisation.objects().where(Organisation.slug == "penza").first()
    token = await issue_token(penza, "Мониторинг", created_by=None)
    for posted_at, reason in (
        ("0001-01-01T00:00:00+14:00", "раньше 2000 года"),
        ("9999-12-31T23:59:59-12:00", "позже завтрашнего"),
        ((clock.now() + timedelta(days=2)).isoformat(), "позже завтрашнего"),
    ):
        response = await client.post(
            "/api/v1/messages",
            json={"network": "vk", "text": "Яма", "posted_at": posted_at},
            headers={"authorization": f"Bearer {token}"},
        )
        assert response.status_code == 400, posted_at
        assert reason in str(response.json())
    assert await Message.count() == 0


async def test_a_failure_of_ours_is_logged_with_an_incident_code_the_page_shows(
    app: Litestar, caplog: pytest.LogCaptureFixture
) -> None:
    from litestar import get

    from app.web.guards import PUBLIC

    @get("/boom", opt=PUBLIC, name="boom")
    async def boom() -> str:
        raise RuntimeError("a bug")

    app.register(boom)
    async with AsyncTestClient(app=app) as client:
        page = await client.get("/boom", headers=HTML)
        api = await client.get("/boom")
    assert page.status_code == 500 and "код обращения" in page.text
    incident = api.json()["incident"]
    assert api.status_code == 500 and len(incident) == 8
    logged = [r for r in caplog.records if r.name == "otklik.web" and r.exc_info]
    assert len(logged) == 2 and incident in logged[1].getMessage()
    assert "RuntimeError: a bug" in caplog.text


async def test_bidi_controls_in_a_strangers_text_are_not_printed(
    demo: None, client: AsyncTestClient[Litestar]
) -> None:
    message_id = await new_message(
        "penza", "Счёт \u202eexe.png\u202c и \u2066ещё\u2069", author_name="Иван\u202e вонаВ"
    )
    await sign_in(client, "penza-specialist")
    page = (await client.get(f"/o/penza/cases/{message_id}", headers=HTML)).text
    assert "exe.png" in page and "Иван вонаВ" in page
    assert not any(chr(c) in page for c in (0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066))
    assert not any(chr(c) in page for c in (0x2067, 0x2068, 0x2069))


async def test_an_action_on_an_assignment_of_another_case_says_why_it_is_refused(
    demo: None, client: AsyncTestClient[Litestar]
) -> None:
    from tests.integration.services_helpers import routed_case

    first, _ = await routed_case("penza")
    _, other_assignment = await routed_case("penza", "Яма на дороге")
    await sign_in(client, "penza-specialist")
    response = await client.post(
        f"/o/penza/cases/{first}/assignments/{other_assignment}/approve",
        data={"version": "1", "_csrf_token": await csrf_token(client)},
        headers=HTML,
    )
    assert response.status_code == 409
    assert "относится к другому сообщению" in response.text
