"""Russian formatting of report values: numbers, shares, durations, instants, and the titles
of coded values (networks, importance, roles), so no code reaches a reader."""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from app.domain.intake import NETWORKS
from app.domain.regulation.model import IMPORTANCE_TITLES, Importance, RegulationProfile
from app.domain.roles import ROLE_TITLES, Role

NBSP = "\u00a0"
NNBSP = "\u202f"  # thin no-break space: Russian thousands separator


def number(value: int | float | None) -> str:
    """12 345 with a thin no-break space; «—» for nothing."""
    if value is None:
        return "—"
    return f"{value:,.0f}".replace(",", NNBSP)


def decimal(value: float | None, digits: int = 1) -> str:
    """A fraction with a decimal comma: «2,5»."""
    if value is None:
        return "—"
    return f"{value:.{digits}f}".replace(".", ",")


def share(value: float | None) -> str:
    """A share as «87,5 %»."""
    if value is None:
        return "—"
    return decimal(value * 100) + f"{NBSP}%"


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


def network_title(code: str) -> str:
    """«ВКонтакте» for vk: the one mapping of network codes (app.domain.intake.NETWORKS)."""
    return NETWORKS.get(code, code)


def importance_title(code: str) -> str:
    """«обычная» / «высокая»."""
    return IMPORTANCE_TITLES[Importance(code)] if code in set(Importance) else code


def role_title(role: str, profile: RegulationProfile | None = None) -> str:
    """The profile's name of a role (else the generic one)."""
    if role not in set(Role):
        return role
    return profile.title(Role(role)) if profile is not None else ROLE_TITLES[Role(role)]


def responsible(name: str, role: str, profile: RegulationProfile | None = None) -> str:
    """Who answered for a step: the person, or «Исполнитель (не назначен)»."""
    return name or f"{role_title(role, profile)} (не назначен)"


# Dimensions of the dynamics tables whose values are codes.
DIMENSION_TITLES = {"network": network_title, "importance": importance_title}


def dimension_value(dimension: str, value: str) -> str:
    """A dynamics row's value as read: network and importance codes get their titles."""
    title = DIMENSION_TITLES.get(dimension)
    return title(value) if title else value


FILTERS = {
    "number": number,
    "decimal": decimal,
    "share": share,
    "minutes": minutes,
    "change": change,
    "network_title": network_title,
    "importance_title": importance_title,
}
