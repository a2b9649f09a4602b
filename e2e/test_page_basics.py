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


CONTRAST = """
([cls]) => {
  const el = document.createElement("span");
  el.className = cls;
  el.textContent = "Одноклассники";
  document.querySelector("main").append(el);
  const style = getComputedStyle(el);
  const rgb = (s) => s.match(/\\d+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = c.map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))].sort((x, y) => y - x);
  el.remove();
  return (a + 0.05) / (b + 0.05);
}
"""


def test_network_badges_are_readable(people) -> None:
    """Issue 16, item 18: each network's badge at 4.5:1 or more (OK was 3.3:1, Telegram 3.9:1)."""
    specialist = people("penza-specialist")
    specialist.goto("/o/penza/specialist")
    for network in ("vk", "ok", "telegram", "max"):
        ratio = specialist.evaluate(CONTRAST, [f"badge net-{network}"])
        assert ratio >= 4.5, (network, round(ratio, 2))
