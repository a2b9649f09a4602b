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
from app.core.config import get_settings
from app.identity.accounts import authenticate
from app.identity.substitutes import substitution_landing
from app.identity.throttle import finish_attempt, reserve_attempt
from app.web.guards import PUBLIC, SIGNED_IN, current_user
from app.web.rendering import page
from app.web.security import CSRF_COOKIE, csrf_binding
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


def client_address(request: Request[Any, Any, Any], trusted_proxies: frozenset[str]) -> str:
    """The client's address: the peer's, or, behind a trusted proxy, the last address in
    X-Forwarded-For that is not itself a trusted proxy (what a client wrote is not believed)."""
    peer = request.client.host if request.client else "unknown"
    if peer not in trusted_proxies:
        return peer
    forwarded = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if address not in trusted_proxies:
            return address[:64]
    return peer


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
        """Check the credentials; attempts are throttled per login and client, and per client."""
        login = str(data.get("login", "")).strip()[:80]
        password = str(data.get("password", ""))
        target = _safe_next(data.get("next"))
        client = client_address(request, get_settings().trusted_proxies)
        wait = await reserve_attempt(redis, login, client)
        if wait:
            refused = page(
                request,
                "web/login.html",
                429,
                error=_wait_message(wait),
                login=login,
                next=target,
            )
            refused.headers["Retry-After"] = str(wait)
            return refused
        user_id = await authenticate(login, password) if login and password else None
        await finish_attempt(redis, login, client, succeeded=user_id is not None)
        if user_id is None:
            return page(
                request, "web/login.html", 401, error=BAD_CREDENTIALS, login=login, next=target
            )
        request.clear_session()
        csrf = csrf_binding(request.cookies.get(CSRF_COOKIE, ""))
        request.set_session({"user_id": user_id, "csrf": csrf})
        rotate_session_id(request)
        return Redirect(target or "/")

    @post("/logout", name="logout", opt=SIGNED_IN)
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        """End the session."""
        request.clear_session()
        return Redirect("/login")
