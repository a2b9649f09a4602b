"""Issue 16 (UX round 2), items 16 and 19: what every page carries."""

from __future__ import annotations

from playwright.sync_api import expect


def test_every_page_has_a_favicon_that_loads(people) -> None:
    specialist = people("penza-specialist")
    for path in ("/o/penza/specialist", "/notifications"):
        specialist.goto(path)
        href = specialist.locator('link[rel="icon"]').get_attribute("href")
        assert href, path
        answer = specialist.request.get(href)
        assert answer.status == 200 and "svg" in answer.headers["content-type"], path


def test_text_in_inputs_is_not_bold_like_the_labels(people) -> None:
    specialist = people("penza-specialist")
    specialist.goto("/o/penza/specialist/entry")
    fields = specialist.locator("input[type=text], input:not([type]), textarea, select")
    expect(fields.first).to_be_visible()
    weights = fields.evaluate_all("els => els.map(e => getComputedStyle(e).fontWeight)")
    assert weights and set(weights) == {"400"}, weights
