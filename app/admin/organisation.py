"""The organisation's settings: name, time zone, weekly schedule, calendar options, overrides.

The schedule is edited as one line of intervals per weekday («09:00–13:00, 13:48–18:00»:
the gap is the lunch break, an empty line is a day off). Everything is validated by the
working-time engine itself (WeeklySchedule, DayOverride, WorkCalendar), so the admin sees
the engine's Russian message; open cases get their deadlines recomputed after a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from app.admin.common import (
    AdminError,
    AdminNotFound,
    bounded,
    lock_organisation,
    log_change,
    refuse,
)
from app.admin.profiles import refresh_open_cases
from app.db.json_columns import json_value
from app.db.tables import Organisation
from app.domain.networks import NETWORKS
from app.domain.timers import (
    DEFAULT_IMMEDIATE_REPORT_MINUTES,
    DEFAULT_UNSCREENED_MINUTES,
    MAX_UNSCREENED_MINUTES,
)
from app.domain.worktime import DayOverride, WeeklySchedule
from app.domain.worktime.errors import WorktimeError
from app.domain.worktime.org_calendar import WEEKDAY_KEYS, work_calendar_from_settings
from app.domain.worktime.production_calendar import available_regions
from app.identity.actor import ActorContext
from app.identity.report_recipients import (
    REPORT_KINDS,
    agreed_recipients,
    set_agreed_recipients,
)
from app.web.forms import to_int

WEEKDAY_TITLES = ("Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье")
REGION_TITLES = {"tatarstan": "Республика Татарстан", "bashkortostan": "Республика Башкортостан"}
MAX_INTERVALS_TEXT = 200
MAX_OVERRIDES = 400
INTERVAL_RE = re.compile(r"^\s*(\S+?)\s*[-–—]\s*(\S+)\s*$")


@dataclass
class OrganisationForm:
    """The settings form as typed (strings), so a refused form comes back unchanged."""

    name: str = ""
    timezone: str = "Europe/Moscow"
    days: dict[str, str] = field(default_factory=dict)
    include_decree_days: bool = False
    region: str = ""


def intervals_text(pairs: list[list[str]] | None) -> str:
    """Stored intervals as the editor shows them: «09:00–13:00, 14:00–18:00»."""
    return ", ".join(f"{start}–{end}" for start, end in pairs or ())


def parse_intervals(text: str, field_name: str) -> list[list[str]]:
    """Intervals typed in one line, separated by commas; malformed pieces are refused."""
    if len(text) > MAX_INTERVALS_TEXT:
        raise refuse(field_name, f"Не более {MAX_INTERVALS_TEXT} символов.")
    result = []
    for piece in re.split(r"[,;]", text):
        if not piece.strip():
            continue
        match = INTERVAL_RE.match(piece)
        if match is None:
            raise refuse(
                field_name, f"«{piece.strip()}» не читается: ожидается ЧЧ:ММ–ЧЧ:ММ через запятую."
            )
        result.append([match[1], match[2]])
    return result


def _json(value: Any) -> dict[str, Any]:
    parsed = json_value(value)
    return dict(parsed or {})


async def _row(organisation_id: int) -> dict[str, Any]:
    row = await Organisation.select().where(Organisation.id == organisation_id).first()
    if row is None:
        raise AdminNotFound(organisation_id)
    row["schedule"], row["calendar_options"] = (
        _json(row["schedule"]),
        _json(row["calendar_options"]),
    )
    return row


def _effective_schedule(schedule: dict[str, Any]) -> dict[str, list[list[str]]]:
    if schedule:
        return {k: list(schedule.get(k) or []) for k in WEEKDAY_KEYS}
    default = WeeklySchedule.five_day_40h()  # what an empty stored schedule means
    return {
        k: [[f"{i.start:%H:%M}", f"{i.end:%H:%M}"] for i in default.days[n]]
        for n, k in enumerate(WEEKDAY_KEYS)
    }


async def organisation_form(organisation_id: int) -> OrganisationForm:
    """The current settings as the form shows them."""
    row = await _row(organisation_id)
    schedule = _effective_schedule(row["schedule"])
    options = row["calendar_options"]
    return OrganisationForm(
        name=row["name"],
        timezone=row["timezone"],
        days={k: intervals_text(schedule[k]) for k in WEEKDAY_KEYS},
        include_decree_days=bool(options.get("include_decree_days")),
        region=options.get("region") or "",
    )


@dataclass(frozen=True)
class OverrideRow:
    """A date whose working hours differ from the production calendar's."""

    date: date
    intervals: str


async def overrides(organisation_id: int) -> list[OverrideRow]:
    """The per-date overrides, by date, with their intervals as text."""
    options = (await _row(organisation_id))["calendar_options"]
    items = sorted(options.get("overrides") or (), key=lambda o: o["date"])
    return [
        OverrideRow(date.fromisoformat(o["date"]), intervals_text(o.get("intervals")))
        for o in items
    ]


