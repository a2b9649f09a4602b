"""Hypothesis: the engine against the brute-force minute reference (tests/unit/worktime_reference).

Random weekly schedules (lunch breaks, different weekdays), random two-year calendars (the
real data, optionally with decree days or a region, plus random extra holidays, shortened
days and organisation overrides), random zones (including DST zones; schedules stay in
06:00–22:00, away from the changes) and random instants across year boundaries.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.domain.worktime import (
    DayOverride,
    Interval,
    OutOfCalendarError,
    ProductionCalendar,
    WeeklySchedule,
    WorkCalendar,
)
from tests.unit.domain.worktime_reference import Reference

ZONES = [
    "Europe/Moscow",
    "Asia/Yekaterinburg",
    "Europe/Kaliningrad",
    "Europe/Berlin",
    "America/New_York",
]
QUARTER = timedelta(minutes=15)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def day_intervals(draw: st.DrawFn) -> list[Interval]:
    # boundaries on a 5-minute grid between 06:00 and 22:00
    points = draw(st.sets(st.integers(72, 264), min_size=0, max_size=6).map(sorted))
    points = points[: len(points) // 2 * 2]
    return [Interval(_t(points[i] * 5), _t(points[i + 1] * 5)) for i in range(0, len(points), 2)]


def _t(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


@st.composite
def schedules(draw: st.DrawFn) -> WeeklySchedule:
    days = draw(st.lists(day_intervals(), min_size=7, max_size=7))
    assume(any(days))
    return WeeklySchedule(tuple(tuple(d) for d in days))


@st.composite
def calendars(draw: st.DrawFn) -> ProductionCalendar:
    base = ProductionCalendar.russia(
        include_decree_days=draw(st.booleans()),
        region=draw(st.sampled_from([None, None, "tatarstan", "bashkortostan"])),
    )
    first = draw(st.integers(base.first_year, base.last_year - 1))
    dates = st.dates(date(first, 1, 1), date(first + 1, 12, 31))
    return replace(
        base,
        first_year=first,
        last_year=first + 1,
        holidays=base.holidays | draw(st.frozensets(dates, max_size=8)),
        shortened=base.shortened | draw(st.frozensets(dates, max_size=8)),
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[WorkCalendar, Reference]:
    schedule, calendar = draw(schedules()), draw(calendars())
    dates = st.dates(calendar.first_day, calendar.last_day)
    overrides = draw(
        st.lists(
            st.one_of(
                dates.map(DayOverride.day_off),
                st.builds(lambda d, i: DayOverride(d, tuple(i)), dates, day_intervals()),
            ),
            max_size=4,
            unique_by=lambda o: o.day,
        )
    )
    tz = draw(st.sampled_from(ZONES))
    engine = WorkCalendar(schedule, calendar, tz=tz, overrides=overrides)
    return engine, Reference(schedule, calendar, tz, tuple(overrides))


def instants(engine: WorkCalendar) -> st.SearchStrategy[datetime]:
    """Whole-minute instants, mostly near working time and year ends, in the zone or in UTC."""
    cal = engine.calendar
    day = st.one_of(
        st.dates(cal.first_day, cal.last_day - timedelta(days=40)),
        st.dates(date(cal.first_year, 12, 20), date(cal.first_year + 1, 1, 12)),
    )
    minute = st.one_of(st.integers(0, 1439), st.integers(8 * 60, 19 * 60))
    wall = st.builds(lambda d, m: datetime.combine(d, time()) + timedelta(minutes=m), day, minute)
    aware = wall.map(lambda w: w.replace(tzinfo=engine.tz))
    return st.one_of(aware, aware.map(lambda t: t.astimezone(ZoneInfo("UTC"))))


works = st.integers(-3000, 3000).map(lambda m: timedelta(minutes=m))


@SETTINGS
@given(data=st.data(), case=cases())
def test_add_and_between_agree_with_the_reference(data: st.DataObject, case: tuple) -> None:
    engine, ref = case
    for _ in range(4):
        start, work = data.draw(instants(engine)), data.draw(works)
        try:
            expected = ref.add(start, work)
        except OutOfCalendarError:
            with pytest.raises(OutOfCalendarError):
                engine.add(start, work)
            continue
        result = engine.add(start, work)
        if work:
            assert result.replace(tzinfo=None) == expected
        else:
            assert result == start
        assert result.tzinfo is engine.tz
        # the defining property: between(s, add(s, d)) == d
        assert engine.between(start, result) == work
        assert engine.between(start, result) == ref.between(start, result)


@SETTINGS
@given(data=st.data(), case=cases())
def test_add_is_monotonic(data: st.DataObject, case: tuple) -> None:
    engine, _ = case
    a, b = sorted([data.draw(instants(engine)), data.draw(instants(engine))])
    w1, w2 = sorted([data.draw(works.filter(lambda w: w > timedelta(0))) for _ in range(2)])
    try:
        assert engine.add(a, w1) <= engine.add(b, w1)
        assert engine.add(a, w1) <= engine.add(a, w2)
        assert engine.add(a, -w2) <= engine.add(a, -w1) <= a
    except OutOfCalendarError:
        pass


@SETTINGS
@given(data=st.data(), case=cases(), days=st.integers(1, 9))
def test_add_working_days_agrees_with_the_reference(
    data: st.DataObject, case: tuple, days: int
) -> None:
    engine, ref = case
    start = data.draw(instants(engine))
    try:
        expected = ref.add_working_days(start, days)
    except OutOfCalendarError:
        with pytest.raises(OutOfCalendarError):
            engine.add_working_days(start, days)
        return
    assert engine.add_working_days(start, days).replace(tzinfo=None) == expected


@SETTINGS
@given(data=st.data(), case=cases())
def test_instant_queries_agree_with_the_reference(data: st.DataObject, case: tuple) -> None:
    engine, ref = case
    for _ in range(4):
        t = data.draw(instants(engine))
        assert engine.is_working_time(t) is ref.is_working(ref.wall(t))
        d = ref.wall(t).date()
        assert engine.working_time_on(d) == len(ref.working_minutes(d)) * timedelta(minutes=1)
        try:
            expected = ref.next_working(t)
        except OutOfCalendarError:
            continue
        assert engine.next_working_instant(t).replace(tzinfo=None) == expected


@SETTINGS
@given(data=st.data(), case=cases())
def test_batch_agrees_with_scalar(data: st.DataObject, case: tuple) -> None:
    engine, _ = case
    pairs = []
    for _ in range(20):
        start, work = data.draw(instants(engine)), data.draw(works)
        try:
            pairs.append((start, work, engine.add(start, work)))
        except OutOfCalendarError:
            continue
    assume(pairs)
    utc = np.array([_utc64(s) for s, _, _ in pairs], dtype="M8[us]")
    spans = np.array([w for _, w, _ in pairs], dtype="m8[us]")
    got = engine.batch.add(utc, spans)
    assert list(got) == [_utc64(r) for _, _, r in pairs]
    back = engine.batch.between(utc, got)
    assert list(back) == list(spans)


def _utc64(t: datetime) -> np.datetime64:
    return np.datetime64(t.astimezone(ZoneInfo("UTC")).replace(tzinfo=None), "us")
