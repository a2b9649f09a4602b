"""Who hears of a step and of a violation, per profile (Penza p.19, Parfino p.22).

`Staff` is a snapshot of an organisation's memberships and of today's absences; the functions
here pick people from it. Substitutes (Penza p.7, Parfino p.6) get what their absent colleague
would get, for the dated period of the absence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.domain.regulation.model import RegulationProfile, ReportPeriod
from app.domain.roles import Role


@dataclass(frozen=True)
class Member:
    """One membership: a user's role in the organisation (executor: in a department)."""

    user_id: int
    role: Role
    department_id: int | None = None
    curated_department_ids: tuple[int, ...] = ()  # official: empty = every department


@dataclass(frozen=True)
class Staff:
    """An organisation's people on one day."""

    members: tuple[Member, ...]
    substitutes: Mapping[int, int] = field(default_factory=dict)  # absent user → substitute
    curators: Mapping[int, int] = field(default_factory=dict)  # department → curating deputy

    def holders(self, role: Role, department_id: int | None = None) -> list[int]:
        """Users holding `role` (in `department_id`, when given), in a stable order."""
        users = {
            m.user_id
            for m in self.members
            if m.role is role and (department_id is None or m.department_id == department_id)
        }
        return sorted(users)

    def with_substitutes(self, users: Iterable[int]) -> list[int]:
        """The users plus the substitute of each one absent today."""
        out: list[int] = []
        for user in users:
            for person in (user, self.substitutes.get(user)):
                if person is not None and person not in out:
                    out.append(person)
        return out

    def step_people(
        self, role: Role, department_id: int | None = None, executor_id: int | None = None
    ) -> list[int]:
        """Who is responsible for a step: the assignment's executor, else the role's holders
        (executors of the assignment's department), with substitutes of the absent ones."""
        if role is Role.EXECUTOR and executor_id is not None:
            return self.with_substitutes([executor_id])
        if role is Role.EXECUTOR and department_id is None:
            return []  # a case-level draft before routing: no department has it yet
        scope = department_id if role is Role.EXECUTOR else None
        return self.with_substitutes(self.holders(role, scope))

    def first_deputies(self) -> list[int]:
        """Officials overseeing every department (the first deputy head, Penza p.19)."""
        return sorted(
            {
                m.user_id
                for m in self.members
                if m.role is Role.OFFICIAL and not m.curated_department_ids
            }
        )

    def curating(self, department_id: int) -> list[int]:
        """The deputy heads curating a department: its curator and officials listing it."""
        users = {
            m.user_id
            for m in self.members
            if m.role is Role.OFFICIAL and department_id in m.curated_department_ids
        }
        if department_id in self.curators:
            users.add(self.curators[department_id])
        return sorted(users)

    def responsible(
        self, role: Role, department_id: int | None, fallback: int | None
    ) -> int | None:
        """The one person a step is attributed to: the sole holder, else `fallback`."""
        holders = self.holders(role, department_id if role is Role.EXECUTOR else None)
        if len(holders) == 1:
            return holders[0]
        return fallback if fallback in holders or not holders else None


def escalates_at_once(profile: RegulationProfile) -> bool:
    """True when violations go to the officials when found (Penza p.19), not monthly."""
    return profile.reports.violations.period is ReportPeriod.IMMEDIATE


def violation_recipients(
    profile: RegulationProfile, staff: Staff, department_id: int | None
) -> list[int]:
    """Penza p.19: the first deputy and the deputy curating the department, with substitutes.
    Profiles that gather violations for a periodic report (Parfino p.22) notify nobody at once."""
    if not escalates_at_once(profile):
        return []
    users = staff.first_deputies()
    if department_id is not None:
        users += staff.curating(department_id)
    return staff.with_substitutes(users)


def month_start(day: date) -> date:
    """The first day of the month of `day`."""
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after the month of `day`."""
    return month_start(month_start(day) + timedelta(days=31))


def violations_report_due(profile: RegulationProfile, period_month: date) -> date | None:
    """When the violations report of a month is due (Parfino p.22: by the 5th of the next
    month, «не позднее 5 числа»), or None when the profile reports violations at once."""
    rule = profile.reports.violations
    if rule.period is not ReportPeriod.MONTHLY or rule.due_day is None:
        return None
    return next_month(period_month).replace(day=rule.due_day)


def report_period_for(today: date) -> tuple[date, date]:
    """The month a monthly report compiled on `today` covers: [its first day, next month's)."""
    end = month_start(today)
    return month_start(end - timedelta(days=1)), end
