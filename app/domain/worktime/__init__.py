"""Working-time engine: deadlines counted in an organisation's working time (Penza p.10).

Working intervals are local wall-clock intervals of the organisation's zone. Every query maps
an instant to "wall microseconds" since the calendar's first local midnight and answers by
bisecting flat interval arrays with prefix sums (app.domain.worktime.tables), so `add` and
`between` are O(log n). Zones with daylight saving time are accepted as long as no offset
change falls inside a working interval (checked at construction), which makes wall-clock
working time equal to elapsed working time.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.domain.worktime.errors import (
    CalendarDataError,
    NaiveDatetimeError,
    OutOfCalendarError,
    ScheduleError,
    WorktimeError,
)
from app.domain.worktime.production_calendar import DayInfo, DayKind, ProductionCalendar
from app.domain.worktime.schedule import (
    DAY_US,
    DayOverride,
    Interval,
    WeeklySchedule,
    validate_overrides,
)
from app.domain.worktime.tables import build_tables, check_no_transition_inside, offset_transitions

if TYPE_CHECKING:
    from app.domain.worktime.batch import BatchIndex

__all__ = [
    "CalendarDataError",
    "DayInfo",
    "DayKind",
    "DayOverride",
    "Interval",
    "NaiveDatetimeError",
    "OutOfCalendarError",
    "ProductionCalendar",
    "ScheduleError",
    "WeeklySchedule",
    "WorkCalendar",
    "WorktimeError",
]

ONE_US = timedelta(microseconds=1)


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    if isinstance(tz, ZoneInfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f"unknown time zone {tz!r}", f"Неизвестный часовой пояс «{tz}»."
        ) from None


class WorkCalendar:
    """An organisation's working time: weekly schedule on a production calendar, in a zone."""

    def __init__(
        self,
        schedule: WeeklySchedule,
        calendar: ProductionCalendar,
        tz: str | ZoneInfo = "Europe/Moscow",
        overrides: Iterable[DayOverride] = (),
    ) -> None:
        self.schedule = schedule
        self.calendar = calendar
        self.tz = _zone(tz)
        self.overrides = validate_overrides(overrides)
        self.tables = build_tables(schedule, calendar, self.overrides)
        if not self.tables.starts:
            raise ScheduleError(
                "the schedule gives no working time in the calendar's years",
                "По графику нет рабочего времени ни в одном году календаря.",
            )
        self.transitions = offset_transitions(self.tz, calendar.first_day, calendar.last_day)
        check_no_transition_inside(self.tables, self.transitions, self.tz.key)
        origin_naive = datetime.combine(calendar.first_day, time())
        self._origin_naive = origin_naive
        # Adding a timedelta to an aware datetime is wall-clock arithmetic: wall us -> instant.
        self._origin_wall = origin_naive.replace(tzinfo=self.tz)
        self._fixed = len(self.transitions) == 1
        self._total = self.tables.total_us
        # Local references: attribute chains cost more than the bisect itself.
        self._starts = self.tables.starts
        self._ends = self.tables.ends
        self._cum_start = self.tables.cum_start

    # -- conversions -------------------------------------------------------------------------

    def _wall(self, t: datetime) -> int:
        """Wall microseconds of an aware instant; refuses naive values and dates off the data."""
        try:
            if self._fixed:
                # One fixed offset: elapsed time since the first midnight is wall time.
                x = (t - self._origin_wall) // ONE_US
            else:
                x = (t.astimezone(self.tz).replace(tzinfo=None) - self._origin_naive) // ONE_US
        except (TypeError, ValueError, AttributeError):
            raise self._bad_instant(t) from None
        if not 0 <= x < self._total:
            raise self._out_of_range(t)
        return x

    def _bad_instant(self, t: object) -> WorktimeError:
        if isinstance(t, datetime) and t.utcoffset() is None:
            return NaiveDatetimeError(
                f"naive datetime {t.isoformat()} refused: give an aware datetime "
                f"(e.g. with tzinfo=ZoneInfo({self.tz.key!r}))",
                "Время указано без часового пояса.",
            )
        return WorktimeError(f"expected an aware datetime, got {type(t).__name__}")

    def _out_of_range(self, what: datetime | date) -> OutOfCalendarError:
        first, last = self.calendar.first_year, self.calendar.last_year
        return OutOfCalendarError(
            f"{what.isoformat()} is outside the production calendar data ({first}–{last})",
            f"Дата вне периода производственного календаря ({first}–{last} гг.).",
        )

    def _instant(self, x: int) -> datetime:
        if not 0 <= x < self._total:
            raise self._instant_error()
        return self._origin_wall + timedelta(microseconds=x)

    def _day_index(self, d: date) -> int:
        if isinstance(d, datetime):
            raise WorktimeError(f"expected a date, got a datetime {d.isoformat()}")
        i = (d - self.calendar.first_day).days
        if not 0 <= i < self.tables.ndays:
            raise self._out_of_range(d)
        return i

    def _cum_at(self, x: int) -> int:
        """Working microseconds from the start of the data up to wall instant x."""
        k = bisect_right(self._starts, x) - 1
        if k < 0:
            return 0
        end = self._ends[k]
        return self._cum_start[k] + (x if x < end else end) - self._starts[k]

    # -- queries -----------------------------------------------------------------------------

    def add(self, start: datetime, work: timedelta) -> datetime:
        """The instant at which `work` of working time has elapsed after `start` (or before it)."""
        x = self._wall(start)
        w = work // ONE_US
        if w == 0:
            return start.astimezone(self.tz)
        t = self.tables
        target = self._cum_at(x) + w
        if w > 0:
            # First interval whose cumulative end reaches the target: a result on an
            # interval's end stays there (18:00 today, not 09:00 tomorrow).
            k = bisect_left(t.cum_end, target)
            if k == len(t.cum_end):
                raise self._instant_error()
        else:
            # Counting back, a result on a boundary is the start of the later interval.
            k = bisect_right(t.cum_start, target) - 1
            if k < 0 or target < 0:
                raise self._instant_error()
        return self._instant(t.starts[k] + target - t.cum_start[k])

    def _instant_error(self) -> OutOfCalendarError:
        return OutOfCalendarError(
            "the result falls outside the production calendar data "
            f"({self.calendar.first_year}–{self.calendar.last_year})",
            "Срок выходит за период производственного календаря.",
        )

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time in [start, end); negative when end is before start."""
        worked = self._cum_at(self._wall(end)) - self._cum_at(self._wall(start))
        return timedelta(microseconds=worked)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The end of working time of the `days`-th working day after the day of `start`."""
        if days < 1:
            raise WorktimeError(f"days must be at least 1, got {days}")
        t = self.tables
        j = bisect_right(t.work_days, self._wall(start) // DAY_US) + days - 1
        if j >= len(t.work_days):
            raise self._instant_error()
        return self._instant(t.work_day_ends[j])

    def is_working_day(self, d: date) -> bool:
        """True when the date has any working time."""
        return self.working_time_on(d) > timedelta(0)

    def working_time_on(self, d: date) -> timedelta:
        """Working time on a date (after holidays, shortening and overrides)."""
        i = self._day_index(d)
        return timedelta(microseconds=self.tables.day_cum[i + 1] - self.tables.day_cum[i])

    def is_working_time(self, t: datetime) -> bool:
        """True when the instant lies inside a working interval [start, end)."""
        x = self._wall(t)
        k = bisect_right(self.tables.starts, x) - 1
        return k >= 0 and x < self.tables.ends[k]

    def next_working_instant(self, t: datetime) -> datetime:
        """The instant itself if it is working time, else the start of the next interval."""
        x = self._wall(t)
        k = bisect_right(self.tables.starts, x)
        if k > 0 and x < self.tables.ends[k - 1]:
            return t.astimezone(self.tz)
        if k == len(self.tables.starts):
            raise self._instant_error()
        return self._instant(self.tables.starts[k])

    def working_intervals(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The working intervals within [start, end), clipped to it (for live countdowns)."""
        lo, hi = self._wall(start), self._wall(end)
        out: list[tuple[datetime, datetime]] = []
        k = max(bisect_right(self._starts, lo) - 1, 0)
        while k < len(self._starts) and self._starts[k] < hi:
            a, b = max(self._starts[k], lo), min(self._ends[k], hi)
            if a < b:
                out.append((self._instant(a), self._instant(b)))
            k += 1
        return out

    def day_info(self, d: date) -> DayInfo:
        """The production calendar's classification of a date."""
        return self.calendar.day_info(d)

    # -- batch -------------------------------------------------------------------------------

    @cached_property
    def batch(self) -> BatchIndex:
        """Numpy form for recomputing many deadlines at once (see app.domain.worktime.batch)."""
        from app.domain.worktime.batch import BatchIndex

        return BatchIndex(self.tables, self.transitions, self.calendar.first_day)
