"""Outbox rules (issue #14): backoff, when the worker stops, cut-off attempts, the alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.outbox import (
    MAX_ATTEMPTS,
    UNCONFIRMED_RU,
    failing_too_long,
    next_attempt,
    retry_delay,
    unconfirmed,
    unknown_outcome_ru,
)
from app.domain.timers import AlertSettings

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_retries_double_from_a_minute_and_stop_at_an_hour() -> None:
    minutes = [retry_delay(n) / timedelta(minutes=1) for n in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert retry_delay(1000) == timedelta(minutes=60)


def test_the_worker_stops_after_the_last_attempt() -> None:
    assert next_attempt(1, NOW) == NOW + timedelta(minutes=1)
    assert next_attempt(MAX_ATTEMPTS - 1, NOW) is not None
    assert next_attempt(MAX_ATTEMPTS, NOW) is None
    # A rate limit's wait is kept when it is longer than the backoff.
    assert next_attempt(1, NOW, retry_after=300) == NOW + timedelta(minutes=5)
    assert next_attempt(3, NOW, retry_after=5) == NOW + timedelta(minutes=4)


def test_an_attempt_posting_for_five_minutes_was_cut_off() -> None:
    assert not unconfirmed(None, NOW)
    assert not unconfirmed(NOW - timedelta(minutes=4, seconds=59), NOW)
    assert unconfirmed(NOW - timedelta(minutes=5), NOW)


def test_an_unknown_outcome_says_what_to_do() -> None:
    assert unknown_outcome_ru("") == UNCONFIRMED_RU
    said = unknown_outcome_ru("Telegram недоступен (ReadTimeout): проверьте сеть.")
    assert said == f"Telegram недоступен (ReadTimeout): проверьте сеть. {UNCONFIRMED_RU}"


def test_the_publisher_hears_after_the_organisations_limit() -> None:
    default = AlertSettings.from_mapping({})
    assert default.publication_failing_limit == timedelta(minutes=30)
    limit = AlertSettings.from_mapping({"publication_failing_minutes": 10})
    assert not failing_too_long(NOW, NOW + timedelta(minutes=9), limit.publication_failing_limit)
    assert failing_too_long(NOW, NOW + timedelta(minutes=10), limit.publication_failing_limit)
    with pytest.raises(ValueError):
        AlertSettings.from_mapping({"publication_failing_minutes": 0})
