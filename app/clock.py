"""The one source of "now" for the web app and the worker (injectable for tests and demos)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return _now()


def set_clock(source: Callable[[], datetime] | None) -> None:
    """Replace the source of now (None restores the system clock)."""
    global _now
    _now = source if source is not None else (lambda: datetime.now(UTC))
