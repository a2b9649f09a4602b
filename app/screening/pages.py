"""Pages of screening assistance: correcting a message's places on its case page, and the
official's agreement of the specialists' decisions with the suggestions per month."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.db.tables import Assignment
from app.domain.roles import Role, sees_case
from app.domain.screening.agreement import KIND_TITLES, DecisionKind
from app.domain.screening.place_edits import MAX_PLACE, PlaceError
from app.screening.decisions import agreement_rates
from app.screening.place_edit import EDITS_PLACES, edit_places
from app.screening.views import case_hints
from app.web.deps import CurrentActor, Req, Rules, provide_actor, provide_rules
from app.web.forms import Form, read_form, text_field
from app.web.guards import roles
from app.web.rendering import page

PLACES_TARGET = "places"


@dataclass(frozen=True)
class PlaceForm:
    """Add one address, or remove one."""

    add: str = text_field(MAX_PLACE)
    remove: str = text_field(MAX_PLACE)


class ScreeningPagesController(Controller):
    """The places of a case and the agreement page."""

    path = "/o/{org_slug:str}"
    include_in_schema = False
    dependencies = {  # noqa: RUF012 — Litestar reads it as a class attribute
        "rules": Provide(provide_rules),
        "actor": Provide(provide_actor),
    }

    @post(
        "/cases/{message_id:int}/places",
        name="case.places",
        opt=roles(*EDITS_PLACES),
    )
    async def places(
        self, request: Req, rules: Rules, actor: CurrentActor, message_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """Add or remove an address; htmx gets the places panel back, others the case page."""
        form = read_form(PlaceForm, data)
        error = None
        try:
            await edit_places(actor, message_id, add=form.add, remove=form.remove)
        except PlaceError as refused:
            if refused.code == "not_found":
                raise NotFoundException() from None
            error = refused.message_ru
        if not request.htmx:
            return Redirect(
                request.app.route_reverse("case", org_slug=rules.slug, message_id=message_id)
            )
        hints = await case_hints(rules.id, message_id)
        if hints is None or not await _sees(actor, message_id):
            raise NotFoundException()
        return page(
            request,
            "screening/_places.html",
            200,
            hints=hints,
            rules=rules,
            actor=actor,
            can_edit_places=True,
            place_error=error,
            typed_place=form.add if error else "",
        )

    @get(
        "/screening/agreement",
        name="screening.agreement",
        opt=roles(Role.OFFICIAL, Role.HEAD, Role.SPECIALIST, Role.COORDINATOR),
    )
    async def agreement(self, request: Req, rules: Rules) -> Template:
        """Agreement with the suggestions per month and kind of decision."""
        rates = await agreement_rates(rules.id, rules.timezone)
        titles = {r.month: r.month_title for r in rates}
        months = sorted(titles.items(), reverse=True)
        return page(
            request,
            "screening/agreement.html",
            rules=rules,
            months=months,
            rates={(r.month, r.kind): r for r in rates},
            kinds=list(DecisionKind),
            kind_titles=KIND_TITLES,
        )


async def _sees(actor: CurrentActor, message_id: int) -> bool:
    rows = await Assignment.select(Assignment.department).where(Assignment.message == message_id)
    return sees_case(actor.roles, actor.department_ids, frozenset(r["department"] for r in rows))
