"""The `otklik calendar YEAR` table (app.domain.worktime.year_table)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.worktime import OutOfCalendarError, ProductionCalendar, WeeklySchedule, WorkCalendar
from app.domain.worktime.year_table import calendar_caption, format_year_table, year_table


@pytest.fixture(scope="module")
def wc() -> WorkCalendar:
    return WorkCalendar(WeeklySchedule.five_day_40h(), ProductionCalendar.russia())


def test_year_table_2025(wc: WorkCalendar) -> None:
    rows = year_table(wc, 2025)
    assert [r.working_days for r in rows] == [17, 20, 21, 22, 18, 19, 23, 21, 22, 23, 19, 22]
    assert [r.hours_40 for r in rows] == [
        136,
        160,
        167,
        175,
        144,
        151,
        184,
        168,
        176,
        184,
        151,
        176,
    ]
    assert rows[10].shortened == (date(2025, 11, 1),)
    assert rows[10].schedule_hours == timedelta(hours=151)
    assert sum(r.days_off for r in rows) == 118


def test_format_year_table(wc: WorkCalendar) -> None:
    text = format_year_table(year_table(wc, 2024))
    lines = text.splitlines()
    assert lines[0].startswith("Месяц")
    assert "Часов (40 ч/нед.)" in lines[0] and "Сокращённые дни" in lines[0]
    assert lines[2].split()[:6] == ["Январь", "31", "17", "14", "136", "136"]
    assert lines[-1].split()[:6] == ["Итого", "366", "248", "118", "1979", "1979"]
    assert "22" in lines[3]  # 22 Feb 2024 shortened


def test_caption_and_schedule_hours() -> None:
    week = WeeklySchedule.from_mapping(
        {wd: [("09:00", "13:00"), ("13:48", "18:00")] for wd in range(5)}
    )
    wc = WorkCalendar(week, ProductionCalendar.russia(region="tatarstan"))
    rows = year_table(wc, 2025)
    assert rows[0].schedule_hours == timedelta(hours=17 * 8.2)
    text = format_year_table(rows)
    assert "139,4" in text
    caption = calendar_caption(wc, 2025)
    assert "№ 1335" in caption and "tatarstan" in caption


def test_years_outside_the_data_are_refused(wc: WorkCalendar) -> None:
    with pytest.raises(OutOfCalendarError):
        year_table(wc, 2031)
    with pytest.raises(OutOfCalendarError):
        calendar_caption(wc, 2019)
    assert "предварительные" in calendar_caption(wc, 2027)
