"""Precomputed working intervals as flat sorted arrays with prefix sums (the engine's index).

Time inside the engine is "wall microseconds": microseconds of local wall-clock time since
local midnight of the calendar's first day. Working intervals are local wall-clock intervals;
WorkCalendar refuses a zone whose offset changes inside a working interval, so wall-clock
working time always equals elapsed working time.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from app.domain.worktime.errors import ScheduleError
from app.domain.worktime.production_calendar import DayKind, ProductionCalendar
from app.domain.worktime.schedule import DAY_US, HOUR_US, DayOverride, WeeklySchedule

OFF_KINDS = frozenset({DayKind.HOLIDAY, DayKind.DAY_OFF, DayKind.DECREE})
UTC = ZoneInfo("UTC")
EPOCH = datetime(1970, 1, 1)


def shorten(intervals: list[tuple[int, int]], by: int = HOUR_US) -> list[tuple[int, int]]:
    """Remove the last `by` microseconds of working time (a pre-holiday day ends earlier)."""
    out = list(intervals)
    while out and by > 0:
        start, end = out[-1]
        if end - start > by:
            out[-1] = (start, end - by)
            by = 0
        else:
            by -= end - start
            out.pop()
    return out


def day_intervals(
    d: date,
    schedule: WeeklySchedule,
    calendar: ProductionCalendar,
    overrides: dict[date, DayOverride],
) -> list[tuple[int, int]]:
    """Working intervals of one date in microseconds since local midnight."""
    if (override := overrides.get(d)) is not None:
        return [i.bounds_us() for i in override.intervals]
    info = calendar.day_info(d)
    if info.kind in OFF_KINDS or info.works_as is None:
        return []
    intervals = [i.bounds_us() for i in schedule.days[info.works_as]]
    return shorten(intervals) if info.shortened else intervals


@dataclass(frozen=True)
class Tables:
    """Flat interval arrays over the whole calendar range, with cumulative working time."""

    origin: date
    ndays: int
    starts: list[int]  # wall us of each interval's start, ascending
    ends: list[int]
    cum_start: list[int]  # working us before interval k
    cum_end: list[int]  # working us up to the end of interval k
    day_cum: list[int]  # working us before day i (len ndays + 1)
    work_days: list[int]  # indices of days with working time
    work_day_ends: list[int]  # wall us of the end of each working day's last interval

    @property
    def total_us(self) -> int:
        """Wall microseconds covered by the data."""
        return self.ndays * DAY_US


def build_tables(
    schedule: WeeklySchedule, calendar: ProductionCalendar, overrides: dict[date, DayOverride]
) -> Tables:
    """Index every working interval of the calendar range."""
    origin = calendar.first_day
    ndays = (calendar.last_day - origin).days + 1
    starts: list[int] = []
    ends: list[int] = []
    cum_start: list[int] = []
    cum_end: list[int] = []
    day_cum = [0]
    work_days: list[int] = []
    work_day_ends: list[int] = []
    total = 0
    for i in range(ndays):
        base = i * DAY_US
        intervals = day_intervals(origin + timedelta(days=i), schedule, calendar, overrides)
        for start, end in intervals:
            starts.append(base + start)
            ends.append(base + end)
            cum_start.append(total)
            total += end - start
            cum_end.append(total)
        day_cum.append(total)
        if intervals:
            work_days.append(i)
            work_day_ends.append(ends[-1])
    return Tables(
        origin, ndays, starts, ends, cum_start, cum_end, day_cum, work_days, work_day_ends
    )


def offset_transitions(tz: ZoneInfo, first: date, last: date) -> list[tuple[int, int]]:
    """(UTC us since the epoch, offset us) from which each offset holds, over [first, last]."""

    def offset_at(utc_us: int) -> int:
        instant = datetime.fromtimestamp(0, UTC) + timedelta(microseconds=utc_us)
        off = instant.astimezone(tz).utcoffset()
        assert off is not None
        return off // timedelta(microseconds=1)

    lo_us = (datetime.combine(first, time()) - EPOCH) // timedelta(microseconds=1) - DAY_US
    hi_us = (datetime.combine(last, time()) - EPOCH) // timedelta(microseconds=1) + 2 * DAY_US
    result = [(lo_us, offset_at(lo_us))]
    step = DAY_US // 4  # offsets do not change twice within six hours anywhere
    t = lo_us
    while t < hi_us:
        nxt = t + step
        if offset_at(nxt) != result[-1][1]:
            lo, hi = t, nxt  # the change happens in (lo, hi]: find its first second
            while hi - lo > 1_000_000:
                mid = (lo + hi) // 2 // 1_000_000 * 1_000_000
                if mid <= lo:
                    break
                lo, hi = (lo, mid) if offset_at(mid) != result[-1][1] else (mid, hi)
            result.append((hi, offset_at(hi)))
        t = nxt
    return result


def check_no_transition_inside(
    tables: Tables, transitions: list[tuple[int, int]], tz_name: str
) -> None:
    """Refuse a schedule whose working interval contains a change of the zone's UTC offset."""
    origin_utc_us = (datetime.combine(tables.origin, time()) - EPOCH) // timedelta(microseconds=1)
    for (_, old_off), (utc_us, new_off) in pairwise(transitions):
        # Wall times touched by the change: [utc+min(off), utc+max(off)] in wall us of the data.
        lo = utc_us + min(old_off, new_off) - origin_utc_us
        hi = utc_us + max(old_off, new_off) - origin_utc_us
        k = bisect_left(tables.ends, lo)  # first interval ending at or after lo
        if k < len(tables.starts) and tables.starts[k] <= hi:
            when = datetime.combine(tables.origin, time()) + timedelta(microseconds=lo)
            raise ScheduleError(
                f"a working interval on {when:%Y-%m-%d} contains a UTC offset change of "
                f"{tz_name} (daylight saving time); move the interval or add a date override",
                f"В часовом поясе {tz_name} {when:%d.%m.%Y} переводятся часы внутри рабочего "
                "интервала; измените график этого дня.",
            )
