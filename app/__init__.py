"""Otklik: the Litestar application factory."""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Response, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.stores.redis import RedisStore
from litestar.template.config import TemplateConfig
from redis.asyncio import Redis

import app.db  # noqa: F401 — sets PICCOLO_CONF before tables are used
from app.config import PROJECT_ROOT, Settings, get_settings
from app.redis import redis_from_settings
from app.web.controllers.api import IntakeApiController
from app.web.controllers.auth import AuthController
from app.web.controllers.cases import AssignmentActionsController, CaseController
from app.web.controllers.entry import ManualEntryController
from app.web.controllers.files import FilesController
from app.web.controllers.health import healthz
from app.web.controllers.live import live
from app.web.controllers.notifications import NotificationsController, live_me
from app.web.controllers.oversight import OversightController
from app.web.controllers.pages import RolePagesController
from app.web.controllers.reports import ReportsController, VerifyController
from app.web.controllers.roles import AdminPagesController
from app.web.guards import PUBLIC, access_guard
from app.web.sessions import RotatingSessionConfig

TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
SESSION_MAX_AGE_SECONDS = 12 * 3600
MAX_REQUEST_BODY_BYTES = 2 * 1024 * 1024


def _error_page(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, NotAuthorizedException) and request.url.path.startswith("/api/"):
        return Response({"status_code": 401, "detail": exc.detail}, status_code=401)
    if isinstance(exc, NotAuthorizedException):
        target = "/login"
        if request.method == "GET" and request.url.path not in ("/", "/login"):
            target = f"/login?next={request.url.path}"
        if request.headers.get("hx-request"):
            return Response(None, status_code=200, headers={"HX-Redirect": target})
        return Redirect(target)
    titles = {403: "Доступ запрещён", 404: "Страница не найдена"}
    status = exc.status_code
    message = exc.detail if status in (403,) else "Такой страницы нет."
    if status not in titles:
        message = "Запрос не может быть выполнен."
    if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
        return Response({"status_code": status, "detail": message}, status_code=status)
    return Template(
        "error.html",
        context={
            "title": titles.get(status, "Ошибка"),
            "message": message,
            "current_user": request.state.get("current_user"),
            "active_membership": None,
        },
        status_code=status,
    )


def add_template_globals(engine: JinjaTemplateEngine) -> None:
    """Russian titles the templates look up (one source: the domain)."""
    from app.domain.intake import NETWORK_TEXT_LIMITS
    from app.domain.lifecycle import KIND_TITLES, STEP_TITLES
    from app.domain.regulation_model import REFUSAL_TITLES
    from app.services.case_view import action_title
    from app.services.queues import working_intervals_for

    def local_time(value: datetime | None, tz: tzinfo, fmt: str = "%d.%m.%Y %H:%M") -> str:
        return value.astimezone(tz).strftime(fmt) if value else "—"

    engine.engine.globals.update(
        local_time=local_time,
        network_limits=NETWORK_TEXT_LIMITS,
        refusal_titles=REFUSAL_TITLES,
        kind_titles=KIND_TITLES,
        step_titles=STEP_TITLES,
        action_title=action_title,
        intervals_for=working_intervals_for,
    )


def create_app(settings: Settings | None = None, *, use_db_pool: bool = True) -> Litestar:
    """Build the web application (tests pass use_db_pool=False: see tests/conftest.py)."""
    settings = settings or get_settings()
    redis = redis_from_settings()

    async def start_pool() -> None:
        if use_db_pool:
            from app.db.piccolo_conf import DB

            await DB.start_connection_pool(min_size=1, max_size=10)

    async def close_pool() -> None:
        if use_db_pool:
            from app.db.piccolo_conf import DB

            await DB.close_connection_pool()
        await redis.aclose()

    async def provide_redis() -> Redis:
        return redis

    return Litestar(
        route_handlers=[
            AuthController,
            IntakeApiController,
            RolePagesController,
            AdminPagesController,
            CaseController,
            AssignmentActionsController,
            ManualEntryController,
            FilesController,
            NotificationsController,
            live_me,
            OversightController,
            ReportsController,
            VerifyController,
            live,
            healthz,
            create_static_files_router(path="/static", directories=[STATIC_DIR], opt=PUBLIC),
        ],
        guards=[access_guard],
        dependencies={"redis": Provide(provide_redis)},
        plugins=[HTMXPlugin()],
        template_config=TemplateConfig(
            directory=Path(TEMPLATES_DIR),
            engine=JinjaTemplateEngine,
            engine_callback=add_template_globals,
        ),
        middleware=[
            RotatingSessionConfig(
                store="sessions",
                key="otklik_session",
                max_age=SESSION_MAX_AGE_SECONDS,
                secure=settings.is_prod,
                httponly=True,
                samesite="lax",
            ).middleware
        ],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="otklik_csrf",
            cookie_secure=settings.is_prod,
            cookie_samesite="strict",
            header_name="x-csrftoken",
            exclude=["/api/"],
        ),
        stores={"sessions": RedisStore(redis, namespace="otklik-sessions")},
        exception_handlers={
            NotAuthorizedException: _error_page,
            PermissionDeniedException: _error_page,
            NotFoundException: _error_page,
        },
        on_startup=[start_pool],
        on_shutdown=[close_pool],
        request_max_body_size=MAX_REQUEST_BODY_BYTES,
        openapi_config=OpenAPIConfig(
            title="Отклик API",
            version="1",
            description="Приём сообщений из внешних систем мониторинга.",
            path="/api/schema",
            render_plugins=[JsonRenderPlugin()],
            openapi_router=Router(path="/api/schema", route_handlers=[], opt=PUBLIC),
        ),
        state=State({"settings": settings}),
        debug=False,
    )
