"""Reports: the head's page, report pages and files (with their .sig), immediate reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File, Redirect, Template

from app.cases.queues import department_options
from app.domain.roles import Role
from app.domain.signature.certificate import SigningError
from app.reporting.archive import CONTENT_TYPES, FORMATS, KINDS, list_reports, produce, report_file
from app.reporting.immediate import (
    ImmediateError,
    acknowledge,
    list_immediate,
    send_immediate_report,
)
from app.reporting.rendering import add_report_globals
from app.reporting.report_view import chosen_period, report_page
from app.web.deps import CurrentActor, Req, Rules, provide_actor, provide_rules
from app.web.forms import Form, read_form, text_field, to_int
from app.web.guards import roles
from app.web.rendering import page as base_page


def page(request: Req, template_name: str, status_code: int = 200, **context: Any) -> Template:
    """`page` with the report filters present in the app's Jinja environment: the report
    partials are shared with the PDF, whose environment (app.reporting.rendering) has them."""
    env = request.app.template_engine.engine  # type: ignore[union-attr]
    if "minutes" not in env.filters:
        add_report_globals(env)
    return base_page(request, template_name, status_code, **context)


READERS = roles(Role.HEAD, Role.OFFICIAL, Role.SPECIALIST, Role.COORDINATOR)
MAKERS = roles(Role.HEAD, Role.OFFICIAL)
SENDERS = roles(Role.SPECIALIST, Role.COORDINATOR, Role.OFFICIAL)


async def _archive_page(request: Req, rules: Rules, actor: CurrentActor, **extra: Any) -> Template:
    period, _ = chosen_period(rules, None)
    return page(
        request,
        "reporting/head.html",
        rules=rules,
        reports=await list_reports(rules.id),
        immediate=await list_immediate(rules.id),
        period=period,
        departments=await department_options(rules.id),
        can_make=bool(actor.roles & MAKERS["roles"]),
        is_head=Role.HEAD in actor.roles,
        **extra,
    )


@dataclass(frozen=True)
class ReportForm:
    """A report made on demand: kind, format, period and optionally one department."""

    kind: str = text_field(20)
    format: str = text_field(10)
    period: str = text_field(20)
    department: int | None = None


@dataclass(frozen=True)
class ImmediateForm:
    """«Срочный доклад главе»: on a case or on an activity alert, with a comment."""

    message_id: int | None = None
    alert_id: int | None = None
    comment: str = text_field(2000)


class ReportsController(Controller):
    """The head's page and the organisation's reports."""

    path = "/o/{org_slug:str}"
    include_in_schema = False
    dependencies = {  # noqa: RUF012 — Litestar reads it as a class attribute
        "rules": Provide(provide_rules),
        "actor": Provide(provide_actor),
    }

    @get("/head", name="head", opt=roles(Role.HEAD))
    async def head(self, request: Req, rules: Rules, actor: CurrentActor) -> Template:
        """The head's page: immediate reports to acknowledge and the report archive."""
        return await _archive_page(request, rules, actor)

    @get("/reports", name="reports", opt=READERS)
    async def archive(self, request: Req, rules: Rules, actor: CurrentActor) -> Template:
        """The report archive (and the form to make one) for the official and specialists."""
        return await _archive_page(request, rules, actor)

    @get("/reports/{kind:str}", name="report", opt=READERS)
    async def show(self, request: Req, rules: Rules, kind: FromPath[str]) -> Template:
        """A summary or violations report on the web, for ?period= (and ?department=)."""
        if kind not in KINDS:
            raise NotFoundException()
        period, error = chosen_period(rules, request.query_params.get("period"))
        department = to_int(request.query_params.get("department"))
        shown = await report_page(rules, kind, period, department)
        return page(
            request,
            "reporting/page.html",
            rules=rules,
            kind=kind,
            period=period,
            error=error,
            body=shown.template,
            department=department,
            departments=await department_options(rules.id),
            **shown.context,
        )

    @post("/reports", name="reports.make", opt=MAKERS)
    async def make(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Form
    ) -> Template | File:
        """Make a report on demand (any period) and hand it over; it is archived too."""
        form = read_form(ReportForm, data)
        period, error = chosen_period(rules, form.period.strip())
        if form.kind not in KINDS or form.format not in FORMATS or error:
            return await _archive_page(request, rules, actor, error=error or "Неверный запрос.")
        try:
            made = await produce(
                rules,
                form.kind,
                period,
                form.format,
                department_id=form.department,
                created_by=actor.user_id,
            )
        except SigningError as refused:
            return await _archive_page(
                request, rules, actor, error=f"Отчёт не сформирован: {refused.message_ru}"
            )
        assert made is not None  # a fresh key for reports made on demand
        return _download(made.path, made.filename, made.file_format)

    @get("/reports/files/{report_id:int}", name="report_file", opt=READERS)
    async def download(self, rules: Rules, report_id: FromPath[int]) -> File:
        """An archived report file of this organisation."""
        made = await report_file(rules.id, report_id)
        if made is None or not made.path.is_file():
            raise NotFoundException()
        return _download(made.path, made.filename, made.file_format)

    @get("/reports/files/{report_id:int}/signature", name="report_signature", opt=READERS)
    async def signature(self, rules: Rules, report_id: FromPath[int]) -> File:
        """The detached signature (`.sig`, DER CMS) of an archived report of this organisation."""
        made = await report_file(rules.id, report_id)
        if made is None or made.signature_path is None or not made.signature_path.is_file():
            raise NotFoundException()
        return File(
            made.signature_path,
            filename=made.signature_filename,
            media_type="application/pkcs7-signature",
        )

    @post("/immediate", name="immediate.send", opt=SENDERS)
    async def immediate(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Form
    ) -> Template | Redirect:
        """«Срочный доклад главе» from a case or an activity alert (Penza p.21, Parfino p.24)."""
        form = read_form(ImmediateForm, data)
        message_id, alert_id, comment = form.message_id, form.alert_id, form.comment
        try:
            report_id = await send_immediate_report(
                actor, message_id=message_id, alert_id=alert_id, comment=comment
            )
        except ImmediateError as error:
            return page(
                request,
                "reporting/_immediate_result.html",
                error=error.message_ru,
                rules=rules,
                message_id=message_id,
                alert_id=alert_id,
                comment=comment,
                status_code=200 if request.htmx else 400,
            )
        back = (
            request.app.route_reverse("case", org_slug=rules.slug, message_id=message_id)
            if message_id
            else request.app.route_reverse("activity", org_slug=rules.slug, alert_id=alert_id)
        )
        if not request.htmx:
            return Redirect(back)
        return page(request, "reporting/_immediate_result.html", report_id=report_id, rules=rules)

    @post(
        "/immediate/{report_id:int}/acknowledge", name="immediate.acknowledge", opt=roles(Role.HEAD)
    )
    async def acknowledge(
        self, request: Req, rules: Rules, actor: CurrentActor, report_id: FromPath[int]
    ) -> Template | Redirect:
        """The head acknowledges an immediate report."""
        try:
            await acknowledge(actor, report_id)
        except ImmediateError:
            raise NotFoundException() from None
        if not request.htmx:
            return Redirect(request.app.route_reverse("head", org_slug=rules.slug))
        item = next((i for i in await list_immediate(rules.id) if i.id == report_id), None)
        return page(request, "reporting/_immediate_row.html", item=item, rules=rules, is_head=True)


def _download(path: Any, filename: str, file_format: str) -> File:
    return File(path, filename=filename, media_type=CONTENT_TYPES[file_format])
