"""When a periodic report is made (Penza p.20; Parfino p.22 and p.23: «не позднее 5 числа
месяца, следующего за отчетным»).

A report is made at the first working instant after its period. A monthly report with a due
day names a calendar date, which holidays do not move: when no working day falls between the
1st and the due day of the next month (the January holidays: 1–8 January in 2026 and 2027),
the report is made on the last working day of the reported month, once its working hours are
over, and says so. Pure: the organisation's calendar comes in as an argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.domain.worktime import WorkCalendar
from app.domain.worktime.year_table import MONTHS_GENITIVE_RU


def day_month_ru(day: date, year: bool = True) -> str:
    """«5 января 2027 г.» (or «5 января»)."""
    text = f"{day.day} {MONTHS_GENITIVE_RU[day.month - 1]}"
    return f"{text} {day.year} г." if year else text


@dataclass(frozen=True)
class ReportSchedule:
    """When a period's report is made and, for a monthly report with a due day, by when."""

    period_end: date  # the day after the period's last day
    due_date: date | None  # the calendar date the regulation names (None: no day named)
    make_at: datetime  # when the worker makes it
    before_period_end: bool  # made on the period's last working day: no working day before due

    def note_ru(self, clause: str) -> str:
        """The sentence the report carries when it was made before its period ended."""
        if not self.before_period_end or self.due_date is None:
            return ""
        first = self.period_end
        made = self.make_at.date()
        return (
            f"Срок представления — не позднее {day_month_ru(self.due_date)} (п. {clause} "
            f"Положения); с {first.day} по {day_month_ru(self.due_date, year=False)} рабочих "
            f"дней нет, поэтому отчёт сформирован в последний рабочий день отчётного месяца, "
            f"{day_month_ru(made)}, после окончания рабочего времени. Данные — на момент "
            "формирования."
        )


def _midnight(calendar: WorkCalendar, day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=calendar.tz)


def last_working_day_end(calendar: WorkCalendar, before: date) -> datetime:
    """The end of working hours of the last working day before `before`."""
    day = before - timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return calendar.working_intervals(_midnight(calendar, day), _midnight(calendar, before))[-1][1]


def report_schedule(
    calendar: WorkCalendar, period_end: date, due_day: int | None = None
) -> ReportSchedule:
    """When the report of the period ending (exclusive) on `period_end` is made: the first
    working instant after the period; with a due day (monthly reports, the period ending on
    the 1st), at the latest on that day, else at the end of the period's last working day."""
    first = calendar.next_working_instant(_midnight(calendar, period_end))
    if due_day is None:
        return ReportSchedule(period_end, None, first, before_period_end=False)
    due = period_end.replace(day=due_day)
    if first.astimezone(calendar.tz).date() <= due:
        return ReportSchedule(period_end, due, first, before_period_end=False)
    early = last_working_day_end(calendar, period_end)
    return ReportSchedule(period_end, due, early, before_period_end=True)
