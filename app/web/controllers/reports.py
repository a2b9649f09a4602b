"""Reports: the head's page, report pages and files, immediate reports, signature check."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File, Redirect, Template

from app.domain.roles import Role
from app.reports.rendering import add_report_globals
from app.reports.signing import verify_pdf
from app.services.immediate import (
    ImmediateError,
    acknowledge,
    list_immediate,
    send_immediate_report,
)
from app.services.reports import CONTENT_TYPES, FORMATS, KINDS, list_reports, produce, report_file
from app.services.reports_view import chosen_period, departments, report_page
from app.services.signing_keys import known_roots
from app.web.controllers.cases import Form, Upload
from app.web.deps import Actor, Req, Rules, provide_actor, provide_rules
from app.web.forms import form_int, form_text
from app.web.guards import SIGNED_IN, roles
from app.web.rendering import page as base_page


def page(request: Req, template_name: str, status_code: int = 200, **context: Any) -> Template:
    """`page` with the report filters present in the app's Jinja environment: the report
    partials are shared with the PDF, whose environment (app.reports.rendering) has them."""
    env = request.app.template_engine.engine  # type: ignore[union-attr]
    if "minutes" not in env.filters:
        add_report_globals(env)
    return base_page(request, template_name, status_code, **context)


READERS = roles(Role.HEAD, Role.OFFICIAL, Role.SPECIALIST, Role.COORDINATOR)
MAKERS = roles(Role.HEAD, Role.OFFICIAL)
SENDERS = roles(Role.SPECIALIST, Role.COORDINATOR, Role.OFFICIAL)
MAX_PDF_BYTES = 20 * 1024 * 1024


async def _archive_page(request: Req, rules: Rules, actor: Actor, **extra: Any) -> Template:
    period, _ = chosen_period(rules, None)
    return page(
        request, "head/page.html", rules=rules, reports=await list_reports(rules.id),
        immediate=await list_immediate(rules.id), period=period,
        departments=await departments(rules.id), can_make=bool(actor.roles & MAKERS["roles"]),
        is_head=Role.HEAD in actor.roles, **extra,
    )  # fmt: skip


class ReportsController(Controller):
    """The head's page and the organisation's reports."""

    path = "/o/{org_slug:str}"
    include_in_schema = False
    dependencies = {  # noqa: RUF012 — Litestar reads it as a class attribute
        "rules": Provide(provide_rules),
        "actor": Provide(provide_actor),
    }

    @get("/head", opt=roles(Role.HEAD))
    async def head(self, request: Req, rules: Rules, actor: Actor) -> Template:
        """The head's page: immediate reports to acknowledge and the report archive."""
        return await _archive_page(request, rules, actor)

    @get("/reports", opt=READERS)
    async def archive(self, request: Req, rules: Rules, actor: Actor) -> Template:
        """The report archive (and the form to make one) for the official and specialists."""
        return await _archive_page(request, rules, actor)

    @get("/reports/{kind:str}", opt=READERS)
    async def show(self, request: Req, rules: Rules, kind: FromPath[str]) -> Template:
        """A summary or violations report on the web, for ?period= (and ?department=)."""
        if kind not in KINDS:
            raise NotFoundException()
        period, error = chosen_period(rules, request.query_params.get("period"))
        raw_department = request.query_params.get("department") or ""
        department = int(raw_department) if raw_department.isdigit() else None
        shown = await report_page(rules, kind, period, department)
        return page(
            request, "reports/page.html", rules=rules, kind=kind, period=period, error=error,
            body=shown.template, department=department, departments=await departments(rules.id),
            **shown.context,
        )  # fmt: skip

    @post("/reports", opt=MAKERS)
    async def make(self, request: Req, rules: Rules, actor: Actor, data: Form) -> Template | File:
        """Make a report on demand (any period) and hand it over; it is archived too."""
        kind, fmt = form_text(data, "kind", 20), form_text(data, "format", 10)
        period, error = chosen_period(rules, form_text(data, "period", 20).strip())
        if kind not in KINDS or fmt not in FORMATS or error:
            return await _archive_page(request, rules, actor, error=error or "Неверный запрос.")
        made = await produce(
            rules, kind, period, fmt, department_id=form_int(data, "department"),
            created_by=actor.user_id,
        )  # fmt: skip
        assert made is not None  # a fresh key for reports made on demand
        return _download(made.path, made.filename, made.file_format)

    @get("/reports/files/{report_id:int}", opt=READERS)
    async def download(self, rules: Rules, report_id: FromPath[int]) -> File:
        """An archived report file of this organisation."""
        made = await report_file(rules.id, report_id)
        if made is None or not made.path.is_file():
            raise NotFoundException()
        return _download(made.path, made.filename, made.file_format)

    @post("/immediate", opt=SENDERS)
    async def immediate(
        self, request: Req, rules: Rules, actor: Actor, data: Form
    ) -> Template | Redirect:
        """«Срочный доклад главе» from a case or an activity alert (Penza p.21, Parfino p.24)."""
        message_id, alert_id = form_int(data, "message_id"), form_int(data, "alert_id")
        comment = form_text(data, "comment", 2000)
        back = (f"/o/{rules.slug}/cases/{message_id}" if message_id
                else f"/o/{rules.slug}/activity/{alert_id}")  # fmt: skip
        try:
            report_id = await send_immediate_report(
                actor, message_id=message_id, alert_id=alert_id, comment=comment
            )
        except ImmediateError as error:
            return page(request, "reports/_immediate_result.html", error=error.message_ru,
                        rules=rules, message_id=message_id, alert_id=alert_id,
                        comment=comment, status_code=200 if _htmx(request) else 400)  # fmt: skip
        if not _htmx(request):
            return Redirect(back)
        return page(request, "reports/_immediate_result.html", report_id=report_id, rules=rules)

    @post("/immediate/{report_id:int}/acknowledge", opt=roles(Role.HEAD))
    async def acknowledge(
        self, request: Req, rules: Rules, actor: Actor, report_id: FromPath[int]
    ) -> Template | Redirect:
        """The head acknowledges an immediate report."""
        try:
            await acknowledge(actor, report_id)
        except ImmediateError:
            raise NotFoundException() from None
        if not _htmx(request):
            return Redirect(f"/o/{rules.slug}/head")
        item = next((i for i in await list_immediate(rules.id) if i.id == report_id), None)
        return page(request, "head/_immediate_row.html", item=item, rules=rules, is_head=True)


def _htmx(request: Req) -> bool:
    return bool(request.headers.get("hx-request"))


def _download(path: Any, filename: str, file_format: str) -> File:
    return File(path, filename=filename, media_type=CONTENT_TYPES[file_format])


class VerifyController(Controller):
    """The signature check page: any signed-in user uploads a PDF."""

    path = "/verify"
    include_in_schema = False

    @get("/", opt=SIGNED_IN)
    async def form(self, request: Req) -> Template:
        """The upload form."""
        return page(request, "reports/verify.html", result=None)

    @post("/", opt=SIGNED_IN, request_max_body_size=MAX_PDF_BYTES + 65536)
    async def check(self, request: Req, data: Upload) -> Template:
        """Who signed, when, and whether the document is intact."""
        upload = data.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return page(request, "reports/verify.html", result=None, error="Выберите PDF-файл.")
        content = await upload.read()
        if len(content) > MAX_PDF_BYTES:
            return page(request, "reports/verify.html", result=None, error="Файл больше 20 МБ.")
        result = await verify_pdf(content, await known_roots())
        name = upload.filename[:200]
        return page(request, "reports/verify.html", result=result, filename=name)
