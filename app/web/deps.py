"""Dependencies of the organisation's pages: its rules and the acting person."""

from __future__ import annotations

from typing import TypeAlias

from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest

from app.core import clock
from app.identity.actor import ActorContext
from app.identity.organisations import (
    OrganisationNotFound,
    OrganisationRules,
    organisation_id_by_slug,
    organisation_rules,
)
from app.identity.substitutes import actor_context

# Short names for handler signatures.
# Every request is an HTMXRequest (the HTMX plugin sets the class app-wide): `request.htmx`.
Req: TypeAlias = HTMXRequest
Rules: TypeAlias = NamedDependency[OrganisationRules]
CurrentActor: TypeAlias = NamedDependency[ActorContext]


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
