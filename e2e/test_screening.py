"""Screening assistance in the browser, both organisations (issue #15): a message arrives
through the API, the worker assesses it and «Новые» shows its flags with the words
highlighted within a second or so; the specialist refuses it choosing the suggested reason
(nothing pre-selected); an urgent one is marked and routed with the suggested departments
listed first, never ticked; the official sees the agreement per month. Screenshots in
e2e/artifacts/screening-*.png."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from conftest import run_async
from e2e.conftest import screenshot
from e2e.pages import CasePage

HOSTILE = "<script>alert(1)</script> Глава, ты хуй, я тебя убью"
# (Parfino's cold-start routing knows «ЖКХ» and «подъезд», not yet «горячая вода».)
URGENT = "Прорвало трубу на ул. Ленина, 5, в подъезде вода, ЖКХ не едет"


@pytest.fixture(scope="module")
def worker(live_server: str) -> Iterator[None]:
    """`otklik worker` beside the e2e server (which runs none), for this module only."""
    process = subprocess.Popen([sys.executable, "-m", "app.cli", "worker"], env=dict(os.environ))
    from app.core.redis import WORKER_HEARTBEAT_KEY

    async def beating() -> bool:
        from redis.asyncio import Redis

        redis = Redis.from_url(os.environ["REDIS_URL"])
        try:
            return bool(await redis.exists(WORKER_HEARTBEAT_KEY))
        finally:
            await redis.aclose()

    deadline = time.monotonic() + 60
    while not run_async(beating):
        assert process.poll() is None and time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.2)
    yield
    process.terminate()
    process.wait(15)


def _token(slug: str) -> str:
    async def issue() -> str:
        from app.db.tables import Organisation
        from app.identity.api_tokens import issue_token

        organisation = await Organisation.objects().where(Organisation.slug == slug).first()
        return await issue_token(organisation, "e2e-screening", created_by=None)

    return str(run_async(issue))


def _deliver(base_url: str, token: str, text: str) -> int:
    response = httpx.post(
        f"{base_url}/api/v1/messages",
        json={
            "network": "vk",
            "text": text,
            "external_id": uuid.uuid4().hex,
            "author_name": "Житель",
        },
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _row(page: Page, message_id: int):  # type: ignore[no-untyped-def]
    return page.locator(f'[data-testid="new-row"][data-message-id="{message_id}"]')


@pytest.mark.parametrize("slug", ["penza", "parfino"])
def test_a_flagged_message_and_a_routed_one(people, live_server, worker, slug) -> None:  # type: ignore[no-untyped-def]
    specialist = people(f"{slug}-specialist")
    specialist.goto(f"/o/{slug}/specialist")
    expect(specialist.locator(f'[sse-connect="/o/{slug}/live"][data-live="open"]')).to_be_attached()
    token = _token(slug)
    started = time.monotonic()
    hostile = _deliver(live_server, token, f"{HOSTILE} {uuid.uuid4().hex[:4]}")
    row = _row(specialist, hostile)
    expect(row.get_by_test_id("flag").first).to_be_visible(timeout=15_000)
    print(f"{slug}: delivered → flags on «Новые»: {(time.monotonic() - started) * 1000:.0f} ms")
    expect(row.locator("mark.evidence", has_text="хуй")).to_be_visible()
    expect(row.locator(".card-text")).to_contain_text("<script>alert(1)</script>")  # as text
    assert row.locator("select[name=reason]").input_value() == ""  # the person chooses
    urgent = _deliver(live_server, token, f"{URGENT} {uuid.uuid4().hex[:4]}")
    urgent_row = _row(specialist, urgent)
    expect(urgent_row.get_by_test_id("importance-suggestion")).to_contain_text(
        "предлагается: высокая", timeout=15_000
    )
    expect(urgent_row.get_by_test_id("places")).to_contain_text("Ленина")
    screenshot(specialist, f"screening-{slug}-queue")

    case = CasePage(specialist).open(slug, hostile)
    expect(specialist.get_by_test_id("evidence-list")).to_contain_text("„хуй“")
    screenshot(specialist, f"screening-{slug}-flagged-case")
    suggested = specialist.locator("select[name=reason] optgroup[label='Предлагается']")
    expect(suggested).to_contain_text("Нецензурные выражения")
    case.refuse("Нецензурные выражения")
    case.expect_state("Не подлежит обработке")

    case = CasePage(specialist).open(slug, urgent)
    case.mark("ЖКХ", important=True)
    router = specialist
    if slug == "parfino":  # Parfino p.7: the coordinator routes
        case.hand_over()
        router = people("parfino-coordinator")
        case = CasePage(router).open(slug, urgent)
    form = router.get_by_test_id("route-form")
    first = form.get_by_test_id("route-row").first
    expect(first).to_have_attribute("data-suggested", "1")
    expect(first).to_contain_text("почему: слова")
    assert form.locator("input[name=departments]:checked").count() == 0  # never pre-ticked
    screenshot(router, f"screening-{slug}-route-form")
    suggested = first.locator("label").inner_text().strip()
    case.route(suggested)
    expect(case.assignment(suggested)).to_be_visible()

    official = people(f"{slug}-official")
    official.goto(f"/o/{slug}/official")
    official.get_by_test_id("agreement-link").click()
    expect(official.get_by_test_id("agreement")).to_contain_text("флаги: согласие")
    screenshot(official, f"screening-{slug}-agreement")
