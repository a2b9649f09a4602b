"""Security headers on every response: a strict Content-Security-Policy and friends.

Scripts and styles come only from /static (no inline script or style anywhere; htmx runs
with eval off and does not inject its indicator styles, see base.html); charts are data:
images. Pages are never framed, never sniffed, and pages with personal data are not cached.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(hsts: bool) -> type:
    """ASGI middleware class adding the headers (HSTS only in production, behind TLS)."""

    class SecurityHeaders:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await self.app(scope, receive, send)
                return
            static = scope["path"].startswith("/static/")

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = MutableScopeHeaders.from_message(message)
                    for name, value in HEADERS.items():
                        headers[name] = value
                    if hsts:
                        headers["strict-transport-security"] = HSTS
                    if not static and "cache-control" not in headers:
                        headers["cache-control"] = "no-store"
                await send(message)

            await self.app(scope, receive, send_with_headers)

    return SecurityHeaders


# -- the CSRF token bound to the session ---------------------------------------------------
# Litestar's CSRF middleware checks that a form's token matches the CSRF cookie (double
# submit). A cookie planted from outside (a sibling subdomain) would bring its own matching
# pair, so at sign-in the session records a digest of the browser's cookie, and every unsafe
# request of that session must carry that very cookie.

CSRF_COOKIE = "otklik_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def csrf_binding(cookie_value: str) -> str:
    """The digest of a CSRF cookie the session keeps (the cookie itself is not stored)."""
    return hashlib.sha256(cookie_value.encode()).hexdigest()[:32]


def csrf_cookie_matches(method: str, session: Mapping[str, Any], cookie_value: str) -> bool:
    """False when an unsafe request of a bound session carries another CSRF cookie."""
    bound = session.get("csrf")
    if method.upper() in SAFE_METHODS or not isinstance(bound, str):
        return True
    return hmac.compare_digest(bound, csrf_binding(cookie_value))
