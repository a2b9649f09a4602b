"""Load an organisation's Staff snapshot (memberships, today's absences, curators)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.db.tables import Absence, Department, Membership
from app.domain.escalation import Member, Staff
from app.domain.roles import Role


async def load_staff(organisation_id: int, day: date) -> Staff:
    """Who holds which role, who is absent on `day` and who substitutes them."""
    rows = await Membership.select(
        Membership.user, Membership.role, Membership.department, Membership.curated_department_ids
    ).where(Membership.organisation == organisation_id)
    members = tuple(
        Member(
            int(r["user"]),
            Role(r["role"]),
            r["department"],
            tuple(int(d) for d in r["curated_department_ids"] or ()),
        )
        for r in rows
    )
    absences = await Absence.select(Absence.user, Absence.substitute).where(
        (Absence.organisation == organisation_id)
        & (Absence.starts_on <= day)
        & (Absence.ends_on >= day)
    )
    curators = await Department.select(Department.id, Department.curator).where(
        (Department.organisation == organisation_id) & Department.curator.is_not_null()
    )
    return Staff(
        members,
        {int(a["user"]): int(a["substitute"]) for a in absences},
        {int(c["id"]): int(c["curator"]) for c in curators},
    )


@dataclass(frozen=True)
class Person:
    """Someone with a role in the organisation, with their role codes."""

    id: int
    full_name: str
    roles: list[str] = field(default_factory=list)


async def people_of(organisation_id: int) -> list[Person]:
    """Everyone with a role in the organisation, by name (forms that pick a person)."""
    rows = await Membership.select(
        Membership.user, Membership.user.full_name.as_alias("full_name"), Membership.role
    ).where(Membership.organisation == organisation_id)
    people: dict[int, Person] = {}
    for r in rows:
        person = people.setdefault(int(r["user"]), Person(int(r["user"]), r["full_name"]))
        person.roles.append(str(r["role"]))
    return sorted(people.values(), key=lambda p: p.full_name)
