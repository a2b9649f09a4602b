"""The administrator's pages: overview, organisation and schedule (with the year's calendar).

Departments, users and absences are in admin_staff.py; the regulation, accounts and API
tokens in admin_settings.py. All routes: the admin role of the organisation in the path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from app.admin import organisation as admin_org
from app.admin.calendar import year_view
from app.admin.common import AdminError, AdminNotFound, overview_counts
from app.core import clock
from app.domain.worktime.org_calendar import WEEKDAY_KEYS
from app.domain.worktime.production_calendar import available_regions
from app.identity.organisations import organisation_rules
from app.web.admin_frame import ADMIN, ADMIN_DEPENDENCIES, admin_page, done
from app.web.deps import CurrentActor, Req, Rules
from app.web.forms import form_int, form_list, form_text
from app.web.rendering import page

Form = URLEncodedBody[dict[str, Any]]


async def attempt(
    action: Awaitable[Any],
    render: Callable[[dict[str, str]], Awaitable[Template]],
    result: Redirect,
) -> Template | Redirect:
    """Run a change; on refusal render the form with the errors, else redirect."""
    try:
        await action
    except AdminError as error:
        return await render(error.errors)
    return result


def checked(data: dict[str, Any], key: str) -> bool:
    """A checkbox: present with the value "1"."""
    return form_text(data, key, 5) == "1"


def not_found(request: Request[Any, Any, Any], _: AdminNotFound) -> Response[Any]:
    """A forged or stale id of another organisation's row: the ordinary 404 page."""
    return page(
        request, "web/error.html", 404, title="Страница не найдена", message="Такой записи нет."
    )


def _year(request: Req, default: int) -> int:
    value = form_int(dict(request.query_params), "year")
    return value if value is not None and 1900 < value < 2200 else default


class AdminController(Controller):
    """Overview and the organisation's settings, schedule and calendar overrides."""

    path = "/o/{org_slug:str}/admin"
    include_in_schema = False
    dependencies = ADMIN_DEPENDENCIES
    exception_handlers = {AdminNotFound: not_found}  # noqa: RUF012

    @get("/", name="admin", opt=ADMIN)
    async def overview(self, request: Req, rules: Rules) -> Template:
        """What the organisation has: counts and the profile in force."""
        today = clock.now().astimezone(rules.calendar.tz).date()
        counts = await overview_counts(rules.id, today)
        return admin_page(request, rules, "admin/overview.html", counts=counts)

    async def _organisation(
        self,
        request: Req,
        rules: Rules,
        status_code: int = 200,
        form: admin_org.OrganisationForm | None = None,
        errors: dict[str, str] | None = None,
        override: dict[str, str] | None = None,
    ) -> Template:
        rules = await organisation_rules(rules.id)  # fresh after a change
        today = clock.now().astimezone(rules.calendar.tz).date()
        return admin_page(
            request,
            rules,
            "admin/organisation.html",
            status_code,
            form=form or await admin_org.organisation_form(rules.id),
            errors=errors or {},
            override=override or {"kind": "day_off"},
            overrides=await admin_org.overrides(rules.id),
            weekdays=list(zip(WEEKDAY_KEYS, admin_org.WEEKDAY_TITLES, strict=True)),
            regions=[(c, admin_org.REGION_TITLES.get(c, c)) for c in available_regions()],
            year=year_view(rules.calendar, _year(request, today.year)),
            networks=admin_org.network_choices(rules.profile.networks, rules.enabled_networks),
        )

    @get("/organisation", name="admin.organisation", opt=ADMIN)
    async def organisation(self, request: Req, rules: Rules) -> Template:
        """Name, zone, weekly schedule, calendar options and overrides, the year's table."""
        return await self._organisation(request, rules)

    @post("/organisation", name="admin.organisation.save", opt=ADMIN)
    async def save_organisation(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Form
    ) -> Template | Redirect:
        """Save the settings; on errors the form comes back with everything typed."""
        limit = admin_org.MAX_INTERVALS_TEXT
        form = admin_org.OrganisationForm(
            name=form_text(data, "name", 300),
            timezone=form_text(data, "timezone", 60),
            days={k: form_text(data, f"day_{k}", limit) for k in WEEKDAY_KEYS},
            include_decree_days=checked(data, "include_decree_days"),
            region=form_text(data, "region", 40),
        )
        return await attempt(
            admin_org.save_organisation(actor, form),
            lambda errors: self._organisation(request, rules, 400, form, errors),
            done(request, rules, "admin.organisation"),
        )

    @post("/organisation/networks", name="admin.networks.save", opt=ADMIN)
    async def save_networks(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Form
    ) -> Template | Redirect:
        """Enable networks beyond the profile's list (Penza p.4, Parfino p.3); logged."""
        return await attempt(
            admin_org.save_networks(actor, rules.profile.networks, form_list(data, "networks")),
            lambda errors: self._organisation(request, rules, 400, None, errors),
            done(request, rules, "admin.organisation"),
        )

    @post("/organisation/overrides", name="admin.overrides.add", opt=ADMIN)
    async def add_override(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Form
    ) -> Template | Redirect:
        """Add a day off or a working day with its own hours for one date."""
        override = {
            k: form_text(data, k, admin_org.MAX_INTERVALS_TEXT)
            for k in ("date", "kind", "intervals")
        }
        try:
            await admin_org.add_override(
                actor, override["date"], override["kind"], override["intervals"]
            )
        except AdminError as error:
            errors = {f"o_{k}": v for k, v in error.errors.items()}
            return await self._organisation(request, rules, 400, None, errors, override)
        return done(request, rules, "admin.organisation", "added")

    @post("/organisation/overrides/delete", name="admin.overrides.delete", opt=ADMIN)
    async def remove_override(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Form
    ) -> Template | Redirect:
        """Remove the exception of one date."""
        try:
            await admin_org.remove_override(actor, form_text(data, "date", 10))
        except AdminNotFound:
            errors = {"o_list": "Такого исключения нет: обновите страницу."}
            return await self._organisation(request, rules, 400, None, errors)
        return done(request, rules, "admin.organisation", "deleted")
