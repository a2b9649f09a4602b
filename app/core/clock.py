"""The one source of "now" for the web app and the worker (injectable for tests and demos).

Tests replace the source with `set_clock`. A demo moves every process's clock at once with
OTKLIK_CLOCK_OFFSET in the environment (`otklik run` passes it to the web app and the worker):
seconds, or a number with s/m/h/d, e.g. `+3d`, `-90m`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_offset(raw: str | None) -> timedelta:
    """An offset like `+3d`, `-90m` or `3600`; empty is none; anything else is refused."""
    if not raw or not raw.strip():
        return timedelta(0)
    match = re.fullmatch(r"\s*([+-]?\d+)\s*([smhd]?)\s*", raw)
    if match is None:
        raise ValueError(f"OTKLIK_CLOCK_OFFSET must look like +3d, -90m or 3600, not {raw!r}")
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


_OFFSET = parse_offset(os.environ.get("OTKLIK_CLOCK_OFFSET"))


def _system() -> datetime:
    return datetime.now(UTC) + _OFFSET


_now: Callable[[], datetime] = _system


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return _now()


def set_clock(source: Callable[[], datetime] | None) -> None:
    """Replace the source of now (None restores the system clock with the demo offset)."""
    global _now
    _now = source if source is not None else _system
