"""Manual entry of a message by the specialist (network, link, author, text, attachments)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from app.core import clock
from app.domain.intake import NETWORKS, IntakeError, validate_incoming
from app.domain.roles import Role
from app.intake.messages import intake_message
from app.journal.events import EventActor
from app.web.deps import Req, Rules, provide_rules
from app.web.forms import form_text
from app.web.guards import roles
from app.web.rendering import page

FIELDS = ("network", "url", "author_name", "author_url", "text", "posted_at", "attachments")


def _raw_message(form: dict[str, str], rules: Rules) -> dict[str, Any]:
    """The form as intake input: local posted-at gets the organisation's zone."""
    raw: dict[str, Any] = {k: v for k, v in form.items() if k not in ("posted_at", "attachments")}
    if form["posted_at"]:
        try:
            raw["posted_at"] = datetime.fromisoformat(form["posted_at"]).replace(
                tzinfo=rules.calendar.tz
            )
        except ValueError:
            raw["posted_at"] = form["posted_at"]  # the validator names the problem
    raw["attachments"] = [
        {"url": line.strip(), "kind": "video" if "video" in line else "photo"}
        for line in form["attachments"].splitlines()
        if line.strip()
    ]
    return raw


def entry_networks(rules: Rules) -> dict[str, str]:
    """The networks the organisation accepts (Penza p.4, Parfino p.3), in the usual order."""
    return {k: v for k, v in NETWORKS.items() if k in rules.accepted_networks}


class ManualEntryController(Controller):
    """«Ручной ввод»: a message the monitoring system did not catch."""

    path = "/o/{org_slug:str}/specialist/entry"
    include_in_schema = False
    dependencies = {"rules": Provide(provide_rules)}  # noqa: RUF012

    @get("/", name="entry", opt=roles(Role.SPECIALIST))
    async def form(self, request: Req, rules: Rules) -> Template:
        """The empty form."""
        empty = dict.fromkeys(FIELDS, "")
        empty["network"] = next(iter(entry_networks(rules)), "vk")
        return page(
            request,
            "intake/entry.html",
            form=empty,
            errors={},
            networks=entry_networks(rules),
            rules=rules,
        )

    @post("/", name="entry.submit", opt=roles(Role.SPECIALIST))
    async def submit(
        self,
        request: Req,
        rules: Rules,
        data: URLEncodedBody[dict[str, Any]],
    ) -> Template | Redirect:
        """Validate and store; on errors the form comes back with everything typed."""
        form = {k: form_text(data, k, 25_000) for k in FIELDS}
        try:
            incoming = validate_incoming(
                _raw_message(form, rules),
                clock.now(),
                rules.accepted_networks,
                rules.networks_clause,
            )
        except IntakeError as error:
            return page(
                request,
                "intake/entry.html",
                400,
                form=form,
                errors=error.errors,
                networks=entry_networks(rules),
                rules=rules,
            )
        user = request.state["current_user"]
        message_id, _ = await intake_message(
            rules.id, incoming, EventActor(user.id, str(Role.SPECIALIST))
        )
        return Redirect(
            request.app.route_reverse("case", org_slug=rules.slug, message_id=message_id)
        )
