"""Regulation profiles: every timing, duty and report rule of a regulation, each with its clause.

A profile is data (profiles/*.toml beside this file, or an admin-edited JSON copy in the
database);
`profile_from_mapping` is the one reader of both, `validate_profile` refuses impossible values
and lists budgets that cannot fit the answer deadline (conflicts are shown, not hidden).
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files

from app.domain.regulation.checks import validate_profile
from app.domain.regulation.model import (
    DUTY_TITLES,
    REFUSAL_TITLES,
    Duty,
    Importance,
    ProfileError,
    ProfileWarning,
    RefusalReason,
    RegulationProfile,
    ReportPeriod,
    ReportRule,
    Reports,
    TimeBasis,
    Timing,
    Timings,
)
from app.domain.regulation.profile_io import profile_from_mapping, profile_to_mapping

__all__ = [
    "BUILTIN_CODES",
    "DUTY_TITLES",
    "REFUSAL_TITLES",
    "Duty",
    "Importance",
    "ProfileError",
    "ProfileWarning",
    "RefusalReason",
    "RegulationProfile",
    "ReportPeriod",
    "ReportRule",
    "Reports",
    "TimeBasis",
    "Timing",
    "Timings",
    "builtin_profiles",
    "load_profile",
    "profile_from_mapping",
    "profile_to_mapping",
    "validate_profile",
]

PROFILES_PACKAGE = "app.domain.regulation.profiles"
BUILTIN_CODES = ("penza-2020", "parfino-2020")


@cache
def load_profile(code: str) -> RegulationProfile:
    """A built-in profile by code ('penza-2020', 'parfino-2020'), validated."""
    if code not in BUILTIN_CODES:
        raise ProfileError(f"unknown profile {code!r}", f"Неизвестный регламент «{code}».")
    text = files(PROFILES_PACKAGE).joinpath(f"{code}.toml").read_text(encoding="utf-8")
    profile = profile_from_mapping(tomllib.loads(text))
    validate_profile(profile)
    return profile


def builtin_profiles() -> tuple[RegulationProfile, ...]:
    """All profiles shipped with Otklik."""
    return tuple(load_profile(code) for code in BUILTIN_CODES)
