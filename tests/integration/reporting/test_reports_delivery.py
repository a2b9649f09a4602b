"""Scheduled delivery: Penza's summary on Monday morning for the past week (p.20) with the
violations compiled (p.19); Parfino's summary and violations report for the past month by
the 5th (p.23, p.22); each exactly once, to the profile's recipients, with the signed PDF."""

from __future__ import annotations

from collections import Counter

import pytest

from app.db.tables import Notification, Organisation, Report, User
from app.reporting.delivery import deliver_due
from tests.integration.cases_helpers import Clock
from tests.integration.reports_helpers import build_week, msk
from tests.integration.timers_helpers import pooled  # noqa: F401

pytestmark = pytest.mark.usefixtures("demo")


async def _set_up_long_ago() -> None:
    # Reports are made only for periods after the organisation was set up.
    await Organisation.update({Organisation.created_at: msk(1, 0, month=9)}).where(
        Organisation.id > 0
    )


async def _delivered() -> Counter[tuple[str, str]]:
    names = {r["id"]: r["login"] for r in await User.select(User.id, User.login)}
    rows = await Notification.select().where(Notification.kind == "report")
    return Counter((names[r["user"]], r["title"]) for r in rows)


async def test_penza_p20_weekly_summary_on_monday_morning_exactly_once() -> None:
    await _set_up_long_ago()
    await build_week()
    clock = Clock(msk(23, 8, 59))  # Monday before the working day starts
    result = await deliver_due()
    assert not result.errors and not await Report.exists().where(Report.period == "2026-W47")
    clock.set(msk(23, 9))
    assert (await deliver_due()).reports >= 2
    made = {
        (r["kind"], r["file_format"])
        for r in await Report.select().where(Report.period == "2026-W47")
    }
    assert made == {
        ("summary", "pdf"),
        ("summary", "xlsx"),
        ("violations", "pdf"),
        ("violations", "xlsx"),
    }
    sent = await _delivered()
    assert sent[("penza-head", "Сводная информация за период 2026-W47")] == 1
    assert sent[("penza-official", "Сводная информация за период 2026-W47")] == 1
    assert sent[("penza-official", "Информация о нарушениях за период 2026-W47")] == 1  # p.19
    assert all(
        r["attachment"].endswith(".pdf")
        for r in await Notification.select().where(Notification.kind == "report")
    )
    before = await Report.count()
    clock.set(msk(23, 9, 10))
    assert (await deliver_due()).reports == 0
    assert await Report.count() == before and await _delivered() == sent


async def test_parfino_p23_and_p22_monthly_reports_by_the_fifth() -> None:
    await _set_up_long_ago()
    clock = Clock(msk(30, 23, 0))
    await deliver_due()
    assert not await Report.exists().where(Report.period == "2026-11")
    clock.set(msk(1, 9, 0, month=12))  # Tuesday 1 December, the first working morning
    await deliver_due()
    rows = await Report.select(Report.kind, Report.file_format).where(Report.period == "2026-11")
    parfino = {(r["kind"], r["file_format"]) for r in rows}
    assert {("summary", "pdf"), ("violations", "pdf")} <= parfino
    sent = await _delivered()
    assert sent[("parfino-official", "Сводная информация за период 2026-11")] == 1
    assert sent[("parfino-official", "Информация о нарушениях за период 2026-11")] == 1
    assert not any(login == "parfino-head" for login, _ in sent)  # p.23 names the official
