"""Surges over the same weekday-hours of earlier weeks (Penza p.21, Parfino p.24)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.activity import ActivityRule, SurgeKind, SurgeReason, detect_surge, usual

RULE = ActivityRule()  # 4 working hours, 4 weeks, 3 deviations, 2 × the mean, at least 5

weeks = st.integers(min_value=2, max_value=10)


@given(st.integers(min_value=0, max_value=500), weeks)
def test_a_steady_rate_never_alerts(per_window: int, n: int) -> None:
    rule = ActivityRule(baseline_weeks=n)
    assert detect_surge("Дороги", per_window, [per_window] * n, rule) is None


@given(st.lists(st.integers(min_value=0, max_value=300), min_size=2, max_size=10), st.data())
def test_no_more_than_the_busiest_earlier_week_never_alerts(
    weekly: list[int], data: st.DataObject
) -> None:
    # The margin of 3 deviations covers any count seen in up to 10 earlier weeks.
    count = data.draw(st.integers(min_value=0, max_value=max(weekly)))
    rule = ActivityRule(baseline_weeks=len(weekly))
    assert detect_surge("ЖКХ", count, weekly, rule) is None


@given(
    st.lists(st.integers(min_value=0, max_value=2), min_size=1, max_size=12),
    st.integers(min_value=12, max_value=1000),
)
def test_a_spike_over_a_quiet_topic_alerts(weekly: list[int], count: int) -> None:
    surge = detect_surge("Отопление", count, weekly, ActivityRule(baseline_weeks=len(weekly)))
    assert surge is not None and surge.reason is SurgeReason.RATE and surge.count == count


@given(st.integers(min_value=50, max_value=400))
def test_a_big_town_needs_a_real_jump(mean: int) -> None:
    weekly = [mean] * 4
    assert detect_surge("Дороги", int(mean * 1.5), weekly, RULE) is None
    assert detect_surge("Дороги", 2 * mean + 1, weekly, RULE) is not None


def test_uneven_weeks_widen_the_margin() -> None:
    steady, uneven = usual([5, 5, 5, 5], RULE), usual([0, 10, 0, 10], RULE)
    assert steady.mean == uneven.mean == 5
    assert uneven.limit > steady.limit
    assert detect_surge("Снег", 15, [5, 5, 5, 5], RULE) is not None
    assert detect_surge("Снег", 15, [0, 10, 0, 10], RULE) is None


def test_minimum_count_and_address_surges() -> None:
    assert detect_surge("ул. Ленина, 5", 4, [0, 0, 0, 0], RULE, SurgeKind.PLACE) is None
    surge = detect_surge("ул. Ленина, 5", 5, [0, 0, 0, 0], RULE, SurgeKind.PLACE)
    assert surge is not None and surge.place == "ул. Ленина, 5" and surge.topic == ""
    off = ActivityRule(by_place=False)
    assert detect_surge("ул. Ленина, 5", 50, [0], off, SurgeKind.PLACE) is None


def test_older_settings_still_read() -> None:
    old = ActivityRule.from_mapping(
        {"window_hours": 2, "threshold": 10, "rate_factor": 3, "min_count": 4, "baseline_days": 14}
    )
    assert (old.baseline_weeks, old.threshold, old.rate_factor, old.min_count) == (2, 10, 3, 4)
    assert detect_surge("Дороги", 10, [100, 100], old).reason is SurgeReason.THRESHOLD  # type: ignore[union-attr]
    assert ActivityRule.from_mapping({}).threshold is None
    assert [s.days for s in old.shifts()] == [7, 14]
    for bad in ({"baseline_weeks": 0}, {"margin": -1}, {"window_hours": 200}, {"threshold": 0}):
        with pytest.raises(ValueError):
            ActivityRule.from_mapping(bad)
