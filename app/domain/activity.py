"""Heightened activity on one topic or one address (Penza p.21, Parfino p.24): a pure rule.

The window is the last `window_hours` working hours. What is usual for it is read from the
same weekday-hours of the last `baseline_weeks` weeks: the window shifted back by 1, 2, …
whole weeks, so Monday morning is compared with Monday mornings, not with a weekly average
that night-time and weekends pull down. A window is a surge when it holds at least
`min_count` messages and more than both

- the usual mean plus `margin` standard deviations, where the deviation is the larger of the
  weeks' own spread and the Poisson one (√mean, at least 1): a topic that is busy and uneven
  needs more to alert than a quiet steady one;
- `rate_factor` times the usual mean: a big town's +15 % is no surge, however significant.

`threshold` (off unless set) keeps the older fixed rule: that many messages in the window
alert whatever is usual. Older settings (`baseline_days`) still read: days are turned into
whole weeks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

MAX_BASELINE_WEEKS = 12
# A window is compared with the same window of earlier weeks: it must be shorter than a week.
MAX_WINDOW_HOURS = 40.0


class SurgeReason(StrEnum):
    """Why a topic or address is flagged."""

    THRESHOLD = "threshold"  # many messages, whatever the usual rate (only when set)
    RATE = "rate"  # many more than usual for these weekday-hours


class SurgeKind(StrEnum):
    """What the messages have in common."""

    TOPIC = "topic"
    PLACE = "place"


@dataclass(frozen=True)
class ActivityRule:
    """Settings of the heightened-activity alert (data: `alert_settings["activity"]`)."""

    window_hours: float = 4.0  # working hours
    min_count: int = 5  # fewer messages than this never alert
    baseline_weeks: int = 4  # the same weekday-hours of this many earlier weeks
    margin: float = 3.0  # standard deviations above the usual mean
    rate_factor: float = 2.0  # … and this many times the usual mean
    threshold: int | None = None  # set: this many alert whatever is usual (the older rule)
    by_place: bool = True  # also count by address (Message.places), not only by topic
    enabled: bool = True

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ActivityRule:
        """The rule from stored JSON; missing keys take the defaults, bad ones are refused."""
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "baseline_weeks" not in values and data.get("baseline_days") is not None:
            values["baseline_weeks"] = max(1, int(data["baseline_days"]) // 7)
        rule = cls(**values)
        if not 0 < rule.window_hours <= MAX_WINDOW_HOURS or rule.min_count < 1:
            raise ValueError("activity window must be 0–40 working hours, minimum count positive")
        if rule.threshold is not None and rule.threshold < 1:
            raise ValueError("activity threshold must be positive")
        if rule.rate_factor <= 1 or rule.margin < 0:
            raise ValueError("activity rate factor must exceed 1 and the margin be non-negative")
        if not 1 <= rule.baseline_weeks <= MAX_BASELINE_WEEKS:
            raise ValueError("activity baseline must be 1–12 weeks")
        return rule

    @property
    def window(self) -> timedelta:
        """The window as working time."""
        return timedelta(hours=self.window_hours)

    def shifts(self) -> list[timedelta]:
        """How far back each baseline window lies: 1, 2, … `baseline_weeks` weeks."""
        return [timedelta(weeks=k) for k in range(1, self.baseline_weeks + 1)]


@dataclass(frozen=True)
class Usual:
    """What is usual for the window: the mean of the earlier weeks and the alert's limit."""

    mean: float
    spread: float  # the standard deviation the margin counts in
    limit: float  # more than this (and at least min_count) is a surge


def usual(weekly: Sequence[int], rule: ActivityRule) -> Usual:
    """The usual count for the window from the counts of the same window in earlier weeks."""
    n = len(weekly)
    mean = sum(weekly) / n if n else 0.0
    variance = sum((c - mean) ** 2 for c in weekly) / (n - 1) if n > 1 else 0.0
    spread = math.sqrt(max(variance, mean, 1.0))
    limit = max(mean + rule.margin * spread, rule.rate_factor * mean)
    return Usual(mean, spread, limit)


@dataclass(frozen=True)
class Surge:
    """A topic or address with heightened activity: the count in the window and the usual."""

    subject: str
    count: int
    usual: float
    reason: SurgeReason
    kind: SurgeKind = SurgeKind.TOPIC

    @property
    def topic(self) -> str:
        """The topic of a topic surge ("" for an address)."""
        return self.subject if self.kind is SurgeKind.TOPIC else ""

    @property
    def place(self) -> str:
        """The address of an address surge ("" for a topic)."""
        return self.subject if self.kind is SurgeKind.PLACE else ""


def detect_surge(
    subject: str,
    count: int,
    weekly: Sequence[int],
    rule: ActivityRule,
    kind: SurgeKind = SurgeKind.TOPIC,
) -> Surge | None:
    """A Surge when the window's count is far above the same weekday-hours, else None."""
    if not rule.enabled or (kind is SurgeKind.PLACE and not rule.by_place):
        return None
    expected = usual(weekly, rule)
    if rule.threshold is not None and count >= rule.threshold:
        return Surge(subject, count, expected.mean, SurgeReason.THRESHOLD, kind)
    if count >= rule.min_count and count > expected.limit:
        return Surge(subject, count, expected.mean, SurgeReason.RATE, kind)
    return None


def window_block(worked_since_year_start: timedelta, rule: ActivityRule) -> int:
    """The number of the working-time window of the year: one alert per subject per block."""
    return int(worked_since_year_start // rule.window)
