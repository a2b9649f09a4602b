"""Error pages: what a person (or an API client) sees for 401, 403 and 404."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template


def error_page(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Sign-in redirect for 401 (HTMX-aware), a Russian page for 403/404, JSON for the API."""
    if isinstance(exc, NotAuthorizedException) and request.url.path.startswith("/api/"):
        return Response({"status_code": 401, "detail": exc.detail}, status_code=401)
    if isinstance(exc, NotAuthorizedException):
        target = "/login"
        if request.method == "GET" and request.url.path not in ("/", "/login"):
            target = f"/login?next={request.url.path}"
        if isinstance(request, HTMXRequest) and request.htmx:
            return ClientRedirect(target)
        return Redirect(target)
    titles = {403: "Доступ запрещён", 404: "Страница не найдена"}
    status = exc.status_code
    message = exc.detail if status in (403,) else "Такой страницы нет."
    if status not in titles:
        message = "Запрос не может быть выполнен."
    if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
        return Response({"status_code": status, "detail": message}, status_code=status)
    return Template(
        "web/error.html",
        context={
            "title": titles.get(status, "Ошибка"),
            "message": message,
            "current_user": request.state.get("current_user"),
            "active_membership": None,
        },
        status_code=status,
    )
