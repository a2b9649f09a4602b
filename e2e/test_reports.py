"""The specialist sends «Срочный доклад главе» from a case; the head sees it arrive live
(the bell) and acknowledges it (Penza p.21)."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from e2e.conftest import screenshot
from e2e.pages import CasePage, enter_message


def test_penza_p21_immediate_report_from_the_case_reaches_the_head_live(people) -> None:
    specialist, head = people("penza-specialist"), people("penza-head")
    head.goto("/o/penza/head")
    before = int(head.get_by_test_id("bell").get_attribute("data-unread") or 0)
    expect(head.locator('[sse-connect="/live/me"][data-live="open"]')).to_be_attached()

    enter_message(specialist, "penza", f"Прорыв теплотрассы, 40 домов без отопления {uuid.uuid4()}")
    CasePage(specialist).mark("Отопление", important=True)
    # High importance opens the report at once, pre-filled from the message (p.21).
    box = specialist.get_by_test_id("immediate-report")
    expect(box.get_by_test_id("immediate-prompt")).to_be_visible()
    expect(box.get_by_test_id("immediate-comment")).to_have_value(
        re.compile("Прорыв теплотрассы, 40 домов без отопления")
    )
    comment = f"40 домов без отопления, мороз −18 °C. [{uuid.uuid4().hex[:6]}]"
    box.get_by_test_id("immediate-comment").fill(comment)
    with specialist.expect_response(lambda r: r.request.method == "POST"):
        box.get_by_test_id("immediate-send").click()
    screenshot(specialist, "case-immediate-report-sent")

    expect(head.get_by_test_id("bell")).to_have_attribute(
        "data-unread", str(before + 1), timeout=5_000
    )
    head.reload()
    item = head.locator("li[data-testid^=immediate-]", has_text=comment)
    expect(item).to_contain_text("Смирнова Анна Петровна")
    screenshot(head, "head-immediate-report")
    item.get_by_test_id("acknowledge").click()
    expect(
        head.locator("li[data-testid^=immediate-]", has_text=comment).get_by_test_id("acknowledged")
    ).to_contain_text("Принято к сведению")
    screenshot(head, "head-immediate-acknowledged")
