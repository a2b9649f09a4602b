"""Month-by-month table of a year's working time, to hold against the official calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.worktime import WorkCalendar

MONTHS_RU = (
    "Январь", "Февраль", "Март", "Апрель", "Май", "Июнь",
    "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь",
)  # fmt: skip
# The same months in the genitive, for dates: «5 января 2027 г.».
MONTHS_GENITIVE_RU = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
HEADERS_RU = (
    "Месяц",
    "Дней",
    "Рабочих",
    "Выходных и праздничных",
    "Часов (40 ч/нед.)",
    "Часов по графику",
    "Сокращённые дни",
)


@dataclass(frozen=True)
class MonthRow:
    """One month: calendar days, working days and days off, norm and schedule hours."""

    year: int
    month: int
    calendar_days: int
    working_days: int  # by the organisation's schedule, calendar and overrides
    days_off: int
    hours_40: int  # the official norm of the five-day 40-hour week
    schedule_hours: timedelta  # working time by the organisation's schedule
    shortened: tuple[date, ...]  # pre-holiday days of the production calendar


def year_table(work_calendar: WorkCalendar, year: int) -> list[MonthRow]:
    """Twelve rows for the year; a year outside the calendar data is refused."""
    rows = []
    for month in range(1, 13):
        d = date(year, month, 1)
        days: list[date] = []
        while d.month == month:
            days.append(d)
            d += timedelta(days=1)
        working = [x for x in days if work_calendar.is_working_day(x)]
        _, hours_40 = work_calendar.calendar.norm_40h(year, month)
        rows.append(
            MonthRow(
                year=year,
                month=month,
                calendar_days=len(days),
                working_days=len(working),
                days_off=len(days) - len(working),
                hours_40=hours_40,
                schedule_hours=sum((work_calendar.working_time_on(x) for x in days), timedelta()),
                shortened=tuple(x for x in working if work_calendar.day_info(x).shortened),
            )
        )
    return rows


def calendar_caption(work_calendar: WorkCalendar, year: int) -> str:
    """A heading naming the year's decree, the regional layers and the decree-day switch."""
    calendar = work_calendar.calendar
    calendar.check(date(year, 1, 1))
    source = calendar.sources.get(year)
    lines = [f"Производственный календарь на {year} год ({work_calendar.tz.key})"]
    if source is not None:
        number = f" № {source.number}" if source.number else ""
        lines.append(f"Источник: {source.title}{number}, {source.url}")
        if source.status != "official":
            lines.append(
                "Внимание: данные предварительные, сверьте с опубликованным постановлением."
            )
    if calendar.regions:
        lines.append("Региональные праздники: " + ", ".join(calendar.regions))
    if calendar.include_decree_days:
        lines.append("Нерабочие дни по указам Президента учтены.")
    return "\n".join(lines)


def _hours(value: timedelta) -> str:
    text = f"{value / timedelta(hours=1):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def table_cells(rows: list[MonthRow]) -> list[list[str]]:
    """The cells of each month and, last, of the total line (Russian, decimal comma)."""
    body = [
        [
            MONTHS_RU[r.month - 1],
            str(r.calendar_days),
            str(r.working_days),
            str(r.days_off),
            str(r.hours_40),
            _hours(r.schedule_hours),
            ", ".join(str(d.day) for d in r.shortened) or "—",
        ]
        for r in rows
    ]
    body.append(
        [
            "Итого",
            str(sum(r.calendar_days for r in rows)),
            str(sum(r.working_days for r in rows)),
            str(sum(r.days_off for r in rows)),
            str(sum(r.hours_40 for r in rows)),
            _hours(sum((r.schedule_hours for r in rows), timedelta())),
            str(sum(len(r.shortened) for r in rows)),
        ]
    )
    return body


def format_year_table(rows: list[MonthRow]) -> str:
    """Plain-text table with Russian headers and a total line."""
    body = table_cells(rows)
    table = [list(HEADERS_RU), *body]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS_RU))]

    def render(line: list[str]) -> str:
        cells = [line[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(line[1:-1], widths[1:-1], strict=True)]
        cells.append(line[-1])
        return "  ".join(cells).rstrip()

    rule = "-" * len(render(table[0]))
    return "\n".join([render(table[0]), rule, *map(render, body[:-1]), rule, render(body[-1])])
