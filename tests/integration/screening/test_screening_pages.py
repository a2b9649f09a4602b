"""Screening assistance on the pages of both organisations: flags with the matched words
highlighted (escaped), the importance suggestion, places, the suggested refusal reason first
and never pre-selected, suggested departments first in the route form with «почему» and never
ticked; places corrected on the case page within bounds and roles."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.cases import actions as cases
from app.domain.regulation.model import Importance
from app.screening.assess import assess_message
from tests.integration.cases_helpers import message, new_message, person
from tests.integration.conftest import sign_in

pytestmark = pytest.mark.usefixtures("demo")
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
HTMX = {"HX-Request": "true", "HX-Target": "places"}

HOSTILE = "<script>alert(1)</script> Глава, ты хуй, я тебя убью"
URGENT = "Прорвало трубу на ул. Ленина, 5, вода в подъезде, горячей воды нет"


def _row(page: str, message_id: int) -> str:
    start = page.index(f'id="new-row-{message_id}"')
    return page[start : page.index("</li>", start)]


def _select(html: str) -> str:
    start = html.index('<select name="reason"')
    return html[start : html.index("</select>", start)]


async def _assessed(slug: str, text: str) -> int:
    message_id = await new_message(slug, text)
    assert await assess_message(message_id)
    return message_id


@pytest.mark.parametrize("slug", ["penza", "parfino"])
async def test_the_queue_shows_flags_highlighted_and_escaped(app: Litestar, slug: str) -> None:
    hostile = await _assessed(slug, HOSTILE)
    urgent = await _assessed(slug, URGENT)
    unassessed = await new_message(slug, "Спасибо за площадку")
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, f"{slug}-specialist")
        page = (await client.get(f"/o/{slug}/specialist")).text
    row = _row(page, hostile)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in row
    assert re.search(r'<mark class="evidence" title="[^"]+" data-testid="evidence">хуй</mark>', row)
    assert 'data-code="obscene_language"' in row and "Нецензурные выражения" in row
    # The suggested reason comes first, yet the person chooses: nothing is pre-selected.
    select = _select(row)
    assert '<option value="" selected disabled>Основание…</option>' in select
    assert select.count("selected") == 1
    assert select.index('label="Предлагается"') < select.index('value="obscene_language"')
    assert select.index('value="obscene_language"') < select.index('value="no_reaction_needed"')
    urgent_row = _row(page, urgent)
    assert "предлагается: высокая — „" in urgent_row
    assert re.search(
        r'data-testid="places">Адреса: <span class="badge place">ул\. Ленина', urgent_row
    )
    assert 'data-testid="flags"' not in urgent_row
    plain = _row(page, unassessed)
    assert "<mark" not in plain and 'label="Предлагается"' not in _select(plain)


async def test_the_case_page_shows_the_evidence_and_the_route_form_suggests(
    app: Litestar,
) -> None:
    hostile = await _assessed("penza", HOSTILE)
    urgent = await _assessed("penza", URGENT)
    specialist = await person("penza-specialist", "penza")
    await cases.mark_for_reaction(specialist, urgent, 1, ["ЖКХ"], Importance.HIGH)
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "penza-specialist")
        page = (await client.get(f"/o/penza/cases/{hostile}/")).text
        assert "<script>alert" not in page
        evidence = page[page.index('data-testid="evidence-list"') :]
        assert "Нецензурные выражения</strong>: „хуй“ — " in evidence
        assert 'data-testid="message-text">&lt;script&gt;' in page
        assert _select(page).count("selected") == 1
        routed = (await client.get(f"/o/penza/cases/{urgent}/")).text
    form = routed[routed.index('data-testid="route-form"') :]
    form = form[: form.index("</form>")]
    rows = re.findall(
        r'data-testid="route-row"( data-suggested="1")?>\s*<div><label[^>]*>'
        r'<input type="checkbox" name="departments" value="\d+"> ([^<]+)</label>',
        form,
    )
    suggested = [name for flag, name in rows if flag]
    assert 1 <= len(suggested) <= 3 and [n for _, n in rows[: len(suggested)]] == suggested
    assert len(rows) == 9  # every active department is still offered
    assert suggested[0] == "Управление жилищно-коммунального хозяйства"
    assert re.search(
        r'<span class="score">\d{1,3} %</span> <span class="muted small why">'
        r"почему: слова „",
        form,
    )
    assert "checked" not in form  # never pre-ticked
    assert 'data-testid="route-topic-suggestions"' in form


async def test_the_parfino_coordinator_sees_the_suggestions_in_the_route_form(
    app: Litestar,
) -> None:
    urgent = await _assessed("parfino", URGENT)
    specialist = await person("parfino-specialist", "parfino")
    await cases.mark_for_reaction(specialist, urgent, 1, ["ЖКХ"], Importance.HIGH)
    await cases.hand_over(specialist, urgent, 2)
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "parfino-coordinator")
        page = (await client.get(f"/o/parfino/cases/{urgent}/")).text
    form = page[page.index('data-testid="route-form"') :]
    first = form[form.index('data-testid="route-row"') :][:600]
    assert 'data-suggested="1"' in first and "Комитет ЖКХ" in first and "почему: слова" in first
    assert "checked" not in form[: form.index("</form>")]


async def test_places_are_corrected_on_the_case_page_within_bounds_and_roles(
    app: Litestar,
) -> None:
    urgent = await _assessed("penza", URGENT)
    other = await _assessed("parfino", URGENT)
    url = f"/o/penza/cases/{urgent}/places"
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "penza-specialist")
        page = (await client.get(f"/o/penza/cases/{urgent}/")).text
        token = CSRF.search(page).group(1)  # type: ignore[union-attr]
        assert 'data-testid="places-panel"' in page and "Найдены автоматически" in page
        added = await client.post(
            url, data={"add": "ул. <b>Кирова</b>, 12", "_csrf_token": token}, headers=HTMX
        )
        assert added.status_code == 200 and "ул. &lt;b&gt;Кирова&lt;/b&gt;, 12" in added.text
        assert "Исправлено специалистом" in added.text
        long = await client.post(url, data={"add": "д" * 201, "_csrf_token": token}, headers=HTMX)
        assert "Адрес длиннее 200 знаков." in long.text
        assert 'value="' + "д" * 200 in long.text  # what was typed comes back (bounded)
        empty = await client.post(url, data={"add": "  ", "_csrf_token": token}, headers=HTMX)
        assert "Введите адрес." in empty.text
        removed = await client.post(
            url,
            data={"remove": "ул. <b>Кирова</b>, 12", "_csrf_token": token},
            follow_redirects=False,
        )
        assert removed.status_code in (302, 303)  # without htmx: back to the case page
        foreign = await client.post(
            f"/o/penza/cases/{other}/places", data={"add": "x", "_csrf_token": token}, headers=HTMX
        )
        assert foreign.status_code == 404  # another organisation's message does not exist here
        log = (await client.get(f"/o/penza/cases/{urgent}/")).text
        assert "Исправлены адреса" in log
    row = await message(urgent)
    assert "ул. <b>Кирова</b>, 12" not in row["places"] and row["places_edited_at"] is not None
    assert (await message(other))["places_edited_at"] is None
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, "penza-executor")
        token = CSRF.search((await client.get("/o/penza/executor")).text).group(1)  # type: ignore[union-attr]
        refused = await client.post(
            url, data={"add": "ул. Мира, 1", "_csrf_token": token}, headers=HTMX
        )
        assert refused.status_code == 403  # an executor does not correct places
        foreign = await client.get(f"/o/parfino/cases/{other}/")
        assert foreign.status_code in (403, 404)  # nor sees another organisation's case
        refused = await client.post(
            f"/o/parfino/cases/{other}/places",
            data={"add": "x", "_csrf_token": token},
            headers=HTMX,
        )
        assert refused.status_code in (403, 404)
    assert (await message(other))["places_edited_at"] is None
