"""No code reaches a reader: the summary and violations reports (PDF, web page, XLSX) and the
violations register speak Russian: network and importance titles, role titles for steps
nobody was charged with, the time zone as «Москва, МСК (UTC+3)», periods as «неделя 47,
16–22 ноября 2026», plurals, decimal commas and durations as «2 ч 12 мин»."""

from __future__ import annotations

import re
from html import unescape
from io import BytesIO

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from app.asgi import create_app
from app.db.tables import User, Violation
from app.identity.organisations import organisation_rules
from app.reporting.archive import produce
from app.reporting.periods import parse_period
from tests.integration.conftest import sign_in
from tests.integration.reporting.test_reports_pdf import layout_lines, needs_poppler, pdf_text
from tests.integration.reporting.test_reports_reconcile import _build_march
from tests.integration.reports_helpers import Week, build_week, msk, with_reports

pytestmark = pytest.mark.usefixtures("demo")
W47 = parse_period("2026-W47")
# Codes that must never be printed: networks, importance, roles, the zone, the ISO period.
RAW = re.compile(
    r"\b(vk|ok|telegram|normal|high|executor|specialist|coordinator|official|answer|draft|"
    r"route|hand_over|in_work|done)\b|Europe/|\bW\d{1,2}\b|\d{4}-W\d|\d+ мин раб"
)
NBSP = "\u00a0"


@pytest.fixture
def app() -> Litestar:
    """The web app with the reports controllers."""
    return with_reports(create_app(use_db_pool=False))


def visible(html: str) -> str:
    """What a person reads on a page: no tags, scripts, styles or attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<img\b[^>]*>", " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace(NBSP, " ").split())


def assert_plain(text: str, where: str) -> None:
    found = sorted({m.group(0) for m in RAW.finditer(text)})
    assert not found, f"{where}: raw codes {found}"


async def _week_with_an_unassigned_step() -> Week:
    """The hand-built week plus a routing step nobody was charged with (Penza p.8); the
    roads executor (a login as a name in the helper) gets a person's name."""
    w = await build_week()
    await User.update({User.full_name: "Петров Пётр Ильич"}).where(User.id == w.roads_executor)
    await Violation(
        organisation=w.org,
        message=w.m["M5"],
        step="route",
        clause="8",
        started_at=msk(19, 14),
        due_at=msk(19, 16),
        responsible_role="specialist",
        recorded_at=msk(19, 16),
        late_minutes=168,
        dedup_key="plain:M5:route",
    ).save()
    return w


@needs_poppler
async def test_summary_and_violations_pdf_speak_russian() -> None:
    w = await _week_with_an_unassigned_step()
    rules = await organisation_rules(w.org)
    summary = await produce(rules, "summary", W47, "pdf")
    violations = await produce(rules, "violations", W47, "pdf")
    assert summary is not None and violations is not None
    for made in (summary, violations):
        text = " ".join(layout_lines(made.path)).replace(NBSP, " ")
        assert_plain(text, made.kind)
        assert "неделя 47, 16–22 ноября 2026" in text and "Москва, МСК (UTC+3)" in text
    text = pdf_text(summary.path)
    for phrase in (
        "ВКонтакте",
        "Одноклассники",
        "Telegram",
        "обычная",
        "высокая",
        "случаевтребовали",  # 5
        "ответавсрок",  # 2
        "ответснарушением",  # 1 (the tile wraps its label)
        "Исполнитель(неназначен)",
        "Специалист(неназначен)",
        "66,7%",
    ):
        assert phrase in text.replace(NBSP, ""), phrase
    text = pdf_text(violations.path).replace(NBSP, "")
    for phrase in ("Специалист(неназначен)", "2ч12мин", "2ч48мин", "Срок(МСК)"):
        assert phrase in text, phrase


async def test_summary_web_page_speaks_russian(client: AsyncTestClient[Litestar]) -> None:
    await _week_with_an_unassigned_step()
    await sign_in(client, "penza-official")
    page = visible((await client.get("/o/penza/reports/summary?period=2026-W47")).text)
    body = page[page.index("Отчётный период") :]  # the report, not the page's menus
    assert_plain(body, "summary page")
    for phrase in (
        "5 случаев требовали реакции",
        "2 ответа в срок",
        "1 ответ с нарушением срока",
        "ВКонтакте",
        "высокая",
        "Исполнитель (не назначен)",
        "Москва, МСК (UTC+3)",
        "← неделя 46, 9–15 ноября 2026",
    ):
        assert phrase in page, phrase
    violations = visible((await client.get("/o/penza/reports/violations?period=2026-W47")).text)
    body = violations[violations.index("Отчётный период") :]
    assert_plain(body, "violations page")
    assert "Специалист (не назначен)" in body and "2 ч 48 мин" in body


async def test_xlsx_speaks_russian() -> None:
    w = await _week_with_an_unassigned_step()
    rules = await organisation_rules(w.org)
    cells: list[str] = []
    for kind in ("summary", "violations"):
        made = await produce(rules, kind, W47, "xlsx")
        assert made is not None
        book = load_workbook(BytesIO(made.path.read_bytes()))
        cells += [
            str(v).replace(NBSP, " ")
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if isinstance(v, str)
        ]
    text = " | ".join(cells)
    assert_plain(text, "xlsx")
    for phrase in ("ВКонтакте", "Telegram", "высокая", "Исполнитель (не назначен)",
                   "Специалист (не назначен)", "2 ч 12 мин", "неделя 47, 16–22 ноября 2026",
                   "Москва, МСК (UTC+3)"):  # fmt: skip
        assert phrase in text, phrase


async def test_register_speaks_russian_and_lists_the_months_violations(
    client: AsyncTestClient[Litestar],
) -> None:
    await _week_with_an_unassigned_step()
    await sign_in(client, "penza-official")
    page = visible((await client.get("/o/penza/violations?month=2026-11")).text)
    table = page[page.index("Срок (МСК)") :]
    assert_plain(table, "register")
    for phrase in ("Специалист (не назначен)", "2 ч 12 мин", "2 ч 48 мин", "Москва, МСК (UTC+3)"):
        assert phrase in table, phrase
    # Parfino's March: the register holds the five violations the reports count.
    await _build_march()
    await sign_in(client, "parfino-official")
    march = await client.get("/o/parfino/violations?month=2026-03")
    assert march.text.count('data-testid="decision"') == 5  # one row per violation
