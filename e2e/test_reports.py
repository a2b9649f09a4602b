"""The head sees an immediate report arrive (the bell, live) and acknowledges it."""

from __future__ import annotations

from playwright.sync_api import expect

from conftest import run_async
from e2e.conftest import screenshot


async def _send_report() -> int:
    from app import clock
    from app.db.tables import Organisation, User
    from app.domain.intake import validate_incoming
    from app.services.events import Actor
    from app.services.immediate import send_immediate_report
    from app.services.intake import intake_message
    from app.services.substitutes import actor_context

    org = await Organisation.objects().where(Organisation.slug == "penza").first()
    raw = {"network": "vk", "text": "Прорыв теплотрассы, 40 домов без отопления",
           "author_name": "Житель"}  # fmt: skip
    message_id, _ = await intake_message(org.id, validate_incoming(raw), Actor.system())
    user = await User.objects().where(User.login == "penza-specialist").first()
    specialist = await actor_context(user.id, org.id, clock.now().date())
    return await send_immediate_report(
        specialist, message_id=message_id, comment="40 домов без отопления, мороз −18 °C."
    )


def test_head_sees_an_immediate_report_arrive_and_acknowledges_it(people) -> None:
    head = people("penza-head")
    head.goto("/o/penza/head")
    bell = head.get_by_test_id("bell")
    before = int(bell.get_attribute("data-unread") or 0)
    expect(head.locator('[sse-connect="/live/me"][data-live="open"]')).to_be_attached()
    report_id = run_async(_send_report)
    expect(head.get_by_test_id("bell")).to_have_attribute(
        "data-unread", str(before + 1), timeout=5_000
    )
    head.reload()
    item = head.get_by_test_id(f"immediate-{report_id}")
    expect(item).to_contain_text("40 домов без отопления, мороз −18 °C.")
    expect(item).to_contain_text("Смирнова Анна Петровна")
    screenshot(head, "head-immediate-report")
    item.get_by_test_id("acknowledge").click()
    expect(
        head.get_by_test_id(f"immediate-{report_id}").get_by_test_id("acknowledged")
    ).to_contain_text("Принято к сведению")
    screenshot(head, "head-immediate-acknowledged")
