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
