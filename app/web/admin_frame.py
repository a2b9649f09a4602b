"""The frame of the administrator's pages: the tabs, the notice of the change just made.

In the web layer, not in app.admin, because admin pages live in more than one capability:
the electronic signature's page is app.signature's, which cannot import app.admin.
"""

from __future__ import annotations

from typing import Any

from litestar.di import Provide
from litestar.response import Redirect, Template

from app.domain.roles import Role
from app.web.deps import Req, Rules, provide_actor, provide_rules
from app.web.guards import roles
from app.web.rendering import page

ADMIN = roles(Role.ADMIN)
ADMIN_DEPENDENCIES = {"rules": Provide(provide_rules), "actor": Provide(provide_actor)}
# The admin's tabs: route name → title.
TABS = (
    ("admin", "Обзор"),
    ("admin.organisation", "Организация и график"),
    ("admin.departments", "Подразделения"),
    ("admin.topics", "Темы"),
    ("admin.users", "Пользователи и роли"),
    ("admin.absences", "Отсутствия и замещения"),
    ("admin.profile", "Регламент"),
    ("admin.reports", "Отчёты и оповещения"),
    ("admin.signature", "Электронная подпись"),
    ("admin.accounts", "Аккаунты"),
    ("admin.tokens", "API-токены"),
)
# Fixed texts for ?done=… after a successful change (nothing from the query is shown).
NOTICES = {
    "saved": "Изменения сохранены.",
    "added": "Добавлено.",
    "deleted": "Удалено.",
    "deactivated": "Используется в работе, поэтому не удалено, а отключено.",
    "revoked": "Токен отозван: запросы с ним больше не принимаются.",
    "switched": "Регламент введён в действие; сроки открытых сообщений пересчитаны.",
    "merged": "Темы объединены: в сообщениях теперь стоит выбранная тема.",
    "paused": "Аккаунт приостановлен: сеть не опрашивается, пока его не возобновят.",
    "resumed": "Аккаунт возобновлён: сеть снова опрашивается.",
    "pades": "Отчёты подписываются ключом PKCS#12 (PAdES, подпись внутри PDF).",
    "gost": "Отчёты подписываются ключом ГОСТ Р 34.10-2012: к каждому файлу — подпись .sig.",
    "trusted": "Сертификат добавлен в доверенные.",
    "known": "Эти сертификаты уже есть среди доверенных.",
}


def admin_page(
    request: Req, rules: Rules, template: str, status_code: int = 200, **context: Any
) -> Template:
    """An admin page with its tabs and the notice of the change just made."""
    return page(
        request,
        template,
        status_code,
        rules=rules,
        tabs=[
            (request.app.route_reverse(name, org_slug=rules.slug), title) for name, title in TABS
        ],
        notice=NOTICES.get(request.query_params.get("done", "")),
        **context,
    )


def done(request: Req, rules: Rules, section: str, outcome: str = "saved") -> Redirect:
    """Back to the section (a route name) after a change, with a fixed notice."""
    return Redirect(f"{request.app.route_reverse(section, org_slug=rules.slug)}?done={outcome}")
