"""Topics from the dictionary in the keyboard-driven «Новые» queue (Parfino p.7)."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from e2e.conftest import screenshot
from e2e.pages import CasePage, enter_message


def test_topic_prefix_typed_in_the_new_queue_picks_a_dictionary_topic(people) -> None:
    specialist = people("parfino-specialist")
    text = f"Яма на дороге у моста, колёса пробиваем [{uuid.uuid4().hex[:6]}]"
    message_id = enter_message(specialist, "parfino", text)
    specialist.goto("/o/parfino/specialist")
    row = specialist.locator(f'li[data-message-id="{message_id}"]')
    field = row.get_by_label("Тема", exact=True)
    # Parfino p.7: «1» without a topic sends nothing; the browser asks for the topic.
    row.focus()
    specialist.keyboard.press("1")
    expect(field).to_be_focused()
    expect(row).to_have_attribute("data-testid", "new-row")
    specialist.keyboard.type("дор", delay=40)
    suggestions = row.get_by_test_id("topic-suggestions")
    option = suggestions.get_by_role("option", name="Дороги")
    expect(option).to_be_visible()
    screenshot(specialist, "parfino-topic-suggestions")
    specialist.keyboard.press("ArrowDown")
    expect(option).to_be_focused()
    specialist.keyboard.press("Enter")
    expect(field).to_have_value("Дороги")
    expect(field).to_be_focused()
    expect(suggestions.get_by_role("option")).to_have_count(0)
    specialist.keyboard.press("Enter")  # the row's form: «Требует реагирования»
    result = specialist.locator(f'[data-testid="new-row-result"][data-message-id="{message_id}"]')
    expect(result).to_contain_text("Передаётся ответственному работнику")
    CasePage(specialist).open("parfino", message_id)
    expect(specialist.get_by_test_id("case").locator(".badge.topic")).to_have_text(["Дороги"])
