"""Oversight on the case page: other breaches recorded and shown escaped (Penza p.19,
Parfino p.22), and the immediate report prompted by high importance (Parfino p.9, p.24)."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.cases import actions as cases
from app.domain.regulation.model import Importance
from tests.integration.cases_helpers import new_message, person
from tests.integration.conftest import sign_in
from tests.integration.services_helpers import routed_case

pytestmark = pytest.mark.usefixtures("demo")
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def test_the_case_page_records_and_shows_a_breach_escaped(app: Litestar) -> None:
    message_id, _ = await routed_case("penza")
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "penza-official")
        page = await client.get(f"/o/penza/cases/{message_id}/")
        assert "Зафиксировать иное нарушение" in page.text
        token = CSRF.search(page.text)
        assert token is not None
        payload = "<script>alert(1)</script> ответ без фото"
        response = await client.post(
            f"/o/penza/cases/{message_id}/breaches",
            data={
                "kind": "missing_media",
                "description": payload,
                "person": "",
                "_csrf_token": token.group(1),
            },
            headers={"HX-Request": "true", "HX-Target": "case"},
        )
        assert response.status_code == 200
        assert "Ответ без запрошенных фото- или видеоматериалов" in response.text
        assert "&lt;script&gt;" in response.text and "<script>alert" not in response.text
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "penza-executor")
        page = await client.get(f"/o/penza/cases/{message_id}/")
        assert "Зафиксировать иное нарушение" not in page.text


async def test_marking_high_importance_prompts_the_prefilled_immediate_report(
    app: Litestar,
) -> None:
    specialist = await person("parfino-specialist", "parfino")
    message_id = await new_message("parfino", "Сорвало крышу школы №2, дети в классах")
    await cases.mark_for_reaction(specialist, message_id, 1, ["Образование"], Importance.HIGH)
    normal = await new_message("parfino", "Просим покрасить забор")
    await cases.mark_for_reaction(specialist, normal, 1, ["ЖКХ"], Importance.NORMAL)
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "parfino-specialist")
        page = (await client.get(f"/o/parfino/cases/{message_id}/")).text
        assert 'data-testid="immediate-prompt"' in page and "незамедлительно" in page
        assert "Сорвало крышу школы №2" in page.split('data-testid="immediate-comment"')[1]
        plain = (await client.get(f"/o/parfino/cases/{normal}/")).text
        assert 'data-testid="immediate-prompt"' not in plain
