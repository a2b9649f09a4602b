"""An organisation's WorkCalendar from its stored settings (schedule and calendar options).

Stored form (JSON in the organisation row, edited by its admin):
- schedule: {"mon": [["09:00", "13:00"], ["14:00", "18:00"]], ..., "sun": []}
- calendar_options: {"include_decree_days": false, "region": null,
  "overrides": [{"date": "2026-12-31", "intervals": []}, ...]}
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import Any

from app.domain.worktime import DayOverride, ProductionCalendar, WeeklySchedule, WorkCalendar
from app.domain.worktime.errors import ScheduleError

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def schedule_from_settings(schedule: dict[str, Any]) -> WeeklySchedule:
    """A WeeklySchedule from the stored mapping; an empty mapping is the five-day 40-hour week."""
    if not schedule:
        return WeeklySchedule.five_day_40h()
    if unknown := sorted(set(schedule) - set(WEEKDAY_KEYS)):
        raise ScheduleError(
            f"unknown weekday keys {unknown}", "Неизвестные дни недели в графике работы."
        )
    return WeeklySchedule.from_mapping(
        {i: [tuple(pair) for pair in schedule.get(key) or ()] for i, key in enumerate(WEEKDAY_KEYS)}
    )


def overrides_from_settings(options: dict[str, Any]) -> tuple[DayOverride, ...]:
    """Per-date overrides: no intervals = a day off, intervals = a working day with those hours."""
    result = []
    for item in options.get("overrides") or ():
        day = date.fromisoformat(item["date"])
        intervals = item.get("intervals") or ()
        result.append(
            DayOverride.working(day, [tuple(p) for p in intervals])
            if intervals
            else DayOverride.day_off(day)
        )
    return tuple(result)


@lru_cache(maxsize=256)
def _cached(timezone: str, schedule_json: str, options_json: str) -> WorkCalendar:
    options = json.loads(options_json)
    calendar = ProductionCalendar.russia(
        include_decree_days=bool(options.get("include_decree_days")),
        region=options.get("region") or None,
    )
    return WorkCalendar(
        schedule_from_settings(json.loads(schedule_json)),
        calendar,
        tz=timezone,
        overrides=overrides_from_settings(options),
    )


def _canonical(value: dict[str, Any] | str | None) -> str:
    # JSON columns arrive as text or as parsed objects depending on the query.
    parsed = json.loads(value) if isinstance(value, str) else value
    return json.dumps(parsed or {}, sort_keys=True)


def work_calendar_from_settings(
    timezone: str,
    schedule: dict[str, Any] | str | None,
    calendar_options: dict[str, Any] | str | None,
) -> WorkCalendar:
    """The organisation's WorkCalendar (cached: building one precomputes eight years)."""
    return _cached(timezone, _canonical(schedule), _canonical(calendar_options))
