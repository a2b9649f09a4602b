"""Oversight pages: the violations register and heightened-activity alerts."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from app.cases.queues import QueueFilters, department_options
from app.core import clock
from app.deadlines.alerts import list_activity_alerts
from app.deadlines.sweep import alert_settings
from app.deadlines.violations import list_violations
from app.domain.lifecycle import STEP_TITLES
from app.domain.roles import Role
from app.domain.worktime.zones import zone_short, zone_title
from app.reporting.pages import page
from app.reporting.periods import PeriodError, parse_period
from app.web.deps import Req, Rules, provide_rules
from app.web.forms import to_int
from app.web.guards import roles


def _month_bounds(raw: str | None, rules: Rules) -> tuple[datetime | None, datetime | None, str]:
    """[start, end) of a month given as YYYY-MM in the organisation's zone; bad input = all."""
    try:
        month = parse_period(raw or "")
    except PeriodError:
        return None, None, ""
    if month.kind != "month":
        return None, None, ""
    start, end = month.bounds(rules.calendar.tz)
    return start, end, month.code


class OversightController(Controller):
    """The official's register of violations and the activity alerts."""

    path = "/o/{org_slug:str}"
    include_in_schema = False
    dependencies = {"rules": Provide(provide_rules)}  # noqa: RUF012

    @get("/violations", name="violations", opt=roles(Role.OFFICIAL, Role.SPECIALIST, Role.HEAD))
    async def violations(self, request: Req, rules: Rules) -> Template:
        """Violations with filters: month, department, person, step (Penza p.19, Parfino p.22)."""
        params = request.query_params
        start, end, month = _month_bounds(params.get("month"), rules)
        department = QueueFilters.parse({"department": params.get("department")}).department_id
        person = params.get("person") or ""
        step = params.get("step") if params.get("step") in {str(s) for s in STEP_TITLES} else None
        rows = await list_violations(
            rules.id,
            start=start,
            end=end,
            department_id=department,
            user_id=to_int(person),
            step=step,
        )
        # Violations stay on record after a department is switched off: list them all.
        departments = await department_options(rules.id, active_only=False)
        people = sorted(
            {(r.responsible_user_id, r.responsible_name) for r in rows if r.responsible_user_id}
        )
        return page(
            request,
            "reporting/violations.html",
            rules=rules,
            rows=rows,
            month=month,
            departments=departments,
            department=department,
            person=person,
            step=step,
            steps=STEP_TITLES,
            people=people,
            zone=zone_title(rules.timezone, clock.now()),
            zone_short=zone_short(rules.timezone, clock.now()),
        )

    @get(
        "/activity/{alert_id:int}",
        name="activity",
        opt=roles(Role.SPECIALIST, Role.OFFICIAL, Role.HEAD),
    )
    async def activity(self, request: Req, rules: Rules, alert_id: FromPath[int]) -> Template:
        """One heightened-activity alert with its messages and their excerpts, and the
        immediate report to the head pre-filled from them (Penza p.21, Parfino p.24)."""
        alerts = await list_activity_alerts(rules.id, limit=1, alert_id=alert_id)
        if not alerts:
            raise NotFoundException()
        alert = alerts[0]
        settings = await alert_settings(rules.id)
        until = alert.window_end.astimezone(rules.calendar.tz).strftime("%d.%m.%Y %H:%M")
        comment = alert.immediate_comment(f"{settings.activity.window_hours:g}", until)
        return page(
            request, "reporting/activity.html", rules=rules, alert=alert, alert_comment=comment
        )
