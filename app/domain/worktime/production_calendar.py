"""The Russian production calendar as data: holidays, transfers, shortened and decree days."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Any

from app.domain.worktime.errors import CalendarDataError, OutOfCalendarError

DATA_PACKAGE = "app.domain.worktime.calendar_data"


class DayKind(StrEnum):
    """What the production calendar says about a date (for the five-day week)."""

    WORKDAY = "workday"
    WORKING_WEEKEND = "working_weekend"  # a Saturday/Sunday made working by a transfer
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    DAY_OFF = "day_off"  # a day off transferred onto a weekday
    DECREE = "decree"  # presidential non-working day, when switched on


@dataclass(frozen=True)
class DayInfo:
    """A date's kind, the weekday whose schedule it works by, and whether it is shortened."""

    kind: DayKind
    works_as: int | None
    shortened: bool = False

    @property
    def is_working(self) -> bool:
        """True for a working day of the five-day week."""
        return self.works_as is not None and self.kind is not DayKind.WEEKEND


@dataclass(frozen=True)
class YearSource:
    """The decree a year's data comes from, and the official month figures."""

    year: int
    status: str
    title: str
    number: str
    url: str
    official_days: tuple[int, ...]
    official_hours_40: tuple[int, ...]
    official_source: str


@dataclass(frozen=True)
class ProductionCalendar:
    """Holidays, transfers, shortened days and decree days for a range of whole years."""

    first_year: int
    last_year: int
    holidays: frozenset[date]
    days_off: frozenset[date]
    working_weekends: Mapping[date, date]  # working weekend day -> the day whose day off it took
    shortened: frozenset[date]
    decree_days: frozenset[date]
    include_decree_days: bool = False
    regions: tuple[str, ...] = ()
    sources: Mapping[int, YearSource] = field(default_factory=dict, compare=False)

    @classmethod
    def russia(
        cls, include_decree_days: bool = False, region: str | None = None
    ) -> ProductionCalendar:
        """The packaged Russian calendar, optionally with presidential days and a region."""
        calendar = _russia_base()
        if include_decree_days:
            calendar = replace(calendar, include_decree_days=True)
        return calendar.with_region(region) if region else calendar

    @property
    def first_day(self) -> date:
        """The first date the data covers."""
        return date(self.first_year, 1, 1)

    @property
    def last_day(self) -> date:
        """The last date the data covers."""
        return date(self.last_year, 12, 31)

    def with_region(self, code: str) -> ProductionCalendar:
        """This calendar with a regional layer on top; years are cut to the layer's years."""
        layer = _load_region(code)
        years = layer["years"]
        first, last = max(self.first_year, min(years)), min(self.last_year, max(years))
        if first > last:
            raise CalendarDataError(
                f"region {code!r} covers none of {self.first_year}–{self.last_year}"
            )
        return replace(
            self,
            first_year=first,
            last_year=last,
            holidays=self.holidays | layer["holidays"],
            days_off=self.days_off | layer["days_off"],
            shortened=self.shortened | layer["shortened"],
            regions=(*self.regions, code),
        )

    def check(self, d: date) -> None:
        """Refuse a date outside the data's years."""
        if not self.first_year <= d.year <= self.last_year:
            raise OutOfCalendarError(
                f"{d} is outside the production calendar data ({self.first_year}–{self.last_year})",
                f"Дата {d:%d.%m.%Y} вне периода производственного календаря "
                f"({self.first_year}–{self.last_year} гг.).",
            )

    def day_info(self, d: date) -> DayInfo:
        """Classify a date; a date outside the data is refused."""
        self.check(d)
        if d in self.holidays:
            return DayInfo(DayKind.HOLIDAY, None)
        if d in self.days_off:
            return DayInfo(DayKind.DAY_OFF, None)
        decree = self.include_decree_days and d in self.decree_days
        if (took := self.working_weekends.get(d)) is not None:
            if decree:
                return DayInfo(DayKind.DECREE, None)
            return DayInfo(DayKind.WORKING_WEEKEND, took.weekday(), d in self.shortened)
        if d.weekday() >= 5:
            # Other schedules (e.g. a six-day week) may still work this weekday.
            return DayInfo(DayKind.WEEKEND, d.weekday())
        if decree:
            return DayInfo(DayKind.DECREE, None)
        return DayInfo(DayKind.WORKDAY, d.weekday(), d in self.shortened)

    def norm_40h(self, year: int, month: int) -> tuple[int, int]:
        """Working days and hours of the five-day 40-hour week in a month (the official norm)."""
        days = hours = 0
        d = date(year, month, 1)
        while d.month == month:
            info = self.day_info(d)
            if info.is_working:
                days += 1
                hours += 7 if info.shortened else 8
            d += timedelta(days=1)
        return days, hours


