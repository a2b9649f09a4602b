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
