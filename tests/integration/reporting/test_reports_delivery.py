"""Scheduled delivery: Penza's summary on Monday morning for the past week (p.20) with the
violations compiled (p.19); Parfino's summary and violations report for the past month by
the 5th (p.23, p.22); each exactly once, to the profile's recipients, with the signed PDF."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from app.core.config import get_settings
from app.db.tables import Notification, Organisation, Report, User
from app.reporting.delivery import deliver_due
from tests.integration.cases_helpers import MSK, Clock
from tests.integration.reporting.test_reports_pdf import assert_contains, pdf_text
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
    assert sent[("penza-head", "Сводная информация: неделя 47, 16–22 ноября 2026")] == 1
    assert sent[("penza-official", "Сводная информация: неделя 47, 16–22 ноября 2026")] == 1
    week = "неделя 47, 16–22 ноября 2026"
    assert sent[("penza-official", f"Информация о нарушениях: {week}")] == 1  # p.19
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
    assert sent[("parfino-official", "Сводная информация: ноябрь 2026")] == 1
    assert sent[("parfino-official", "Информация о нарушениях: ноябрь 2026")] == 1
    assert not any(login == "parfino-head" for login, _ in sent)  # p.23 names the official


async def test_parfino_p22_p23_december_reports_made_before_the_january_holidays() -> None:
    # 1–10 January 2027 has no working day and 31 December 2026 is a day off: the reports
    # due by 5 January are made on Wednesday 30 December 2026 once its working hours end.
    await _set_up_long_ago()
    clock = Clock(msk(30, 17, 59, month=12))
    await deliver_due()
    assert not await Report.exists().where(Report.period == "2026-12")
    clock.set(msk(30, 18, 0, month=12))
    await deliver_due()
    rows = await Report.select().where((Report.period == "2026-12") & (Report.file_format == "pdf"))
    assert {r["kind"] for r in rows} == {"summary", "violations"}
    sent = await _delivered()
    assert sent[("parfino-official", "Сводная информация: декабрь 2026")] == 1
    summary = next(r for r in rows if r["kind"] == "summary")
    text = pdf_text(get_settings().var_dir / summary["path"])
    assert_contains(
        text,
        "не позднее 5 января 2027 г. (п. 23 Положения)",
        "с 1 по 5 января рабочих дней нет",
        "в последний рабочий день отчётного месяца, 30 декабря 2026 г., после окончания "
        "рабочего времени",
    )
    # Monday 11 January 2027, the first working morning: December is not made twice.
    clock.set(datetime(2027, 1, 11, 9, tzinfo=MSK))
    await deliver_due()
    assert await Report.count().where(Report.period == "2026-12") == len(rows) * 2
    assert (await _delivered())[("parfino-official", "Сводная информация: декабрь 2026")] == 1


async def test_penza_p20_summary_goes_to_the_recipients_agreed_for_the_organisation() -> None:
    from app.identity.report_recipients import agreed_recipients, set_agreed_recipients
    from tests.integration.cases_helpers import org_id
    from tests.integration.timers_helpers import add_user, user_id

    await _set_up_long_ago()
    await build_week()
    penza = await org_id("penza")
    deputy = await add_user("first-deputy", penza, "official")
    await add_user("other-official", penza, "official")  # not agreed: gets no summary
    outsider = await add_user("parfino-clerk", await org_id("parfino"), "official")
    await set_agreed_recipients(penza, "summary", [await user_id("penza-head"), deputy, outsider])
    Clock(msk(23, 9))
    await deliver_due()
    sent = await _delivered()
    week = "неделя 47, 16–22 ноября 2026"
    summary = {login for (login, title), n in sent.items() if title.endswith(week) and n}
    got = {login for login in summary if (login, f"Сводная информация: {week}") in sent}
    assert got == {"penza-head", "first-deputy"}  # agreed, and members of Penza only
    # The violations report keeps the profile's roles: every official.
    assert ("other-official", f"Информация о нарушениях: {week}") in sent
    await set_agreed_recipients(penza, "summary", None)  # back to the profile's roles
    assert await agreed_recipients(penza) == {}
