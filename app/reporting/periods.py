"""Report periods: an ISO week (2026-W47) or a month (2026-11), bounded in a time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from app.domain.report_schedule import day_month_ru
from app.domain.worktime.year_table import MONTHS_RU

_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})-")


class PeriodError(ValueError):
    """A period string that is neither YYYY-Www nor YYYY-MM."""


@dataclass(frozen=True)
class Period:
    """A week or a month; `first` is its first date, `last_excl` the day after its last."""

    kind: str  # "week" | "month"
    first: date
    last_excl: date

    @property
    def code(self) -> str:
        """The period as written: 2026-W47 or 2026-11."""
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.first.year}-{self.first.month:02d}"

    @property
    def title(self) -> str:
        """Russian title: «неделя 48, 23–29 ноября 2026» or «ноябрь 2026»."""
        if self.kind == "week":
            return f"неделя {self.first.isocalendar()[1]}, {self.days_ru}"
        return f"{MONTHS_RU[self.first.month - 1].lower()} {self.first.year}"

    @property
    def days_ru(self) -> str:
        """The period's days: «23–29 ноября 2026», «30 ноября – 6 декабря 2026»,
        «28 декабря 2026 – 3 января 2027»."""
        first, last = self.first, self.last_excl - timedelta(days=1)
        end = f"{day_month_ru(last, year=False)} {last.year}"
        if first.year != last.year:
            return f"{day_month_ru(first, year=False)} {first.year} – {end}"
        if first.month != last.month:
            return f"{day_month_ru(first, year=False)} – {end}"
        return f"{first.day}–{end}"

    @property
    def short(self) -> str:
        """A short label for charts: «нед. 47» or «11.2026»."""
        if self.kind == "week":
            return f"нед. {self.first.isocalendar()[1]}"
        return f"{self.first:%m.%Y}"

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """[start, end) as aware instants: local midnights in the organisation's zone."""
        return (
            datetime.combine(self.first, time(), tzinfo=tz),
            datetime.combine(self.last_excl, time(), tzinfo=tz),
        )

    def previous(self) -> Period:
        """The period just before this one."""
        return containing(self.kind, self.first - timedelta(days=1))

    def history(self, count: int) -> list[Period]:
        """The last `count` periods ending with this one, oldest first."""
        out = [self]
        while len(out) < count:
            out.append(out[-1].previous())
        return out[::-1]


def containing(kind: str, day: date) -> Period:
    """The week or month that contains the date."""
    if kind == "week":
        first = day - timedelta(days=day.weekday())
        return Period("week", first, first + timedelta(days=7))
    first = day.replace(day=1)
    return Period("month", first, (first + timedelta(days=32)).replace(day=1))


# Reports cover the years the system can hold: before 2000 nothing was posted, and a
# far-future year is a typing error (and past 9999 dates overflow).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_period(raw: str) -> Period:
    """Parse 2026-W47 (ISO week) or 2026-11 (month), years 2000–2100."""
    text = raw.strip().upper()
    if (m := _YEAR.match(text)) and not FIRST_YEAR <= int(m[1]) <= LAST_YEAR:
        raise PeriodError(f"year out of range {FIRST_YEAR}–{LAST_YEAR}: {raw!r}")
    if m := _WEEK.match(text):
        try:
            first = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError as error:
            raise PeriodError(f"no such ISO week: {raw}") from error
        return Period("week", first, first + timedelta(days=7))
    if (m := _MONTH.match(text)) and 1 <= int(m[2]) <= 12:
        return containing("month", date(int(m[1]), int(m[2]), 1))
    raise PeriodError(f"period must be YYYY-Www or YYYY-MM, not {raw!r}")


def kind_of(report_period: str) -> str:
    """The profile's report period (weekly/monthly) as a Period kind."""
    return "week" if report_period == "weekly" else "month"
