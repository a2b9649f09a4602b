"""Dependencies of the organisation's pages: its rules and the acting person."""

from __future__ import annotations

from typing import Any, TypeAlias

from litestar import Request
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from app import clock
from app.services.organisations import (
    OrganisationNotFound,
    OrganisationRules,
    organisation_id_by_slug,
    organisation_rules,
)
from app.services.substitutes import ActorContext, actor_context

# Short names for handler signatures.
Req: TypeAlias = Request[Any, Any, Any]
Rules: TypeAlias = NamedDependency[OrganisationRules]
Actor: TypeAlias = NamedDependency[ActorContext]


async def provide_rules(org_slug: FromPath[str]) -> OrganisationRules:
    """The organisation in the path (the guard has already checked membership)."""
    try:
        return await organisation_rules(await organisation_id_by_slug(org_slug))
    except OrganisationNotFound:
        raise NotFoundException() from None


async def provide_actor(request: Req, rules: Rules) -> ActorContext:
    """The signed-in user acting in this organisation today, substitutions included."""
    user = request.state["current_user"]
    today = clock.now().astimezone(rules.calendar.tz).date()
    return await actor_context(user.id, rules.id, today)
