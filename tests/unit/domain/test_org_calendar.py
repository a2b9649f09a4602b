"""An organisation's stored schedule and options become its WorkCalendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.demo.seed import PENZA_SCHEDULE
from app.domain.worktime import ScheduleError
from app.domain.worktime.org_calendar import work_calendar_from_settings

MSK = ZoneInfo("Europe/Moscow")


def test_penza_schedule_friday_ends_at_16_45_with_48_minute_lunch() -> None:
    wc = work_calendar_from_settings("Europe/Moscow", PENZA_SCHEDULE, {})
    # Friday 2025-03-14: 9:00–13:00 and 13:48–16:45 = 4 h + 2 h 57 min.
    assert wc.working_time_on(date(2025, 3, 14)) == timedelta(hours=6, minutes=57)
    # Monday: 9:00–13:00 and 13:48–18:00 = 8 h 12 min.
    assert wc.working_time_on(date(2025, 3, 17)) == timedelta(hours=8, minutes=12)
    start = datetime(2025, 3, 14, 16, 0, tzinfo=MSK)
    assert wc.add(start, timedelta(hours=1)) == datetime(2025, 3, 17, 9, 15, tzinfo=MSK)


def test_empty_schedule_is_the_five_day_40_hour_week() -> None:
    wc = work_calendar_from_settings("Europe/Moscow", {}, {})
    assert wc.working_time_on(date(2025, 3, 14)) == timedelta(hours=8)


def test_override_day_off_and_decree_days_switch() -> None:
    options = {"overrides": [{"date": "2025-03-12", "intervals": []}]}
    wc = work_calendar_from_settings("Europe/Moscow", {}, options)
    assert not wc.is_working_day(date(2025, 3, 12))
    plain = work_calendar_from_settings("Europe/Moscow", {}, {})
    decree = work_calendar_from_settings("Europe/Moscow", {}, {"include_decree_days": True})
    assert plain.is_working_day(date(2020, 4, 15))
    assert not decree.is_working_day(date(2020, 4, 15))


def test_unknown_weekday_key_is_refused_in_russian() -> None:
    with pytest.raises(ScheduleError) as error:
        work_calendar_from_settings("Europe/Moscow", {"monday": [["09:00", "18:00"]]}, {})
    assert "дни недели" in error.value.message_ru
