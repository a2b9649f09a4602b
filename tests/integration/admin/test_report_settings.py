"""«Отчёты и оповещения»: the admin agrees the summary's recipients (Penza p.20) and the
reminder limits; refused input comes back with Russian errors and changes nothing."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.db.json_columns import json_value
from app.db.tables import Event, Organisation
from app.identity.report_recipients import agreed_recipients
from tests.integration.cases_helpers import org_id
from tests.integration.conftest import sign_in
from tests.integration.timers_helpers import user_id

pytestmark = pytest.mark.usefixtures("demo")
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def _form(client: AsyncTestClient[Litestar]) -> str:
    page = await client.get("/o/penza/admin/reports/")
    assert page.status_code == 200 and "Отчёты и оповещения" in page.text
    token = CSRF.search(page.text)
    assert token is not None
    return token.group(1)


async def test_admin_agrees_the_summary_recipients_and_the_reminder_limits(app: Litestar) -> None:
    head, official = await user_id("penza-head"), await user_id("penza-official")
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "admin")
        token = await _form(client)
        saved = await client.post(
            "/o/penza/admin/reports/",
            data={
                "_csrf_token": token,
                "mode_summary": "agreed",
                "users_summary": [str(head), str(official)],
                "mode_violations": "roles",
                "unscreened_minutes": "45",
                "immediate_report_minutes": "20",
            },
            follow_redirects=False,
        )
        assert saved.status_code in (302, 303)
    penza = await org_id("penza")
    assert await agreed_recipients(penza) == {"summary": sorted([head, official])}
    row = await Organisation.select(Organisation.alert_settings).where(Organisation.id == penza)
    assert json_value(row[0]["alert_settings"])["unscreened_minutes"] == 45
    assert await Event.exists().where(Event.kind == "admin_report_settings")


async def test_bad_input_is_refused_in_russian_and_nothing_changes(app: Litestar) -> None:
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "admin")
        token = await _form(client)
        refused = await client.post(
            "/o/penza/admin/reports/",
            data={
                "_csrf_token": token,
                "mode_summary": "agreed",
                "mode_violations": "roles",
                "unscreened_minutes": "ноль",
                "immediate_report_minutes": "99999999",
            },
        )
        assert refused.status_code == 400
        assert "Отметьте хотя бы одного получателя" in refused.text
        assert refused.text.count("Целое число минут рабочего времени") == 2
    assert await agreed_recipients(await org_id("penza")) == {}
    assert not await Event.exists().where(Event.kind == "admin_report_settings")


async def test_only_the_admin_opens_it(app: Litestar) -> None:
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "penza-official")
        assert (await client.get("/o/penza/admin/reports/")).status_code == 403