def _schedule(form: OrganisationForm) -> dict[str, list[list[str]]]:
    schedule = {k: parse_intervals(form.days.get(k, ""), f"day_{k}") for k in WEEKDAY_KEYS}
    week = {n: [(a, b) for a, b in schedule[k]] for n, k in enumerate(WEEKDAY_KEYS)}
    try:
        WeeklySchedule.from_mapping(week)
    except WorktimeError as error:
        # Name the weekday whose line is wrong; the empty week belongs to the whole schedule.
        for n, key in enumerate(WEEKDAY_KEYS):
            try:
                if week[n]:
                    WeeklySchedule.from_mapping({n: week[n]})
            except WorktimeError as day_error:
                raise refuse(f"day_{key}", day_error.message_ru) from None
        raise refuse("schedule", error.message_ru) from None
    return schedule


def _timezone(value: str) -> str:
    value = value.strip()
    try:
        if value not in available_timezones():
            raise ZoneInfoNotFoundError(value)
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise refuse(
            "timezone", "Неизвестный часовой пояс: укажите, например, Europe/Moscow."
        ) from None
    return value


def _check_calendar(timezone: str, schedule: dict[str, Any], options: dict[str, Any]) -> None:
    try:
        work_calendar_from_settings(timezone, schedule, options)
    except WorktimeError as error:
        raise refuse("schedule", error.message_ru) from None


async def _store(ctx: ActorContext, kind: str, after: dict[str, Any], comment: str = "") -> None:
    """Update the organisation row, log before/after, recompute open cases' deadlines."""
    async with Organisation._meta.db.transaction():
        await lock_organisation(ctx.organisation_id)
        row = await _row(ctx.organisation_id)
        before = {k: row[k] for k in after}
        columns = {getattr(Organisation, k): v for k, v in after.items()}
        await Organisation.update(columns).where(Organisation.id == ctx.organisation_id)
        await log_change(ctx, kind, before=before, after=after, comment=comment)
        if any(before[k] != after[k] for k in after if k != "name"):
            await refresh_open_cases(ctx.organisation_id)


