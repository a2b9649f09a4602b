"""Roles of both regulations and their generic Russian titles.

Each regulation profile names the roles its own way (Penza-2020 «Специалист»,
Parfino-2020 «ответственный за мониторинг»); these are the neutral titles used where
no profile applies. Source: Penza-2020 pp. 6–7, Parfino-2020 pp. 5–6.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a member of an organisation does in it."""

    SPECIALIST = "specialist"
    COORDINATOR = "coordinator"
    EXECUTOR = "executor"
    OFFICIAL = "official"
    HEAD = "head"
    ADMIN = "admin"


ROLE_TITLES: dict[Role, str] = {
    Role.SPECIALIST: "Специалист по мониторингу",
    Role.COORDINATOR: "Ответственный работник",
    Role.EXECUTOR: "Исполнитель",
    Role.OFFICIAL: "Ответственное должностное лицо",
    Role.HEAD: "Глава",
    Role.ADMIN: "Администратор",
}

# The order in which a person with several roles lands on a page after login.
LANDING_ORDER: tuple[Role, ...] = (
    Role.SPECIALIST,
    Role.COORDINATOR,
    Role.EXECUTOR,
    Role.OFFICIAL,
    Role.HEAD,
    Role.ADMIN,
)

# Roles that see every case of their organisation; an executor sees only the cases routed
# to one of their departments (Penza p.9, Parfino p.10: the assignment is the department's).
SEES_EVERY_CASE: frozenset[Role] = frozenset(
    {Role.SPECIALIST, Role.COORDINATOR, Role.OFFICIAL, Role.HEAD, Role.ADMIN}
)


def sees_case(
    roles: frozenset[Role], own_departments: frozenset[int], case_departments: frozenset[int]
) -> bool:
    """Whether a person with these roles and departments may see a case routed to those."""
    if roles & SEES_EVERY_CASE:
        return True
    return Role.EXECUTOR in roles and bool(own_departments & case_departments)
