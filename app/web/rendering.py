"""Rendering pages with the common context (the user, the membership in view)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template

from app.identity.accounts import CurrentUser


def page(
    request: Request[Any, Any, Any],
    template_name: str,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """A full page or partial with the signed-in user and the current org/role from the path."""
    user: CurrentUser | None = request.state.get("current_user")
    slug = request.path_params.get("org_slug")
    active = None
    if user is not None and slug:
        path = request.url.path
        active = next(
            (m for m in user.memberships if path.startswith(m.home_path)),
            next((m for m in user.memberships if m.organisation_slug == slug), None),
        )
    return Template(
        template_name,
        context={
            "current_user": user,
            "active_membership": active,
            "request_path": request.url.path,
            **context,
        },
        status_code=status_code,
    )