def _dates(raw: Any, where: str) -> frozenset[date]:
    if not isinstance(raw, list) or not all(type(x) is date for x in raw):
        raise CalendarDataError(f"{where}: expected a list of dates")
    return frozenset(raw)


def _read(name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8"))
    except (FileNotFoundError, tomllib.TOMLDecodeError) as exc:
        raise CalendarDataError(f"cannot read calendar data {name}: {exc}") from exc


@cache
def available_years() -> tuple[int, ...]:
    """Years with a packaged `ru-YYYY.toml` file."""
    names = (p.name for p in files(DATA_PACKAGE).iterdir())
    return tuple(sorted(int(m[1]) for n in names if (m := re.fullmatch(r"ru-(\d{4})\.toml", n))))


@dataclass(frozen=True)
class YearData:
    """One year file, parsed and checked."""

    holidays: frozenset[date]
    shortened: frozenset[date]
    transfers: tuple[tuple[date, date], ...]
    by_decree: frozenset[tuple[date, date]]  # the transfers made by the Government decree
    decree_days: frozenset[date]
    source: YearSource


@cache
def load_year(year: int) -> YearData:
    """One year's data, checked for shape and for dates inside the year."""
    where = f"ru-{year}.toml"
    data = _read(where)
    if data.get("year") != year:
        raise CalendarDataError(f"{where}: year field is {data.get('year')!r}")
    source, official = data["source"], data["official"]
    parsed = YearData(
        holidays=_dates(data["holidays"], f"{where} holidays"),
        shortened=_dates(data["shortened"], f"{where} shortened"),
        transfers=tuple((t["from"], t["to"]) for t in data["transfers"]),
        by_decree=frozenset(
            (t["from"], t["to"]) for t in data["transfers"] if t["basis"] == "decree"
        ),
        decree_days=frozenset(
            r["from"] + timedelta(days=i)
            for r in data.get("decree_days", [])
            for i in range((r["to"] - r["from"]).days + 1)
        ),
        source=YearSource(
            year=year,
            status=data["status"],
            title=source["title"],
            number=source.get("number", ""),
            url=source["url"],
            official_days=tuple(official["working_days"]),
            official_hours_40=tuple(official["hours_40"]),
            official_source=official["source"],
        ),
    )
    every = parsed.holidays | parsed.shortened | parsed.decree_days
    every |= {d for pair in parsed.transfers for d in pair}
    if any(type(d) is not date or d.year != year for d in every):
        raise CalendarDataError(f"{where}: a value that is not a date in {year}")
    return parsed


@cache
def _russia_base() -> ProductionCalendar:
    years = available_years()
    if not years or list(years) != list(range(years[0], years[-1] + 1)):
        raise CalendarDataError(f"calendar years must be contiguous, found {years}")
    holidays: set[date] = set()
    days_off: set[date] = set()
    shortened: set[date] = set()
    decree: set[date] = set()
    working_weekends: dict[date, date] = {}
    sources: dict[int, YearSource] = {}
    for year in years:
        data = load_year(year)
        holidays |= data.holidays
        shortened |= data.shortened
        decree |= data.decree_days
        sources[year] = data.source
        for source_day, target in data.transfers:
            days_off.add(target)
            if source_day not in data.holidays:
                working_weekends[source_day] = target
    return ProductionCalendar(
        first_year=years[0],
        last_year=years[-1],
        holidays=frozenset(holidays),
        days_off=frozenset(days_off),
        working_weekends=working_weekends,
        shortened=frozenset(shortened),
        decree_days=frozenset(decree),
        sources=sources,
    )


@cache
def _load_region(code: str) -> dict[str, Any]:
    if not re.fullmatch(r"[a-z][a-z-]*", code):
        raise CalendarDataError(f"bad region code {code!r}")
    data = _read(f"regional-{code}.toml")
    where = f"regional-{code}.toml"
    return {
        "years": list(data["years"]),
        "holidays": _dates(data["holidays"], f"{where} holidays"),
        "days_off": frozenset(t["to"] for t in data.get("transfers", [])),
        "shortened": _dates(data["shortened"], f"{where} shortened"),
    }


def available_regions() -> tuple[str, ...]:
    """Region codes with a packaged regional layer."""
    names = (p.name for p in files(DATA_PACKAGE).iterdir())
    return tuple(sorted(m[1] for n in names if (m := re.fullmatch(r"regional-(.+)\.toml", n))))
