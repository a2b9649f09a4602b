"""Weekly schedules and per-date overrides: local wall-clock working intervals, validated."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from itertools import pairwise

from app.domain.worktime.errors import ScheduleError

DAY_US = 86_400_000_000
HOUR_US = 3_600_000_000
WEEKDAYS_RU = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")


def time_us(t: time) -> int:
    """Microseconds since local midnight."""
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def _as_time(value: time | str) -> time:
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise ScheduleError(
                f"schedule times are local wall-clock times, got {value!r} with a zone",
                "Время в графике указывается без часового пояса.",
            )
        return value
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ScheduleError(
            f"not a time of day: {value!r} (expected HH:MM)",
            f"Не удалось прочитать время «{value}» (ожидается ЧЧ:ММ).",
        ) from None


@dataclass(frozen=True, order=True)
class Interval:
    """A working interval [start, end) of one local day; end must be after start."""

    start: time
    end: time

    @classmethod
    def of(cls, start: time | str, end: time | str) -> Interval:
        """Build and validate an interval from times or 'HH:MM' strings."""
        interval = cls(_as_time(start), _as_time(end))
        if interval.end <= interval.start:
            raise ScheduleError(
                f"interval {interval} ends before it starts",
                f"Интервал {interval} заканчивается раньше, чем начинается.",
            )
        return interval

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    def bounds_us(self) -> tuple[int, int]:
        """The interval as microseconds since local midnight."""
        return time_us(self.start), time_us(self.end)


IntervalLike = Interval | tuple[time | str, time | str]


def _intervals(raw: Iterable[IntervalLike], where: str, where_ru: str) -> tuple[Interval, ...]:
    items = sorted(x if isinstance(x, Interval) else Interval.of(*x) for x in raw)
    for left, right in pairwise(items):
        if right.start < left.end:
            raise ScheduleError(
                f"intervals {left} and {right} overlap on {where}",
                f"Интервалы {left} и {right} пересекаются ({where_ru}).",
            )
    return tuple(items)


@dataclass(frozen=True)
class WeeklySchedule:
    """Working intervals for each weekday (0 = Monday); lunch breaks are gaps between them."""

    days: tuple[tuple[Interval, ...], ...]

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ScheduleError("a weekly schedule needs exactly 7 weekdays")
        if not any(self.days):
            raise ScheduleError(
                "the schedule has no working time in the week",
                "В графике нет ни одного рабочего часа в неделю.",
            )

    @classmethod
    def from_mapping(cls, week: Mapping[int, Sequence[IntervalLike]]) -> WeeklySchedule:
        """Build from {weekday: [(start, end), ...]}; missing weekdays are days off."""
        if bad := [k for k in week if k not in range(7)]:
            raise ScheduleError(f"weekday must be 0..6 (Monday..Sunday), got {bad}")
        return cls(
            tuple(_intervals(week.get(wd, ()), f"weekday {wd}", WEEKDAYS_RU[wd]) for wd in range(7))
        )

    @classmethod
    def five_day_40h(cls) -> WeeklySchedule:
        """Monday–Friday 09:00–13:00 and 14:00–18:00."""
        day = [("09:00", "13:00"), ("14:00", "18:00")]
        return cls.from_mapping({wd: day for wd in range(5)})

    def weekly_hours(self) -> float:
        """Working hours in an ordinary week."""
        total = sum(e - s for day in self.days for s, e in (i.bounds_us() for i in day))
        return total / HOUR_US


@dataclass(frozen=True)
class DayOverride:
    """One date of one organisation: its exact working intervals (none = a day off)."""

    day: date
    intervals: tuple[Interval, ...] = ()

    @classmethod
    def day_off(cls, day: date) -> DayOverride:
        """The date is a day off for this organisation."""
        return cls(day, ())

    @classmethod
    def working(cls, day: date, intervals: Iterable[IntervalLike]) -> DayOverride:
        """The date is worked with these intervals (no pre-holiday shortening applies)."""
        parsed = _intervals(intervals, day.isoformat(), day.strftime("%d.%m.%Y"))
        if not parsed:
            raise ScheduleError(
                f"a working-day override for {day} needs at least one interval",
                f"Для рабочего дня {day:%d.%m.%Y} нужен хотя бы один интервал.",
            )
        return cls(day, parsed)


def validate_overrides(overrides: Iterable[DayOverride]) -> dict[date, DayOverride]:
    """Index overrides by date, refusing two overrides for one date."""
    result: dict[date, DayOverride] = {}
    for item in overrides:
        if item.day in result:
            raise ScheduleError(
                f"two overrides for {item.day}",
                f"Для даты {item.day:%d.%m.%Y} задано два исключения.",
            )
        _intervals(item.intervals, item.day.isoformat(), item.day.strftime("%d.%m.%Y"))
        result[item.day] = item
    return result
