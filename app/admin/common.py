"""Shared pieces of the administrator's services: refusals, the acting admin, the log.

Every admin service takes the acting person's ActorContext (the organisation is its
organisation) and touches only rows of that organisation: ids from a form or a path are
always looked up together with the organisation, so a forged id of another organisation
reads as "not found".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.core.errors import FieldErrors
from app.db.rows import view_of
from app.db.tables import (
    Absence,
    ApiToken,
    Department,
    Membership,
    Organisation,
    SocialAccount,
    User,
)
from app.domain.roles import Role
from app.identity.actor import ActorContext
from app.journal.events import EventActor, record_event


class AdminError(FieldErrors):
    """A refused change: Russian messages by form field ("" = the whole form)."""


class AdminNotFound(LookupError):
    """No such row in this organisation (the page answers 404)."""


def refuse(field: str, message_ru: str) -> AdminError:
    """A refusal of one field."""
    return AdminError({field: message_ru})


def admin_actor(ctx: ActorContext) -> EventActor:
    """The event actor of an admin change; refuses anyone without the admin role here."""
    if Role.ADMIN not in ctx.roles:
        raise refuse("", "Это может делать только администратор организации.")
    return EventActor(ctx.user_id, str(Role.ADMIN), ctx.substitute_for(Role.ADMIN))


async def log_change(
    ctx: ActorContext,
    kind: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    comment: str = "",
) -> None:
    """Write the admin event (kind "admin_…") for a change in the caller's transaction."""
    await record_event(
        ctx.organisation_id, kind, admin_actor(ctx), before=before, after=after, comment=comment
    )


async def remove_or_deactivate(
    ctx: ActorContext, table: Any, row: dict[str, Any], used: bool, kind: str
) -> str:
    """Delete a row nothing refers to; a used one is switched off. Logs which it was."""
    async with table._meta.db.transaction():
        if used:
            await table.update({table.is_active: False}).where(table.id == row["id"])
            outcome = "deactivated"
        else:
            await table.delete().where(table.id == row["id"])
            outcome = "deleted"
        after = {"outcome": outcome}
        await log_change(ctx, kind, {"name": row["name"]}, after, comment=str(row["id"]))
    return outcome


async def lock_organisation(organisation_id: int) -> None:
    """Serialise admin changes of one organisation (call inside the change's transaction)."""
    await Organisation.raw("SELECT id FROM organisation WHERE id = {} FOR UPDATE", organisation_id)


def bounded(value: str, field: str, limit: int, title: str, required: bool = True) -> str:
    """A stripped text field: refused when empty (if required) or longer than `limit`."""
    value = value.strip()
    if required and not value:
        raise refuse(field, f"Заполните поле «{title}».")
    if len(value) > limit:
        raise refuse(field, f"Поле «{title}»: не более {limit} символов.")
    return value


async def member_ids(organisation_id: int) -> set[int]:
    """Users holding any role in the organisation."""
    rows = await Membership.select(Membership.user).where(
        Membership.organisation == organisation_id
    )
    return {int(r["user"]) for r in rows}


async def require_member(organisation_id: int, user_id: int | None, field: str, title: str) -> int:
    """A user id from a form that must belong to this organisation."""
    if user_id is None or user_id not in await member_ids(organisation_id):
        raise refuse(field, f"Выберите {title} из сотрудников организации.")
    return user_id


async def require_department(organisation_id: int, department_id: int | None, field: str) -> int:
    """A department id from a form that must belong to this organisation."""
    if department_id is None or not await Department.exists().where(
        (Department.id == department_id) & (Department.organisation == organisation_id)
    ):
        raise refuse(field, "Выберите подразделение организации.")
    return department_id


@dataclass(frozen=True)
class PersonChoice:
    """A member as a select box offers them."""

    id: int
    login: str
    full_name: str
    is_active: bool


async def people(organisation_id: int) -> list[PersonChoice]:
    """The organisation's members (id, login, full name), for select boxes."""
    ids = await member_ids(organisation_id)
    if not ids:
        return []
    rows = await (
        User.select(User.id, User.login, User.full_name, User.is_active)
        .where(User.id.is_in(sorted(ids)))
        .order_by(User.full_name)
    )
    return [view_of(PersonChoice, r) for r in rows]


async def overview_counts(organisation_id: int, today: date) -> dict[str, int]:
    """How many departments, members, absences today, accounts and active tokens there are."""
    org = Department.organisation == organisation_id
    return {
        "departments": await Department.count().where(org & Department.is_active.eq(True)),
        "members": len(await member_ids(organisation_id)),
        "absent": await Absence.count().where(
            (Absence.organisation == organisation_id)
            & (Absence.starts_on <= today)
            & (Absence.ends_on >= today)
        ),
        "accounts": await SocialAccount.count().where(
            (SocialAccount.organisation == organisation_id) & SocialAccount.is_active.eq(True)
        ),
        "tokens": await ApiToken.count().where(
            (ApiToken.organisation == organisation_id) & ApiToken.revoked_at.is_null()
        ),
    }
