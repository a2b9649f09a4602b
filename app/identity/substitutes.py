"""Who acts: a person's own roles plus the duties of absent colleagues they substitute.

Penza p.7, Parfino p.6: duties of an absent person (illness, vacation, business trip, study,
other) are carried by the named substitute for the dated period; the log records "X for Y".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from app.core import links
from app.db.tables import Absence, Membership
from app.domain.roles import Role
from app.identity.actor import ActorContext


async def absent_colleagues(user_id: int, organisation_id: int, day: date) -> list[int]:
    """Users of the organisation absent on `day` whose substitute is this user."""
    rows = await Absence.select(Absence.user).where(
        (Absence.substitute == user_id)
        & (Absence.organisation == organisation_id)
        & (Absence.starts_on <= day)
        & (Absence.ends_on >= day)
    )
    return [int(r["user"]) for r in rows]


async def actor_context(user_id: int, organisation_id: int, day: date) -> ActorContext:
    """Own memberships plus those of absent colleagues this user substitutes on `day`."""
    covered = await absent_colleagues(user_id, organisation_id, day)
    rows = await Membership.select(Membership.user, Membership.role, Membership.department).where(
        (Membership.organisation == organisation_id) & Membership.user.is_in([user_id, *covered])
    )
    roles: set[Role] = set()
    departments: set[int] = set()
    on_behalf: dict[Role, int] = {}
    department_on_behalf: dict[int, int] = {}
    for row in sorted(rows, key=lambda r: r["user"] != user_id):  # own memberships first
        role, owner, department = Role(row["role"]), int(row["user"]), row["department"]
        if owner == user_id:
            roles.add(role)
            if department is not None:
                departments.add(int(department))
            continue
        if role not in roles:
            roles.add(role)
            on_behalf.setdefault(role, owner)
        if department is not None and int(department) not in departments:
            departments.add(int(department))
            department_on_behalf.setdefault(int(department), owner)
    return ActorContext(
        user_id,
        organisation_id,
        frozenset(roles),
        frozenset(departments),
        on_behalf,
        department_on_behalf,
    )


async def substitution_landing(user_id: int, day_of: Callable[[str], date]) -> str | None:
    """The page of the first role this user carries today only as someone's substitute.

    `day_of(timezone)` gives today's date in an organisation's zone (absences are dated there).
    """
    rows = await Absence.select(
        Absence.user,
        Absence.organisation,
        Absence.organisation.slug,
        Absence.organisation.timezone,
        Absence.starts_on,
        Absence.ends_on,
    ).where(Absence.substitute == user_id)
    for row in rows:
        today = day_of(row["organisation.timezone"])
        if not row["starts_on"] <= today <= row["ends_on"]:
            continue
        membership = (
            await Membership.select(Membership.role)
            .where(
                (Membership.user == row["user"]) & (Membership.organisation == row["organisation"])
            )
            .first()
        )
        if membership is not None:
            return links.role_home(row["organisation.slug"], membership["role"])
    return None
