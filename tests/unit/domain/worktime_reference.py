"""Brute-force minute-by-minute reference for the working-time engine.

Deliberately naive: it walks local wall-clock minutes one at a time and asks, for each
minute, whether it lies inside a working interval of its day. It shares no code with the
engine's index (no prefix sums, no bisect); only the production calendar's classification of
a date is reused, and that is checked separately against the official figures.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.domain.worktime import DayKind, DayOverride, ProductionCalendar, WeeklySchedule

MINUTE = timedelta(minutes=1)


class Reference:
    """Working time on wall-clock minutes; all inputs and outputs on whole minutes."""

    def __init__(
        self,
        schedule: WeeklySchedule,
        calendar: ProductionCalendar,
        tz: str,
        overrides: tuple[DayOverride, ...] = (),
    ) -> None:
        self.schedule = schedule
        self.calendar = calendar
        self.tz = ZoneInfo(tz)
        self.overrides = {o.day: o for o in overrides}
        self._minutes: dict[date, set[int]] = {}

    def working_minutes(self, d: date) -> set[int]:
        """Minutes of the day (0..1439) that are working."""
        if d not in self._minutes:
            self._minutes[d] = self._compute(d)
        return self._minutes[d]

    def _compute(self, d: date) -> set[int]:
        if d in self.overrides:
            intervals = self.overrides[d].intervals
        else:
            info = self.calendar.day_info(d)
            if info.kind in (DayKind.HOLIDAY, DayKind.DAY_OFF, DayKind.DECREE):
                return set()
            assert info.works_as is not None
            intervals = self.schedule.days[info.works_as]
        minutes: set[int] = set()
        for i in intervals:
            minutes.update(range(_minute(i.start), _minute(i.end)))
        if d not in self.overrides and self.calendar.day_info(d).shortened:
            for m in sorted(minutes)[-60:]:
                minutes.discard(m)
        return minutes

    def wall(self, t: datetime) -> datetime:
        """Naive local wall-clock time of an aware instant."""
        return t.astimezone(self.tz).replace(tzinfo=None)

    def is_working(self, wall: datetime) -> bool:
        """Is the minute starting at this wall time working?"""
        return wall.hour * 60 + wall.minute in self.working_minutes(wall.date())

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working minutes in [start, end) counted one by one."""
        a, b = self.wall(start), self.wall(end)
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        count = 0
        while a < b:
            count += self.is_working(a)
            a += MINUTE
        return sign * count * MINUTE

    def add(self, start: datetime, work: timedelta) -> datetime:
        """Walk minute by minute until `work` working minutes have passed (either direction)."""
        wall = self.wall(start)
        need = int(work / MINUTE)
        if need > 0:
            while True:
                if self.is_working(wall):
                    need -= 1
                    if need == 0:
                        return wall + MINUTE
                wall += MINUTE
        while need < 0:
            wall -= MINUTE
            if self.is_working(wall):
                need += 1
        return wall

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """End of the last working minute of the days-th working day after start's day."""
        d = self.wall(start).date()
        while days:
            d += timedelta(days=1)
            if self.working_minutes(d):
                days -= 1
        last = max(self.working_minutes(d))
        return datetime.combine(d, time()) + (last + 1) * MINUTE

    def next_working(self, t: datetime) -> datetime:
        """The first working minute at or after t (t on a whole minute)."""
        wall = self.wall(t)
        while not self.is_working(wall):
            wall += MINUTE
        return wall


def _minute(t: time) -> int:
    return t.hour * 60 + t.minute
