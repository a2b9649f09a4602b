"""Absences and substitutes (Penza p.7, Parfino p.6): dated, with the person who stands in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.admin.common import (
    AdminError,
    AdminNotFound,
    lock_organisation,
    log_change,
    refuse,
    require_member,
)
from app.db.rows import view_of
from app.db.tables import Absence
from app.identity.actor import ActorContext

REASON_TITLES = {
    "illness": "Болезнь",
    "vacation": "Отпуск",
    "business_trip": "Командировка",
    "study": "Учёба",
    "other": "Иное",
}
MAX_DAYS = 366
PAST_SHOWN = timedelta(days=30)


@dataclass
class AbsenceForm:
    """The absence form as typed (dates as ISO text from date inputs)."""

    user_id: int | None = None
    starts_on: str = ""
    ends_on: str = ""
    reason: str = "vacation"
    substitute_id: int | None = None


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise refuse(field, "Укажите дату.") from None


def _overlapping(
    organisation_id: int, user_column: Any, user_id: int, start: date, end: date
) -> Any:
    return Absence.exists().where(
        (Absence.organisation == organisation_id)
        & (user_column == user_id)
        & (Absence.starts_on <= end)
        & (Absence.ends_on >= start)
    )


async def _checked(organisation_id: int, form: AbsenceForm) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for key, check in (
        ("user", lambda: require_member(organisation_id, form.user_id, "user", "сотрудника")),
        (
            "substitute",
            lambda: require_member(
                organisation_id, form.substitute_id, "substitute", "замещающего"
            ),
        ),
    ):
        try:
            values[key] = await check()
        except AdminError as error:
            errors.update(error.errors)
    for key in ("starts_on", "ends_on"):
        try:
            values[key] = _date(getattr(form, key), key)
        except AdminError as error:
            errors.update(error.errors)
    if form.reason not in REASON_TITLES:
        errors["reason"] = "Выберите причину отсутствия."
    if errors:
        raise AdminError(errors)
    if values["ends_on"] < values["starts_on"]:
        raise refuse("ends_on", "Дата окончания раньше даты начала.")
    if values["ends_on"] - values["starts_on"] >= timedelta(days=MAX_DAYS):
        raise refuse("ends_on", f"Отсутствие не может быть длиннее {MAX_DAYS} дней.")
    if values["substitute"] == values["user"]:
        raise refuse("substitute", "Сотрудник не может замещать сам себя.")
    return {**values, "reason": form.reason}


async def add_absence(ctx: ActorContext, form: AbsenceForm) -> int:
    """Record an absence; overlapping periods of one person are refused."""
    v = await _checked(ctx.organisation_id, form)
    start, end = v["starts_on"], v["ends_on"]
    async with Absence._meta.db.transaction():
        await lock_organisation(ctx.organisation_id)
        if await _overlapping(ctx.organisation_id, Absence.user, v["user"], start, end):
            raise refuse("starts_on", "У сотрудника уже есть отсутствие в эти дни.")
        if await _overlapping(ctx.organisation_id, Absence.user, v["substitute"], start, end):
            raise refuse("substitute", "Замещающий сам отсутствует в эти дни.")
        if await _overlapping(ctx.organisation_id, Absence.substitute, v["user"], start, end):
            raise refuse("user", "Сотрудник в эти дни замещает другого: сначала назначьте замену.")
        row = Absence(
            organisation=ctx.organisation_id,
            user=v["user"],
            starts_on=start,
            ends_on=end,
            reason=v["reason"],
            substitute=v["substitute"],
        )
        await row.save()
        after = {**v, "starts_on": start.isoformat(), "ends_on": end.isoformat()}
        await log_change(ctx, "admin_absence_added", after=after, comment=str(row.id))
    return int(row.id)


async def remove_absence(ctx: ActorContext, absence_id: int) -> None:
    """Cancel an absence of this organisation (the log keeps it)."""
    row = (
        await Absence.select()
        .where((Absence.id == absence_id) & (Absence.organisation == ctx.organisation_id))
        .first()
    )
    if row is None:
        raise AdminNotFound(absence_id)
    async with Absence._meta.db.transaction():
        await Absence.delete().where(Absence.id == absence_id)
        before = {k: str(row[k]) for k in ("user", "starts_on", "ends_on", "reason", "substitute")}
        await log_change(ctx, "admin_absence_removed", before=before, comment=str(absence_id))


@dataclass(frozen=True)
class AbsenceRow:
    """An absence as the admin's list shows it: who, when, why, who stands in."""

    id: int
    starts_on: date
    ends_on: date
    reason_title: str
    user_name: str
    substitute_name: str
    current: bool
    past: bool


async def list_absences(organisation_id: int, today: date) -> list[AbsenceRow]:
    """Current, coming and recently ended absences, with names and whether they are on now."""
    rows = await (
        Absence.select(
            Absence.id,
            Absence.starts_on,
            Absence.ends_on,
            Absence.reason,
            Absence.user.full_name,
            Absence.substitute.full_name,
        )
        .where((Absence.organisation == organisation_id) & (Absence.ends_on >= today - PAST_SHOWN))
        .order_by(Absence.starts_on)
        .limit(500)
    )
    return [
        view_of(
            AbsenceRow,
            r,
            reason_title=REASON_TITLES.get(r["reason"], r["reason"]),
            user_name=r["user.full_name"],
            substitute_name=r["substitute.full_name"],
            current=r["starts_on"] <= today <= r["ends_on"],
            past=r["ends_on"] < today,
        )
        for r in rows
    ]
