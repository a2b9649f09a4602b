"""The landing page of each role in an organisation.

The queues themselves come with the portal issue; until then each page says honestly
what it will hold.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from app.domain.roles import Role
from app.web.guards import roles
from app.web.rendering import page

# What each role's page will show (SPEC §1), for the honest «в разработке» state.
COMING: dict[Role, tuple[str, ...]] = {
    Role.SPECIALIST: (
        "«Новые» — собранные сообщения для отбора",
        "«В работе» — открытые случаи с отсчётом рабочего времени",
        "«На согласовании» — проекты ответов",
        "Ручной ввод сообщения",
    ),
    Role.COORDINATOR: ("Направление в подразделения и разделение", "«К публикации»"),
    Role.EXECUTOR: ("Поручения подразделения со сроками", "Редактор проектов ответов"),
    Role.OFFICIAL: ("Просроченные и рискованные случаи", "Показатели подразделений"),
    Role.HEAD: ("Сводные отчёты", "Незамедлительные доклады"),
    Role.ADMIN: (
        "Подразделения, пользователи и роли",
        "Отсутствия и замещения",
        "График работы и производственный календарь",
        "Регламенты, официальные аккаунты, API-токены",
    ),
}


def _role_page(request: Request[Any, Any, Any], role: Role) -> Template:
    return page(request, "roles/placeholder.html", role=role, coming=COMING[role])


class AdminPagesController(Controller):
    """The administrator's page (the editors come with the admin part of the portal)."""

    include_in_schema = False

    path = "/o/{org_slug:str}"

    @get("/admin", opt=roles(Role.ADMIN))
    async def admin(self, request: Request[Any, Any, Any]) -> Template:
        """Administration page."""
        return _role_page(request, Role.ADMIN)
