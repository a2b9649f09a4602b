"""Heightened activity on one topic (Penza p.21, Parfino p.24): a pure rule over counts.

The specialist is alerted when, in the last `window_hours` working hours, the messages on one
topic reach `threshold`, or reach `min_count` and exceed `rate_factor` times the usual number
for such a window (the rate per working hour over the `baseline_days` calendar days before
the window).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any


class SurgeReason(StrEnum):
    """Why a topic is flagged."""

    THRESHOLD = "threshold"  # many messages, whatever the usual rate
    RATE = "rate"  # many more than usual


@dataclass(frozen=True)
class ActivityRule:
    """Thresholds of the heightened-activity alert (data: `alert_settings["activity"]`)."""

    window_hours: float = 4.0  # working hours
    threshold: int = 10  # messages on one topic in the window
    rate_factor: float = 3.0  # … or this many times the usual number
    min_count: int = 5  # the rate rule needs at least this many messages
    baseline_days: int = 28  # calendar days before the window give the usual rate
    enabled: bool = True

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ActivityRule:
        """The rule from stored JSON; missing keys take the defaults."""
        rule = cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})
        if rule.window_hours <= 0 or rule.threshold < 1 or rule.min_count < 1:
            raise ValueError("activity window, threshold and minimum count must be positive")
        if rule.rate_factor <= 1 or rule.baseline_days < 1:
            raise ValueError("activity rate factor must exceed 1 and the baseline be positive")
        return rule

    @property
    def window(self) -> timedelta:
        """The window as working time."""
        return timedelta(hours=self.window_hours)


@dataclass(frozen=True)
class Surge:
    """A topic with heightened activity: the count in the window and the usual one."""

    topic: str
    count: int
    usual: float
    reason: SurgeReason


def usual_count(baseline_count: int, baseline_hours: float, rule: ActivityRule) -> float:
    """The usual number of messages in one window, from the baseline rate per working hour."""
    if baseline_hours <= 0:
        return 0.0
    return baseline_count / baseline_hours * rule.window_hours


def detect_surge(
    topic: str, count: int, baseline_count: int, baseline_hours: float, rule: ActivityRule
) -> Surge | None:
    """A Surge when the window's count crosses the threshold or the rate rule, else None."""
    if not rule.enabled:
        return None
    usual = usual_count(baseline_count, baseline_hours, rule)
    if count >= rule.threshold:
        return Surge(topic, count, usual, SurgeReason.THRESHOLD)
    if count >= rule.min_count and count > rule.rate_factor * usual:
        return Surge(topic, count, usual, SurgeReason.RATE)
    return None


def window_block(worked_since_year_start: timedelta, rule: ActivityRule) -> int:
    """The number of the working-time window of the year: one alert per topic per block."""
    return int(worked_since_year_start // rule.window)
