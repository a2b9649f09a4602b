"""The `otklik calendar` table of an organisation's year, ready for an HTML table."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.worktime import WorkCalendar
from app.domain.worktime.errors import WorktimeError
from app.domain.worktime.year_table import HEADERS_RU, calendar_caption, table_cells, year_table


@dataclass(frozen=True)
class YearView:
    """The caption lines, the headers, one row of cells per month and the total row."""

    year: int
    caption: tuple[str, ...] = ()
    headers: tuple[str, ...] = HEADERS_RU
    rows: tuple[tuple[str, ...], ...] = ()
    total: tuple[str, ...] = ()
    error: str = ""


def year_view(work_calendar: WorkCalendar, year: int) -> YearView:
    """The year month by month; a year outside the calendar data gives a Russian error."""
    try:
        caption = calendar_caption(work_calendar, year)
        cells = table_cells(year_table(work_calendar, year))
    except WorktimeError as error:
        return YearView(year, error=error.message_ru)
    return YearView(
        year,
        caption=tuple(caption.splitlines()),
        rows=tuple(tuple(c) for c in cells[:-1]),
        total=tuple(cells[-1]),
    )
