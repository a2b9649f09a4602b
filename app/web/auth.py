"""Sign-in, sign-out and the landing redirect."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from redis.asyncio import Redis

from app.core import clock
from app.identity.accounts import authenticate, login_wait_seconds
from app.identity.substitutes import substitution_landing
from app.web.guards import PUBLIC, SIGNED_IN, current_user
from app.web.rendering import page
from app.web.sessions import rotate_session_id

BAD_CREDENTIALS = "Неверный логин или пароль."


def _today_in(timezone: str) -> date:
    return clock.now().astimezone(ZoneInfo(timezone)).date()


def _safe_next(target: str | None) -> str | None:
    """Only same-site absolute paths are followed after sign-in (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc or "\\" in target else target


def _client_ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def _wait_message(seconds: int) -> str:
    minutes = max((seconds + 59) // 60, 1)
    return (
        "Слишком много неудачных попыток входа. "
        f"Повторите через {minutes} мин. или обратитесь к администратору."
    )


class AuthController(Controller):
    """Sign-in and sign-out."""

    include_in_schema = False

    @get("/", name="landing", opt=PUBLIC)
    async def root(self, request: Request[Any, Any, Any]) -> Redirect | Template:
        """Send the user to the page of their first role, or to sign-in."""
        user = await current_user(request)
        if user is None:
            return Redirect("/login")
        landing = user.landing_path() or await substitution_landing(user.id, _today_in)
        if landing is None:
            return page(request, "web/no_roles.html")
        return Redirect(landing)

    @get("/login", name="login", opt=PUBLIC)
    async def login_form(
        self, request: Request[Any, Any, Any], next: FromQuery[str | None] = None
    ) -> Template:
        """The sign-in form."""
        return page(request, "web/login.html", next=_safe_next(next), error=None, login="")

    @post("/login", name="login.submit", opt=PUBLIC)
    async def login(
        self,
        request: Request[Any, Any, Any],
        redis: NamedDependency[Redis],
        data: URLEncodedBody[dict[str, str]],
    ) -> Redirect | Template:
        """Check the credentials; throttle repeated failures per login and IP."""
        login = str(data.get("login", "")).strip()[:80]
        password = str(data.get("password", ""))
        target = _safe_next(data.get("next"))
        ip = _client_ip(request)
        wait = await login_wait_seconds(redis, login, ip)
        if wait:
            return page(
                request,
                "web/login.html",
                429,
                error=_wait_message(wait),
                login=login,
                next=target,
            )
        user_id = await authenticate(redis, login, password, ip) if login and password else None
        if user_id is None:
            return page(
                request, "web/login.html", 401, error=BAD_CREDENTIALS, login=login, next=target
            )
        request.clear_session()
        request.set_session({"user_id": user_id})
        rotate_session_id(request)
        return Redirect(target or "/")

    @post("/logout", name="logout", opt=SIGNED_IN)
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        """End the session."""
        request.clear_session()
        return Redirect("/login")
