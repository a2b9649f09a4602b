"""Russian formatting of report values: numbers, shares, durations, instants."""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

NBSP = "\u00a0"
NNBSP = "\u202f"  # thin no-break space: Russian thousands separator


def number(value: int | float | None) -> str:
    """12 345 with a thin no-break space; «—» for nothing."""
    if value is None:
        return "—"
    return f"{value:,.0f}".replace(",", NNBSP)


def share(value: float | None) -> str:
    """A share as «87,5 %»."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}".replace(".", ",") + f"{NBSP}%"


def minutes(value: int | float | None) -> str:
    """Working minutes as «3 ч 20 мин» (or «45 мин»)."""
    if value is None:
        return "—"
    total = round(value)
    hours, rest = divmod(abs(total), 60)
    sign = "−" if total < 0 else ""
    if hours:
        return f"{sign}{hours}{NBSP}ч {rest}{NBSP}мин" if rest else f"{sign}{hours}{NBSP}ч"
    return f"{sign}{rest}{NBSP}мин"


def change(value: int) -> str:
    """A signed change: «+3», «−2», «0»."""
    return f"+{value}" if value > 0 else (f"−{-value}" if value < 0 else "0")


def local(value: datetime | None, tz: tzinfo | str, fmt: str = "%d.%m.%Y %H:%M") -> str:
    """An instant in the organisation's zone."""
    if value is None:
        return "—"
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    return value.astimezone(zone).strftime(fmt)


FILTERS = {"number": number, "share": share, "minutes": minutes, "change": change}
