"""Table tests of plain dates for the working-time engine, Europe/Moscow."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.worktime import (
    DayOverride,
    NaiveDatetimeError,
    OutOfCalendarError,
    ProductionCalendar,
    ScheduleError,
    WeeklySchedule,
    WorkCalendar,
    WorktimeError,
)

MSK = ZoneInfo("Europe/Moscow")
H = timedelta(hours=1)


def msk(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=MSK)


@pytest.fixture(scope="module")
def wc() -> WorkCalendar:
    return WorkCalendar(WeeklySchedule.five_day_40h(), ProductionCalendar.russia())


@pytest.fixture(scope="module")
def short_friday() -> WorkCalendar:
    """A typical week: Mon–Thu 9:00–18:00, Fri 9:00–16:45, lunch 13:00–13:48."""
    long_day = [("09:00", "13:00"), ("13:48", "18:00")]
    friday = [("09:00", "13:00"), ("13:48", "16:45")]
    week = WeeklySchedule.from_mapping(
        {0: long_day, 1: long_day, 2: long_day, 3: long_day, 4: friday}
    )
    return WorkCalendar(week, ProductionCalendar.russia())


# start, work, expected — each row one hard case.
ADD_CASES = [
    # an ordinary day; a start at lunch counts from 14:00
    (msk(2025, 3, 12, 10), 2 * H, msk(2025, 3, 12, 12)),
    (msk(2025, 3, 12, 13, 20), H, msk(2025, 3, 12, 15)),
    # a result on the end of the day is that end, not 09:00 tomorrow
    (msk(2025, 3, 10, 17), H, msk(2025, 3, 10, 18)),
    (msk(2025, 3, 12, 12), H, msk(2025, 3, 12, 13)),
    # a start exactly at the end of the day counts from the next morning
    (msk(2025, 3, 10, 18), H, msk(2025, 3, 11, 10)),
    # a start on Sunday night counts from Monday 09:00
    (msk(2025, 3, 16, 23, 30), 30 * timedelta(minutes=1), msk(2025, 3, 17, 9, 30)),
    # the working Saturday 2024-12-28 (transfer to 30 Dec, decree No. 1314)
    (msk(2024, 12, 27, 17, 30), H, msk(2024, 12, 28, 9, 30)),
    # the working Saturday 2024-11-02 is also shortened: it ends at 17:00
    (msk(2024, 11, 2, 16), H, msk(2024, 11, 2, 17)),
    (msk(2024, 11, 2, 16), 2 * H, msk(2024, 11, 5, 10)),
    # a pre-holiday day ends at 17:00 (30 Apr 2025), then 1–4 May are off
    (msk(2025, 4, 30, 16), H, msk(2025, 4, 30, 17)),
    (msk(2025, 4, 30, 16), 2 * H, msk(2025, 5, 5, 10)),
    # the New Year holidays: 31 Dec 2025 (transferred) to 11 Jan 2026 are off
    (msk(2025, 12, 30, 17), 2 * H, msk(2026, 1, 12, 10)),
    # Penza p.10: 8 working hours from a Friday afternoon end on Monday afternoon
    (msk(2025, 3, 14, 15), 8 * H, msk(2025, 3, 17, 15)),
    # across a year boundary with the long holiday 2024/2025
    (msk(2024, 12, 28, 17), 2 * H, msk(2025, 1, 9, 10)),
    # counting back (Penza p.11: a draft 3 h before the answer deadline)
    (msk(2025, 3, 17, 11), -3 * H, msk(2025, 3, 14, 17)),
    (msk(2025, 3, 17, 10), -H, msk(2025, 3, 17, 9)),
    (msk(2025, 5, 5, 10), -2 * H, msk(2025, 4, 30, 16)),
]


@pytest.mark.parametrize(("start", "work", "expected"), ADD_CASES)
def test_add_hard_cases(
    wc: WorkCalendar, start: datetime, work: timedelta, expected: datetime
) -> None:
    result = wc.add(start, work)
    assert result == expected
    assert result.tzinfo is MSK
    assert wc.between(start, result) == work


def test_add_zero_is_start_even_outside_working_time(wc: WorkCalendar) -> None:
    sunday = msk(2025, 3, 16, 3, 7)
    assert wc.add(sunday, timedelta(0)) == sunday


def test_between_is_negative_backwards(wc: WorkCalendar) -> None:
    assert wc.between(msk(2025, 3, 12, 12), msk(2025, 3, 12, 10)) == -2 * H
    assert wc.between(msk(2025, 3, 15), msk(2025, 3, 16)) == timedelta(0)


def test_between_a_whole_year_is_the_official_norm(wc: WorkCalendar) -> None:
    assert wc.between(msk(2024, 1, 1), msk(2025, 1, 1)) == 1979 * H
    assert wc.between(msk(2025, 1, 1), msk(2026, 1, 1)) == 1972 * H


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Penza p.14 / Parfino p.16: 7 working days after an intermediate answer
        (msk(2025, 3, 12, 11), 7, msk(2025, 3, 21, 18)),
        # over the May holidays (1–4 May 2025 are off)
        (msk(2025, 4, 29, 11), 3, msk(2025, 5, 6, 18)),
        # the 7th working day lands on a shortened day: it ends at 17:00
        (msk(2025, 4, 21, 9), 7, msk(2025, 4, 30, 17)),
        # the working Saturday counts as a working day; then the New Year holidays
        (msk(2024, 12, 27, 11), 1, msk(2024, 12, 28, 18)),
        (msk(2024, 12, 28, 11), 1, msk(2025, 1, 9, 18)),
        # a start on a day off counts from the next working day
        (msk(2026, 1, 3, 11), 1, msk(2026, 1, 12, 18)),
    ],
)
def test_add_working_days(wc: WorkCalendar, start: datetime, days: int, expected: datetime) -> None:
    assert wc.add_working_days(start, days) == expected


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (date(2025, 3, 12), 8),  # ordinary Wednesday
        (date(2025, 3, 15), 0),  # Saturday
        (date(2024, 12, 28), 8),  # working Saturday, not shortened (took Mon 30 Dec)
        (date(2024, 11, 2), 7),  # working Saturday that took Tue 30 Apr (pre-holiday): shortened
        (date(2025, 11, 1), 7),  # working Saturday that took Mon 3 Nov (pre-holiday): shortened
        (date(2021, 2, 20), 7),  # working Saturday before 23 Feb 2021
        (date(2025, 3, 7), 7),  # Friday before 8 March (a Saturday)
        (date(2025, 5, 7), 8),  # before a transferred day off: not shortened
        (date(2021, 12, 30), 8),  # before 31 Dec 2021 (transferred): not shortened
        (date(2020, 12, 31), 7),  # before New Year
        (date(2025, 12, 31), 0),  # transferred day off (from 5 Jan)
        (date(2026, 1, 9), 0),  # transferred day off (from 3 Jan)
        (date(2026, 1, 12), 8),
        (date(2024, 1, 7), 0),  # Christmas
        (date(2020, 4, 15), 8),  # presidential non-working days are off only when switched on
    ],
)
def test_working_time_on(wc: WorkCalendar, day: date, hours: int) -> None:
    assert wc.working_time_on(day) == hours * H
    assert wc.is_working_day(day) is (hours > 0)


def test_is_working_time_and_next_working_instant(wc: WorkCalendar) -> None:
    assert wc.is_working_time(msk(2025, 3, 12, 9))
    assert not wc.is_working_time(msk(2025, 3, 12, 13))  # lunch
    assert not wc.is_working_time(msk(2025, 3, 12, 18))  # end is exclusive
    assert wc.next_working_instant(msk(2025, 3, 12, 13, 30)) == msk(2025, 3, 12, 14)
    assert wc.next_working_instant(msk(2025, 3, 12, 10, 5)) == msk(2025, 3, 12, 10, 5)
    assert wc.next_working_instant(msk(2025, 12, 30, 18)) == msk(2026, 1, 12, 9)


def test_shorter_friday_and_working_saturday_work_like_the_day_they_replace(
    short_friday: WorkCalendar,
) -> None:
    assert short_friday.working_time_on(date(2025, 3, 13)) == timedelta(hours=8, minutes=12)
    assert short_friday.working_time_on(date(2025, 3, 14)) == timedelta(hours=6, minutes=57)
    # 27 Apr 2024 took Monday 29 Apr's day off: a Monday's hours
    assert short_friday.working_time_on(date(2024, 4, 27)) == timedelta(hours=8, minutes=12)
    # 1 Nov 2025 took Monday 3 Nov (the eve of 4 Nov): Monday's hours minus one hour
    assert short_friday.working_time_on(date(2025, 11, 1)) == timedelta(hours=7, minutes=12)
    # a shortened Friday ends at 15:45
    assert short_friday.add(datetime(2025, 3, 7, 15, tzinfo=MSK), H) == datetime(
        2025, 3, 10, 9, 15, tzinfo=MSK
    )


def test_decree_days_are_a_switch() -> None:
    schedule = WeeklySchedule.five_day_40h()
    on = WorkCalendar(schedule, ProductionCalendar.russia(include_decree_days=True))
    for day in (date(2020, 3, 30), date(2020, 4, 30), date(2020, 5, 8), date(2020, 6, 24)):
        assert not on.is_working_day(day)
    for day in (date(2020, 7, 1), date(2021, 5, 4), date(2021, 5, 7), date(2021, 11, 1)):
        assert not on.is_working_day(day)
    assert on.working_time_on(date(2021, 10, 29)) == 8 * H
    assert on.add(msk(2021, 10, 29, 17), 2 * H) == msk(2021, 11, 8, 10)


def test_regional_layers() -> None:
    schedule = WeeklySchedule.five_day_40h()
    tatarstan = WorkCalendar(schedule, ProductionCalendar.russia(region="tatarstan"))
    assert not tatarstan.is_working_day(date(2024, 8, 30))  # Republic Day
    assert tatarstan.working_time_on(date(2024, 8, 29)) == 7 * H
    assert tatarstan.is_working_day(date(2024, 6, 17))  # Kurban Bayram on a Sunday: no transfer
    bashkortostan = WorkCalendar(schedule, ProductionCalendar.russia(region="bashkortostan"))
    assert not bashkortostan.is_working_day(date(2025, 10, 13))  # 11 Oct (Sat) moved to Monday
    assert bashkortostan.working_time_on(date(2025, 10, 10)) == 7 * H
    with pytest.raises(OutOfCalendarError):
        tatarstan.add(msk(2027, 3, 1, 10), H)  # the layer does not cover 2027 yet


def test_overrides() -> None:
    overrides = [
        DayOverride.day_off(date(2025, 3, 12)),
        DayOverride.working(date(2025, 3, 16), [("10:00", "12:00")]),
        DayOverride.working(date(2025, 3, 13), [("09:00", "11:00"), ("12:00", "13:00")]),
    ]
    wc = WorkCalendar(
        WeeklySchedule.five_day_40h(), ProductionCalendar.russia(), overrides=overrides
    )
    assert wc.working_time_on(date(2025, 3, 12)) == timedelta(0)
    assert wc.working_time_on(date(2025, 3, 16)) == 2 * H
    assert wc.add(msk(2025, 3, 11, 17), 2 * H) == msk(2025, 3, 13, 10)
    assert wc.add(msk(2025, 3, 15, 12), H) == msk(2025, 3, 16, 11)


def test_other_zone_in_and_out() -> None:
    wc = WorkCalendar(
        WeeklySchedule.five_day_40h(), ProductionCalendar.russia(), tz="Asia/Vladivostok"
    )
    utc_start = datetime(2025, 3, 12, 0, 0, tzinfo=ZoneInfo("UTC"))  # 10:00 in Vladivostok
    result = wc.add(utc_start, H)
    assert result == datetime(2025, 3, 12, 11, tzinfo=ZoneInfo("Asia/Vladivostok"))
    assert result.tzinfo == ZoneInfo("Asia/Vladivostok")


def test_naive_datetime_is_refused(wc: WorkCalendar) -> None:
    with pytest.raises(NaiveDatetimeError) as err:
        wc.add(datetime(2025, 3, 12, 10), H)
    assert "naive" in str(err.value)
    assert err.value.message_ru
    with pytest.raises(NaiveDatetimeError):
        wc.between(msk(2025, 3, 12), datetime(2025, 3, 13))
    with pytest.raises(NaiveDatetimeError):
        wc.is_working_time(datetime(2025, 3, 12, 10))


@pytest.mark.parametrize("when", [msk(2019, 12, 31, 10), msk(2028, 1, 10, 10)])
def test_dates_outside_the_data_are_refused(wc: WorkCalendar, when: datetime) -> None:
    with pytest.raises(OutOfCalendarError) as err:
        wc.add(when, H)
    assert "outside the production calendar" in str(err.value)
    assert "календар" in err.value.message_ru
    with pytest.raises(OutOfCalendarError):
        wc.is_working_day(when.date())


def test_a_result_beyond_the_data_is_refused(wc: WorkCalendar) -> None:
    with pytest.raises(OutOfCalendarError):
        wc.add(msk(2027, 12, 30, 10), 40 * H)
    with pytest.raises(OutOfCalendarError):
        wc.add_working_days(msk(2027, 12, 28, 10), 5)
    with pytest.raises(OutOfCalendarError):
        wc.add(msk(2020, 1, 9, 10), -3 * H)


@pytest.mark.parametrize(
    ("week", "fragment"),
    [
        ({0: [("09:00", "13:00"), ("12:00", "18:00")]}, "overlap"),
        ({0: [("18:00", "09:00")]}, "ends before it starts"),
        ({0: [("09:00", "09:00")]}, "ends before it starts"),
        ({}, "no working time"),
        ({0: [("9h", "18:00")]}, "not a time of day"),
        ({7: [("09:00", "18:00")]}, "weekday must be"),
    ],
)
def test_invalid_schedules_are_refused(
    week: dict[int, list[tuple[str, str]]], fragment: str
) -> None:
    with pytest.raises(ScheduleError) as err:
        WeeklySchedule.from_mapping(week)
    assert fragment in str(err.value)
    assert isinstance(err.value, ValueError)
    assert err.value.message_ru


def test_invalid_overrides_and_zones_are_refused() -> None:
    schedule, calendar = WeeklySchedule.five_day_40h(), ProductionCalendar.russia()
    with pytest.raises(ScheduleError, match="two overrides"):
        WorkCalendar(schedule, calendar, overrides=[DayOverride.day_off(date(2025, 1, 9))] * 2)
    with pytest.raises(ScheduleError, match="needs at least one interval"):
        DayOverride.working(date(2025, 1, 9), [])
    with pytest.raises(ScheduleError, match="unknown time zone"):
        WorkCalendar(schedule, calendar, tz="Mars/Olympus")


def test_a_dst_change_inside_working_time_is_refused() -> None:
    night = WeeklySchedule.from_mapping({wd: [("01:00", "05:00")] for wd in range(7)})
    with pytest.raises(ScheduleError, match="daylight saving"):
        WorkCalendar(night, ProductionCalendar.russia(), tz="Europe/Berlin")
    # An ordinary day schedule in a DST zone is fine, and counts elapsed time.
    berlin = ZoneInfo("Europe/Berlin")
    wc = WorkCalendar(WeeklySchedule.five_day_40h(), ProductionCalendar.russia(), tz=berlin)
    friday = datetime(2025, 3, 28, 17, tzinfo=berlin)  # DST starts on Sunday 30 March
    assert wc.add(friday, 2 * H) == datetime(2025, 3, 31, 10, tzinfo=berlin)


def test_errors_are_value_errors_with_russian_text() -> None:
    assert issubclass(WorktimeError, ValueError)
    assert WorktimeError("x").message_ru
    assert WorktimeError("x", "свой текст").message_ru == "свой текст"


def test_working_intervals_clip_and_skip_lunch_and_weekend() -> None:
    wc = WorkCalendar(WeeklySchedule.five_day_40h(), ProductionCalendar.russia())
    msk = ZoneInfo("Europe/Moscow")
    start = datetime(2025, 3, 14, 12, 30, tzinfo=msk)  # Friday
    end = datetime(2025, 3, 17, 10, 0, tzinfo=msk)  # Monday
    intervals = wc.working_intervals(start, end)
    assert [(a.strftime("%d %H:%M"), b.strftime("%d %H:%M")) for a, b in intervals] == [
        ("14 12:30", "14 13:00"),
        ("14 14:00", "14 18:00"),
        ("17 09:00", "17 10:00"),
    ]
    assert sum((b - a for a, b in intervals), timedelta()) == wc.between(start, end)
