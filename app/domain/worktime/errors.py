"""Errors of the working-time engine: English for logs, `message_ru` for the UI."""

from __future__ import annotations

from app.core.errors import UserError


class WorktimeError(UserError):
    """A working-time computation or configuration was refused."""

    default_ru = "Ошибка расчёта рабочего времени."
    default_code = "worktime"

    def __init__(self, message: str, message_ru: str | None = None) -> None:
        super().__init__(message_ru, detail=message)


class NaiveDatetimeError(WorktimeError):
    """A datetime without a time zone was given."""

    default_ru = "Время указано без часового пояса."


class OutOfCalendarError(WorktimeError):
    """A date lies outside the years of the production calendar data."""

    default_ru = "Дата вне периода, для которого загружен производственный календарь."


class ScheduleError(WorktimeError):
    """A weekly schedule or a date override is invalid."""

    default_ru = "График работы задан неверно."


class CalendarDataError(WorktimeError):
    """The calendar data files are missing or inconsistent."""

    default_ru = "Данные производственного календаря повреждены или отсутствуют."