async def save_organisation(ctx: ActorContext, form: OrganisationForm) -> None:
    """Validate and store name, zone, schedule and calendar options (overrides are kept)."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for key, check in (
        ("name", lambda: bounded(form.name, "name", 300, "Название")),
        ("timezone", lambda: _timezone(form.timezone)),
        ("schedule", lambda: _schedule(form)),
    ):
        try:
            values[key] = check()
        except AdminError as error:
            errors.update(error.errors)
    if form.region and form.region not in available_regions():
        errors["region"] = "Неизвестный регион календаря."
    if errors:
        raise AdminError(errors)
    options = (await _row(ctx.organisation_id))["calendar_options"]
    options.pop("regions", None)  # an old spelling; "region" is what the calendar reads
    options.update(include_decree_days=form.include_decree_days, region=form.region or None)
    _check_calendar(values["timezone"], values["schedule"], options)
    await _store(ctx, "admin_organisation_saved", {**values, "calendar_options": options})


async def add_override(ctx: ActorContext, day_text: str, kind: str, intervals: str) -> None:
    """Add a per-date exception: a day off, or a working day with its own hours."""
    try:
        day = date.fromisoformat(day_text.strip())
    except ValueError:
        raise refuse("date", "Укажите дату в формате ДД.ММ.ГГГГ.") from None
    if kind not in ("day_off", "working"):
        raise refuse("kind", "Выберите: выходной или рабочий день.")
    pairs = parse_intervals(intervals, "intervals") if kind == "working" else []
    try:
        if kind == "working":
            DayOverride.working(day, [(a, b) for a, b in pairs])
    except WorktimeError as error:
        raise refuse("intervals", error.message_ru) from None
    row = await _row(ctx.organisation_id)
    options = row["calendar_options"]
    items = list(options.get("overrides") or ())
    if any(o["date"] == day.isoformat() for o in items):
        raise refuse("date", f"Для даты {day:%d.%m.%Y} уже задано исключение: удалите его.")
    if len(items) >= MAX_OVERRIDES:
        raise refuse("date", f"Не более {MAX_OVERRIDES} исключений.")
    items.append({"date": day.isoformat(), "intervals": pairs})
    options["overrides"] = sorted(items, key=lambda o: o["date"])
    try:
        _check_calendar(row["timezone"], row["schedule"], options)
    except AdminError as error:
        raise refuse("date", error.message_ru) from None
    await _store(ctx, "admin_calendar_override_added", {"calendar_options": options}, str(day))


async def remove_override(ctx: ActorContext, day_text: str) -> None:
    """Remove the exception of one date; unknown dates are "not found"."""
    options = (await _row(ctx.organisation_id))["calendar_options"]
    items = list(options.get("overrides") or ())
    kept = [o for o in items if o["date"] != day_text.strip()[:10]]
    if len(kept) == len(items):
        raise AdminNotFound(day_text)
    options["overrides"] = kept
    await _store(ctx, "admin_calendar_override_removed", {"calendar_options": options}, day_text)


@dataclass(frozen=True)
class NetworkChoice:
    """A network on the organisation page: listed by the profile, enabled, or neither."""

    code: str
    title: str
    in_profile: bool
    enabled: bool


def network_choices(
    profile_networks: tuple[str, ...], enabled: tuple[str, ...]
) -> list[NetworkChoice]:
    """Every known network with where its acceptance comes from (Penza p.4, Parfino p.3)."""
    return [
        NetworkChoice(code, title, code in profile_networks, code in enabled)
        for code, title in NETWORKS.items()
    ]


async def save_networks(
    ctx: ActorContext, profile_networks: tuple[str, ...], chosen: list[str]
) -> None:
    """Enable networks the profile does not list; logged with the sets before and after."""
    unknown = [c for c in chosen if c not in NETWORKS]
    if unknown:
        raise refuse("networks", "Выберите сети из списка.")
    enabled = [c for c in NETWORKS if c in chosen and c not in profile_networks]
    async with Organisation._meta.db.transaction():
        await lock_organisation(ctx.organisation_id)
        row = await _row(ctx.organisation_id)
        before = list(row["enabled_networks"] or [])
        if before == enabled:
            return
        await Organisation.update({Organisation.enabled_networks: enabled}).where(
            Organisation.id == ctx.organisation_id
        )
        await log_change(
            ctx,
            "admin_networks_enabled",
            before={"enabled_networks": before},
            after={"enabled_networks": enabled},
        )


# -- reports and alerts: recipients by agreement (Penza p.20) and the reminder limits --------


@dataclass
class ReportSettingsForm:
    """The «Отчёты и оповещения» form as typed."""

    agreed: dict[str, bool] = field(default_factory=dict)  # kind → an explicit list is used
    users: dict[str, list[int]] = field(default_factory=dict)  # kind → the agreed people
    unscreened_minutes: str = ""
    immediate_report_minutes: str = ""


async def report_settings_form(organisation_id: int) -> ReportSettingsForm:
    """The stored settings as the form shows them."""
    agreed = await agreed_recipients(organisation_id)
    row = await _row(organisation_id)
    alerts = json_value(row["alert_settings"]) or {}
    return ReportSettingsForm(
        agreed={k: k in agreed for k in REPORT_KINDS},
        users={k: agreed.get(k, []) for k in REPORT_KINDS},
        unscreened_minutes=str(alerts.get("unscreened_minutes", DEFAULT_UNSCREENED_MINUTES)),
        immediate_report_minutes=str(
            alerts.get("immediate_report_minutes", DEFAULT_IMMEDIATE_REPORT_MINUTES)
        ),
    )


def _minutes(text: str, name: str) -> int:
    value = to_int(text.strip())
    if value is None or not 1 <= value <= MAX_UNSCREENED_MINUTES:
        raise refuse(name, f"Целое число минут рабочего времени от 1 до {MAX_UNSCREENED_MINUTES}.")
    return value


async def save_report_settings(ctx: ActorContext, form: ReportSettingsForm) -> None:
    """Store the agreed recipients and the reminder limits; logged before and after."""
    errors: dict[str, str] = {}
    limits: dict[str, int] = {}
    for name in ("unscreened_minutes", "immediate_report_minutes"):
        try:
            limits[name] = _minutes(getattr(form, name), name)
        except AdminError as error:
            errors.update(error.errors)
    for kind in REPORT_KINDS:
        if form.agreed.get(kind) and not form.users.get(kind):
            errors[f"users_{kind}"] = "Отметьте хотя бы одного получателя."
    if errors:
        raise AdminError(errors)
    async with Organisation._meta.db.transaction():
        await lock_organisation(ctx.organisation_id)
        row = await _row(ctx.organisation_id)
        alerts_before = json_value(row["alert_settings"]) or {}
        recipients_before = await agreed_recipients(ctx.organisation_id)
        await Organisation.update({Organisation.alert_settings: {**alerts_before, **limits}}).where(
            Organisation.id == ctx.organisation_id
        )
        for kind in REPORT_KINDS:
            chosen = form.users.get(kind, []) if form.agreed.get(kind) else None
            await set_agreed_recipients(ctx.organisation_id, kind, chosen)
        await log_change(
            ctx,
            "admin_report_settings",
            before={"recipients": recipients_before, "alerts": alerts_before},
            after={
                "recipients": await agreed_recipients(ctx.organisation_id),
                "alerts": {**alerts_before, **limits},
            },
        )
