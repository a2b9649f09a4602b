"""When the periodic reports are made (Parfino p.22, p.23 «не позднее 5 числа»; Penza p.20),
on the real Russian production calendar."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.domain.report_schedule import report_schedule
from app.domain.worktime import ProductionCalendar, WeeklySchedule, WorkCalendar

MSK = ZoneInfo("Europe/Moscow")
CAL = WorkCalendar(WeeklySchedule.five_day_40h(), ProductionCalendar.russia(), tz="Europe/Moscow")


def msk(y: int, m: int, d: int, h: int, minute: int = 0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=MSK)


def test_parfino_p22_p23_ordinary_month_is_made_on_the_first_working_morning() -> None:
    # November 2026 → Tuesday 1 December 2026, 9:00; due by 5 December.
    s = report_schedule(CAL, date(2026, 12, 1), due_day=5)
    assert (s.make_at, s.due_date, s.before_period_end) == (
        msk(2026, 12, 1, 9),
        date(2026, 12, 5),
        False,
    )
    assert s.note_ru("23") == ""


def test_parfino_p22_p23_may_holidays_still_leave_a_working_day_before_the_5th() -> None:
    # April 2026 → Monday 4 May 2026 (1 May a holiday, 2–3 May a weekend).
    assert report_schedule(CAL, date(2026, 5, 1), 5).make_at == msk(2026, 5, 4, 9)
    # April 2027 → Tuesday 4 May 2027 (1 May → 3 May transferred).
    s = report_schedule(CAL, date(2027, 5, 1), 5)
    assert (s.make_at, s.before_period_end) == (msk(2027, 5, 4, 9), False)
    # A due day before the first working day: with due_day=3 the same month falls back.
    early = report_schedule(CAL, date(2027, 5, 1), 3)
    assert early.before_period_end and early.make_at == msk(2027, 4, 30, 17)  # shortened day


def test_parfino_p22_p23_january_2026_made_on_the_last_working_day_of_december() -> None:
    # 1–11 January 2026 has no working day; 31 December 2025 is a day off (transfer):
    # December 2025's reports are made on Tuesday 30 December 2025 after 18:00.
    s = report_schedule(CAL, date(2026, 1, 1), due_day=5)
    assert (s.make_at, s.due_date, s.before_period_end) == (
        msk(2025, 12, 30, 18),
        date(2026, 1, 5),
        True,
    )
    note = s.note_ru("23")
    assert "не позднее 5 января 2026 г." in note and "30 декабря 2025 г." in note
    assert "с 1 по 5 января рабочих дней нет" in note and "п. 23" in note


def test_parfino_p22_p23_january_2027_made_on_the_last_working_day_of_december() -> None:
    # 1–10 January 2027 has no working day; 31 December 2026 is a day off (transfer of 4 Jan).
    s = report_schedule(CAL, date(2027, 1, 1), due_day=5)
    assert (s.make_at, s.before_period_end) == (msk(2026, 12, 30, 18), True)
    assert "30 декабря 2026 г." in s.note_ru("22")


def test_penza_p20_weekly_report_has_no_due_day_and_waits_for_the_first_working_instant() -> None:
    # Week 53 of 2026 ends on Monday 4 January 2027: made on Monday 11 January 2027.
    s = report_schedule(CAL, date(2027, 1, 4))
    assert (s.make_at, s.due_date, s.before_period_end) == (msk(2027, 1, 11, 9), None, False)
