"""Error pages: what a person (or an API client) sees for 400, 401, 403, 404, 500 and 503."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from litestar import Request, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    NotAuthorizedException,
    ServiceUnavailableException,
)
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from app.core.outages import RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE, which_server

log = logging.getLogger("otklik.web")


TOO_LARGE_RU = (
    "Запрос больше допустимого размера: уменьшите файл (или разделите его на части) "
    "и отправьте снова."
)


class RefusedInput(ClientException):
    """A request that cannot be right whatever the data (a NUL byte): 400, reason in Russian."""


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
    titles = {
        400: "Неверный запрос",
        403: "Доступ запрещён",
        404: "Страница не найдена",
        413: "Слишком большой файл",
    }
    status = exc.status_code
    message = exc.detail if status in (403,) else "Такой страницы нет."
    if isinstance(exc, RefusedInput):
        message = exc.detail
    elif status == 413:
        message = TOO_LARGE_RU
    elif status not in titles or status == 400:
        message = "Запрос не может быть выполнен."
    if _wants_json(request):
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


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith("/api/") or "text/html" not in request.headers.get(
        "accept", ""
    )


class ServerUnavailable(ServiceUnavailableException):
    """PostgreSQL or Redis is down: 503 with Retry-After (the page asks to retry in a minute)."""


def unavailable_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """503 with Retry-After: a Russian page for a browser, JSON for the API."""
    server = which_server(exc) or (exc.detail if isinstance(exc, ServerUnavailable) else "?")
    log.warning(
        "%s unavailable (%s), 503 for %s %s",
        server,
        type(exc).__name__,
        request.method,
        request.url.path,
    )
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if _wants_json(request):
        return Response(
            {"status_code": 503, "detail": UNAVAILABLE_MESSAGE},
            status_code=503,
            headers=headers,
        )
    return Template(
        "web/error.html",
        context={
            "title": "Сервис временно недоступен",
            "message": UNAVAILABLE_MESSAGE,
            "current_user": None,
            "active_membership": None,
        },
        status_code=503,
        headers=headers,
    )


def internal_error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A failure of ours: logged with its traceback under an incident code the page shows.

    A failure because PostgreSQL or Redis is down is not ours: it answers 503 instead.
    """
    if which_server(exc) is not None:
        return unavailable_page(request, exc)
    incident = secrets.token_hex(4)
    log.error(
        "unhandled error, incident %s, %s %s",
        incident,
        request.method,
        request.url.path,
        exc_info=exc,
    )
    message = f"Что-то пошло не так. Сообщите администратору код обращения {incident}."
    if _wants_json(request):
        return Response(
            {"status_code": 500, "detail": "Внутренняя ошибка сервера.", "incident": incident},
            status_code=500,
        )
    return Template(
        "web/error.html",
        context={
            "title": "Внутренняя ошибка",
            "message": message,
            "current_user": request.state.get("current_user"),
            "active_membership": None,
        },
        status_code=500,
    )
