"""The bell updates live when a notification is created for the user."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from conftest import run_async
from e2e.conftest import screenshot


async def _notify(login: str, title: str) -> None:
    from app.db.tables import User
    from app.notify.notifications import Kind, NewNotification, create_notifications

    user = await User.objects().where(User.login == login).first()
    await create_notifications(
        [NewNotification(user.id, Kind.VIOLATION, title, "Срок шага истёк", "/", uuid.uuid4().hex)]
    )


def test_bell_counts_a_new_notification_without_reload(people) -> None:
    official = people("penza-official")
    official.goto("/o/penza/official")
    bell = official.get_by_test_id("bell")
    expect(bell).not_to_have_attribute("data-unread", "")  # fetched on load (issue 16, item 1)
    before = int(bell.get_attribute("data-unread") or 0)
    expect(official.locator('[sse-connect="/live/me"][data-live="open"]')).to_be_attached()
    official.evaluate("window.__notReloaded = true")
    run_async(lambda: _notify("penza-official", "Нарушение: проект не согласован"))
    expect(official.get_by_test_id("bell")).to_have_attribute(
        "data-unread", str(before + 1), timeout=3_000
    )
    assert official.evaluate("window.__notReloaded") is True
    official.get_by_test_id("bell").click()
    expect(official.get_by_test_id("notifications")).to_contain_text("проект не согласован")
    screenshot(official, "notifications")
    official.goto("/o/penza/violations")
    screenshot(official, "violations")


def test_the_bell_shows_the_unread_count_as_the_page_loads(people) -> None:
    """Issue 16, item 1: the number is there without waiting for a live event."""
    run_async(lambda: _notify("penza-head", "Срочный доклад: прорыв трубы"))
    head = people("penza-head")
    head.goto("/o/penza/head")
    bell = head.get_by_test_id("bell")
    expect(bell.locator(".bell-count")).to_be_visible()
    unread = int(bell.get_attribute("data-unread") or 0)
    assert unread >= 1
    expect(bell).to_contain_text(f"Уведомления: {unread} непрочитанных")
