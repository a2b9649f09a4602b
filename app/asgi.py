"""The Litestar application factory: `uvicorn app.asgi:create_app --factory`.

Everything the web needs is imported inside create_app, so importing any other part of
`app` (the CLI, the worker, the pure domain) does not load Litestar or the controllers.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from arq.connections import ArqRedis
from redis.asyncio import Redis

from app.core.config import PROJECT_ROOT, Settings, get_settings

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.plugins.jinja import JinjaTemplateEngine

TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
SESSION_MAX_AGE_SECONDS = 12 * 3600
MAX_REQUEST_BODY_BYTES = 2 * 1024 * 1024


def add_template_globals(engine: JinjaTemplateEngine) -> None:
    """Russian titles the templates look up (one source: the domain)."""
    from app.cases.case_view import action_title
    from app.cases.queues import working_intervals_for
    from app.core.text import without_bidi_controls
    from app.domain.breaches import BREACH_TITLES, RECORDED_KINDS
    from app.domain.intake import NETWORK_TEXT_LIMITS
    from app.domain.lifecycle import KIND_TITLES, STEP_TITLES
    from app.domain.regulation.model import REFUSAL_TITLES, clause_ref

    def local_time(value: datetime | None, tz: tzinfo, fmt: str = "%d.%m.%Y %H:%M") -> str:
        return value.astimezone(tz).strftime(fmt) if value else "—"

    engine.engine.finalize = without_bidi_controls
    engine.engine.globals.update(
        local_time=local_time,
        network_limits=NETWORK_TEXT_LIMITS,
        refusal_titles=REFUSAL_TITLES,
        kind_titles=KIND_TITLES,
        step_titles=STEP_TITLES,
        clause_ref=clause_ref,
        breach_titles=BREACH_TITLES,
        breach_kinds=RECORDED_KINDS,
        action_title=action_title,
        intervals_for=working_intervals_for,
    )


def create_app(settings: Settings | None = None, *, use_db_pool: bool = True) -> Litestar:
    """Build the web application (tests pass use_db_pool=False: see tests/conftest.py)."""
    from litestar import Litestar, Router
    from litestar.config.csrf import CSRFConfig
    from litestar.datastructures import State
    from litestar.di import Provide
    from litestar.exceptions import (
        NotAuthorizedException,
        NotFoundException,
        PermissionDeniedException,
    )
    from litestar.exceptions.http_exceptions import RequestEntityTooLarge
    from litestar.openapi import OpenAPIConfig
    from litestar.openapi.plugins import JsonRenderPlugin
    from litestar.plugins.htmx import HTMXPlugin
    from litestar.plugins.jinja import JinjaTemplateEngine
    from litestar.static_files import create_static_files_router
    from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
    from litestar.stores.redis import RedisStore
    from litestar.template.config import TemplateConfig

    import app.db  # noqa: F401 — sets PICCOLO_CONF before tables are used
    from app.admin.router import AdminPagesController
    from app.cases.assignment_pages import AssignmentActionsController
    from app.cases.pages import CaseController
    from app.cases.queue_pages import RolePagesController
    from app.connectors.hooks import receive_hook
    from app.core.redis import job_queue_from_settings, redis_from_settings
    from app.intake.api import IntakeApiController
    from app.intake.entry_pages import ManualEntryController
    from app.intake.file_pages import FilesController
    from app.intake.import_pages import ImportController
    from app.intake.topic_pages import TopicSuggestionsController
    from app.notify.live_stream import live
    from app.notify.pages import NotificationsController, live_me
    from app.outbox.pages import OutboxController
    from app.reporting.oversight_pages import OversightController
    from app.reporting.pages import ReportsController
    from app.screening.pages import ScreeningPagesController
    from app.signature.pages import AdminSignatureController, VerifyController
    from app.web.auth import AuthController
    from app.web.errors import (
        RefusedInput,
        ServerUnavailable,
        error_page,
        internal_error_page,
        unavailable_page,
    )
    from app.web.guards import PUBLIC, access_guard
    from app.web.health import healthz
    from app.web.security import CSRF_COOKIE, security_headers
    from app.web.sessions import RotatingSessionConfig

    settings = settings or get_settings()
    redis = redis_from_settings()
    jobs = job_queue_from_settings()

    async def start_pool() -> None:
        if use_db_pool:
            from app.db.piccolo_conf import DB

            await DB.start_connection_pool(min_size=1, max_size=10)

    async def close_pool() -> None:
        if use_db_pool:
            from app.db.piccolo_conf import DB

            await DB.close_connection_pool()
        await redis.aclose()
        await jobs.aclose()

    async def provide_redis() -> Redis:
        return redis

    async def provide_jobs() -> ArqRedis:
        return jobs

    return Litestar(
        route_handlers=[
            AuthController,
            IntakeApiController,
            RolePagesController,
            AdminPagesController,
            AdminSignatureController,
            CaseController,
            ScreeningPagesController,
            AssignmentActionsController,
            OutboxController,
            ManualEntryController,
            ImportController,
            FilesController,
            TopicSuggestionsController,
            NotificationsController,
            live_me,
            OversightController,
            ReportsController,
            VerifyController,
            live,
            healthz,
            receive_hook,
            create_static_files_router(path="/static", directories=[STATIC_DIR], opt=PUBLIC),
        ],
        guards=[access_guard],
        dependencies={"redis": Provide(provide_redis), "jobs": Provide(provide_jobs)},
        plugins=[HTMXPlugin()],
        template_config=TemplateConfig(
            directory=TEMPLATES_DIR,
            engine=JinjaTemplateEngine,
            engine_callback=add_template_globals,
        ),
        middleware=[
            security_headers(hsts=settings.is_prod),
            RotatingSessionConfig(
                store="sessions",
                key="otklik_session",
                max_age=SESSION_MAX_AGE_SECONDS,
                secure=settings.is_prod,
                httponly=True,
                samesite="lax",
                # Tokens (or a network's webhook secret), not sessions; and /healthz must
                # answer while Redis is down.
                exclude=["^/api/", "^/hooks/", "^/healthz$", "^/static/"],
            ).middleware,
        ],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=CSRF_COOKIE,
            cookie_secure=settings.is_prod,
            cookie_samesite="strict",
            header_name="x-csrftoken",
            exclude=["/api/", "/hooks/"],
        ),
        stores={"sessions": RedisStore(redis, namespace="otklik-sessions")},
        exception_handlers={
            NotAuthorizedException: error_page,
            PermissionDeniedException: error_page,
            NotFoundException: error_page,
            RefusedInput: error_page,
            RequestEntityTooLarge: error_page,
            ServerUnavailable: unavailable_page,
            HTTP_500_INTERNAL_SERVER_ERROR: internal_error_page,
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
