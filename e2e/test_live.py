"""Live queues (SSE over Redis pub/sub) and countdowns that tick only in working time."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import httpx
from playwright.sync_api import expect

from conftest import run_async
from e2e.conftest import screenshot
from e2e.pages import CasePage, enter_message


async def _penza_token() -> str:
    from app.db.tables import Organisation
    from app.identity.api_tokens import issue_token

    penza = await Organisation.objects().where(Organisation.slug == "penza").first()
    return await issue_token(penza, "e2e", created_by=None)


def test_a_new_message_appears_in_the_open_queue_without_reload(people, live_server) -> None:
    specialist = people("penza-specialist")
    specialist.goto("/o/penza/specialist")
    expect(specialist.locator('[sse-connect="/o/penza/live"][data-live="open"]')).to_be_attached()
    specialist.evaluate("window.__notReloaded = true")
    text = f"Живая очередь: новое сообщение {uuid.uuid4().hex[:6]}"
    response = httpx.post(
        f"{live_server}/api/v1/messages",
        json={"network": "telegram", "text": text, "external_id": uuid.uuid4().hex},
        headers={"authorization": f"Bearer {run_async(_penza_token)}"},
    )
    assert response.status_code == 201
    expect(specialist.get_by_test_id("queue")).to_contain_text(text, timeout=3_000)
    assert specialist.evaluate("window.__notReloaded") is True
    screenshot(specialist, "live-new-message")


def test_another_users_action_updates_the_work_queue_live(people) -> None:
    specialist, other = people("penza-specialist"), people("penza-official")
    message_id = enter_message(
        specialist, "penza", f"Проверка живого обновления {uuid.uuid4().hex[:6]}"
    )
    other.goto("/o/penza/specialist/work")
    expect(other.locator('[sse-connect="/o/penza/live"][data-live="open"]')).to_be_attached()
    other.evaluate("window.__notReloaded = true")
    row = other.locator(f'[data-testid="work-row"][data-message-id="{message_id}"]')
    expect(row).to_have_count(0)
    CasePage(specialist).mark("Освещение")
    expect(row).to_have_count(1, timeout=3_000)
    assert other.evaluate("window.__notReloaded") is True


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("−") else 1
    hours, minutes = text.lstrip("−").split(":")
    return sign * (int(hours) * 3600 + int(minutes) * 60)


def test_countdown_runs_only_in_working_time(people) -> None:
    from app.demo.seed import PENZA_SCHEDULE
    from app.domain.worktime.org_calendar import work_calendar_from_settings

    specialist = people("penza-specialist")
    message_id = enter_message(specialist, "penza", f"Часы идут по рабочему времени {uuid.uuid4()}")
    CasePage(specialist).mark("ЖКХ")
    specialist.clock.install()
    CasePage(specialist).open("penza", message_id)
    answer = specialist.get_by_test_id("deadlines").locator("tr", has_text="Размещение ответа")
    countdown = answer.locator(".countdown")
    remaining = int(countdown.get_attribute("data-remaining") or 0)
    at = datetime.fromisoformat(countdown.get_attribute("data-at") or "")
    intervals = json.loads(specialist.locator("#work-intervals").text_content() or "{}")
    loaded = datetime.fromisoformat(intervals["now"])

    specialist.clock.fast_forward("16:00:00")  # sixteen hours of wall time pass
    specialist.wait_for_timeout(1_100)  # one tick of the countdown
    shown = _seconds(countdown.locator(".cd-value").inner_text())

    calendar = work_calendar_from_settings("Europe/Moscow", PENZA_SCHEDULE, {})
    worked = calendar.between(at, loaded + timedelta(hours=16))
    expected = remaining - int(worked.total_seconds())
    # Minutes are shown; allow the rounding and the second the page took to load.
    assert abs(shown - expected) <= 120, (shown, expected)
    # Sixteen wall hours never hold sixteen working hours: the clock stopped off hours.
    assert remaining - shown < 16 * 3600 - 60
    screenshot(specialist, "countdown-after-16h")
