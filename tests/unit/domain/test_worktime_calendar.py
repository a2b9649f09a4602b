"""The production calendar data against the official figures and the `holidays` package.

Official figures: the production calendars for the five-day 40-hour week published each year
(Ministry of Labour of Russia; ConsultantPlus, https://www.consultant.ru/law/ref/calendar/
proizvodstvennye/YYYY/). The month figures live in each `ru-YYYY.toml` under [official]; the
year totals are also pinned literally below as an independent anchor.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.worktime import ProductionCalendar, WeeklySchedule, WorkCalendar
from app.domain.worktime.production_calendar import available_regions, available_years, load_year

# (working days, hours of the 40-hour week) for the year, as published.
OFFICIAL_YEAR_TOTALS = {
    2020: (248, 1979),
    2021: (247, 1972),
    2022: (247, 1973),
    2023: (247, 1973),
    2024: (248, 1979),
    2025: (247, 1972),
    2026: (247, 1972),
}
# Quarter figures as published for 2021 (Q1, Q2) and 2026 (all quarters): (days, hours).
OFFICIAL_QUARTERS = {
    (2021, 1): (56, 447),
    (2021, 2): (62, 494),
    (2026, 1): (55, 440),
    (2026, 2): (62, 493),
    (2026, 3): (66, 528),
    (2026, 4): (64, 511),
}
YEARS = list(range(2020, 2028))


@pytest.fixture(scope="module")
def wc() -> WorkCalendar:
    return WorkCalendar(WeeklySchedule.five_day_40h(), ProductionCalendar.russia())


def month_figures(wc: WorkCalendar, year: int, month: int) -> tuple[int, int]:
    d, days, worked = date(year, month, 1), 0, timedelta(0)
    while d.month == month:
        days += wc.is_working_day(d)
        worked += wc.working_time_on(d)
        d += timedelta(days=1)
    assert worked % timedelta(hours=1) == timedelta(0)
    return days, worked // timedelta(hours=1)


def test_the_data_covers_2020_to_2027() -> None:
    assert available_years() == tuple(YEARS)
    assert set(available_regions()) >= {"tatarstan", "bashkortostan"}


@pytest.mark.parametrize("year", YEARS)
def test_engine_reproduces_the_official_month_figures(wc: WorkCalendar, year: int) -> None:
    source = load_year(year).source
    official = list(zip(source.official_days, source.official_hours_40, strict=True))
    assert len(official) == 12
    assert [month_figures(wc, year, m) for m in range(1, 13)] == official
    assert [wc.calendar.norm_40h(year, m) for m in range(1, 13)] == official


@pytest.mark.parametrize("year", sorted(OFFICIAL_YEAR_TOTALS))
def test_year_totals_match_the_published_calendar(wc: WorkCalendar, year: int) -> None:
    source = load_year(year).source
    assert (sum(source.official_days), sum(source.official_hours_40)) == OFFICIAL_YEAR_TOTALS[year]
    msk = ZoneInfo("Europe/Moscow")
    start, end = datetime(year, 1, 1, tzinfo=msk), datetime(year + 1, 1, 1, tzinfo=msk)
    if year < 2027:
        assert wc.between(start, end) == timedelta(hours=OFFICIAL_YEAR_TOTALS[year][1])


@pytest.mark.parametrize(("year", "quarter"), sorted(OFFICIAL_QUARTERS))
def test_quarter_figures(wc: WorkCalendar, year: int, quarter: int) -> None:
    months = [month_figures(wc, year, m) for m in range(3 * quarter - 2, 3 * quarter + 1)]
    assert tuple(map(sum, zip(*months, strict=True))) == OFFICIAL_QUARTERS[(year, quarter)]


@pytest.mark.parametrize("year", YEARS)
def test_each_year_cites_its_decree(year: int) -> None:
    source = load_year(year).source
    assert f"О переносе выходных дней в {year} году" in source.title
    assert source.url.startswith("https://www.consultant.ru/document/")
    assert source.status == ("provisional" if year == 2027 else "official")


@pytest.mark.parametrize("year", YEARS)
def test_holidays_and_transfers_agree_with_the_holidays_package(year: int) -> None:
    holidays = pytest.importorskip("holidays")
    theirs = holidays.country_holidays("RU", years=year, language="en_US")
    data = load_year(year)
    ours_off = data.holidays | {to for _, to in data.transfers}
    assert set(theirs) == ours_off
    # The package names a decree transfer "Day off (substituted from MM/DD/YYYY)".
    their_pairs = set()
    for day, name in theirs.items():
        for m in re.finditer(r"substituted from (\d\d)/(\d\d)/(\d{4})", name):
            their_pairs.add((date(int(m[3]), int(m[1]), int(m[2])), day))
    assert data.by_decree == their_pairs


def test_shortened_days_are_working_days_before_a_holiday() -> None:
    calendar = ProductionCalendar.russia()
    for d in sorted(calendar.shortened):
        info = calendar.day_info(d)
        assert info.is_working and info.shortened, d
        nxt = d + timedelta(days=1)
        replaced = calendar.working_weekends.get(d)
        before_holiday = nxt in calendar.holidays or (
            replaced is not None and replaced + timedelta(days=1) in calendar.holidays
        )
        assert before_holiday, d


def test_decree_days() -> None:
    on = ProductionCalendar.russia(include_decree_days=True)
    off = ProductionCalendar.russia()
    # 2020: decrees No. 206, 239, 294 (30 Mar – 30 Apr, 6–8 May), No. 345 (24 Jun), No. 354 (1 Jul)
    expected_2020 = {date(2020, 3, 30) + timedelta(days=i) for i in range(32)}
    expected_2020 |= {date(2020, 5, 6), date(2020, 5, 7), date(2020, 5, 8)}
    expected_2020 |= {date(2020, 6, 24), date(2020, 7, 1)}
    # 2021: decrees No. 242 (4–7 May) and No. 595 (30 Oct – 7 Nov)
    expected_2021 = {date(2021, 5, d) for d in range(4, 8)}
    expected_2021 |= {date(2021, 10, 30) + timedelta(days=i) for i in range(9)}
    assert on.decree_days == expected_2020 | expected_2021
    assert on.norm_40h(2021, 5) == (15, 120)
    assert on.norm_40h(2021, 11) == (17, 136)  # 3 Nov (shortened) is off
    assert off.norm_40h(2021, 11) == (20, 159)


def test_regional_layers_reduce_the_year() -> None:
    # Ministry of Labour of Tatarstan: 245 working days in 2025 for the five-day week.
    tatarstan = ProductionCalendar.russia(region="tatarstan")
    assert sum(tatarstan.norm_40h(2025, m)[0] for m in range(1, 13)) == 245
    assert tatarstan.last_year == 2026
