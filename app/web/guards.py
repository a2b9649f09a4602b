"""Access control: every route declares who may use it; anything undeclared is denied."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from litestar.connection import ASGIConnection
from litestar.exceptions import (
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.handlers.base import BaseRouteHandler

from app.core import clock
from app.db.tables import Organisation
from app.domain.roles import Role
from app.identity.accounts import CurrentUser, load_current_user
from app.identity.api_tokens import token_owner
from app.identity.substitutes import actor_context
from app.web.errors import RefusedInput
from app.web.forms import MAX_INT
from app.web.security import CSRF_COOKIE, csrf_cookie_matches

PUBLIC: dict[str, Any] = {"access": "public"}
SIGNED_IN: dict[str, Any] = {"access": "signed_in"}
# An external system with an organisation's API token (Authorization: Bearer …).
API: dict[str, Any] = {"access": "api"}


def roles(*allowed: Role) -> dict[str, Any]:
    """Route option: these roles of the organisation in the path's {org_slug} may use it."""
    return {"access": "roles", "roles": frozenset(allowed)}


async def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser | None:
    """The signed-in user, loaded once per request and cached on its state."""
    if "current_user" in connection.state:
        cached: CurrentUser | None = connection.state["current_user"]
        return cached
    user_id = connection.session.get("user_id") if "session" in connection.scope else None
    user = await load_current_user(int(user_id)) if isinstance(user_id, int) else None
    connection.state["current_user"] = user
    return user


def check_request_values(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Refuse what no handler can use: ids beyond the columns' range, NUL in the query."""
    for value in connection.path_params.values():
        if isinstance(value, int) and not 0 <= value <= MAX_INT:
            raise NotFoundException()
    if any("\x00" in value for _, value in connection.query_params.multi_items()):
        raise RefusedInput("Запрос содержит недопустимый символ (NUL). Уберите его и повторите.")


async def access_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Allow the request only when the handler's declared access admits this user."""
    check_request_values(connection)
    access = handler.opt.get("access")
    if access == "public":
        return
    if access == "api":
        scheme, _, token = connection.headers.get("authorization", "").partition(" ")
        owner = await token_owner(token.strip()) if scheme.lower() == "bearer" else None
        if owner is None:
            raise NotAuthorizedException("Нужен действующий API-токен организации.")
        connection.state["api_owner"] = owner
        return
    user = await current_user(connection)
    if user is None:
        raise NotAuthorizedException("Войдите в систему.")
    if not csrf_cookie_matches(
        str(connection.scope.get("method", "GET")),
        connection.session,
        connection.cookies.get(CSRF_COOKIE, ""),
    ):
        raise PermissionDeniedException(
            "Форма открыта в другом сеансе: обновите страницу и повторите действие."
        )
    if access == "signed_in":
        return
    allowed: frozenset[Role] = handler.opt.get("roles", frozenset())
    slug = connection.path_params.get("org_slug")
    if access != "roles" or not slug:
        raise PermissionDeniedException("Недостаточно прав для этого раздела.")
    if user.roles_in(slug) & allowed:
        return
    if not (await substituted_roles(user.id, slug) & allowed):
        raise PermissionDeniedException("Недостаточно прав для этого раздела.")


async def substituted_roles(user_id: int, slug: str) -> frozenset[Role]:
    """Roles a user carries today only as the substitute of an absent colleague."""
    row = (
        await Organisation.select(Organisation.id, Organisation.timezone)
        .where(Organisation.slug == slug)
        .first()
    )
    if row is None:
        return frozenset()
    # Absences are dated in the organisation's zone (after midnight in Moscow is not UTC's day).
    today = clock.now().astimezone(ZoneInfo(row["timezone"])).date()
    context = await actor_context(user_id, row["id"], today)
    return frozenset(context.on_behalf)
