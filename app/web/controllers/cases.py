"""The case page and every lifecycle action on it (HTMX partial updates)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template

from app.domain.lifecycle import DraftKind
from app.domain.regulation_model import Importance, RefusalReason
from app.domain.roles import Role
from app.services import cases
from app.services.case_view import CaseView, case_view
from app.services.cases import CaseError, RouteTarget
from app.services.media import MediaError, draft_attachments, store_upload
from app.web.deps import Actor, Req, Rules, provide_actor, provide_rules
from app.web.forms import form_int, form_list, form_text
from app.web.guards import roles
from app.web.rendering import page

ALL_ROLES = roles(*Role)
# A draft carries photos and videos (Penza p.16, Parfino p.19): room for one large video.
MAX_UPLOAD_BYTES = 120 * 1024 * 1024
Upload = MultipartBody[dict[str, Any]]


async def _attachments(rules: Rules, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Files kept from the previous version plus new uploads, as trusted stored records."""
    kept = await draft_attachments(rules.id, form_list(data, "keep_files", 64))
    uploads = data.get("files") or []
    uploads = uploads if isinstance(uploads, list) else [uploads]
    stored = list(kept)
    for upload in uploads:
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        content = await upload.read()
        if content:
            stored.append(
                await store_upload(rules.id, upload.filename, content, existing=len(stored))
            )
    return stored


Form = URLEncodedBody[dict[str, Any]]


async def _visible_case(rules: Rules, actor: Actor, message_id: int) -> CaseView:
    view = await case_view(rules, actor, message_id)
    if view is None:
        raise NotFoundException()
    # Someone who is only an executor sees only the cases of their departments.
    if actor.roles <= {Role.EXECUTOR} and not any(
        a.row["department"] in actor.department_ids for a in view.assignments
    ):
        raise NotFoundException()
    return view


async def render_case(
    request: Req,
    rules: Rules,
    actor: Actor,
    message_id: int,
    error: str | None = None,
    status_code: int = 200,
    typed: dict[str, str] | None = None,
) -> Template:
    """The case page, or its main partial for htmx; after an error, what was typed comes back."""
    view = await _visible_case(rules, actor, message_id)
    template = "cases/_case.html" if request.headers.get("hx-request") else "cases/page.html"
    return page(
        request, template, status_code, case=view, rules=rules, actor=actor, error=error,
        kinds=list(DraftKind), refusal_reasons=rules.profile.refusal_reasons,
        typed=typed or {}, typed_for=request.path_params.get("assignment_id"),
    )  # fmt: skip


async def _typed(request: Req) -> dict[str, str]:
    """The text fields of the refused form (files are not sent back)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "_csrf_token"}


async def _act(
    request: Req,
    rules: Rules,
    actor: Actor,
    message_id: int,
    action: Callable[[], Awaitable[Any]],
    as_row: bool = False,
) -> Template | Redirect:
    await _visible_case(rules, actor, message_id)
    try:
        await action()
    except (CaseError, MediaError) as error:
        if as_row:
            return await _row_result(request, rules, actor, message_id, error.message_ru)
        status = 200 if request.headers.get("hx-request") else 409
        typed = await _typed(request)
        return await render_case(request, rules, actor, message_id, error.message_ru, status, typed)
    if not request.headers.get("hx-request"):
        return Redirect(f"/o/{rules.slug}/cases/{message_id}")
    if as_row:
        return await _row_result(request, rules, actor, message_id)
    return await render_case(request, rules, actor, message_id)


async def _row_result(
    request: Req,
    rules: Rules,
    actor: Actor,
    message_id: int,
    error: str | None = None,
) -> Template:
    """A screening decision taken in the «Новые» queue: the row says what became of it."""
    view = await _visible_case(rules, actor, message_id)
    return page(request, "specialist/_new_row_result.html", case=view, rules=rules, error=error)


class CaseController(Controller):
    """One case: its page and the actions of the lifecycle."""

    path = "/o/{org_slug:str}/cases/{message_id:int}"
    include_in_schema = False
    dependencies = {  # noqa: RUF012 — Litestar reads it as a class attribute
        "rules": Provide(provide_rules),
        "actor": Provide(provide_actor),
    }

    @get("/", opt=ALL_ROLES)
    async def show(
        self,
        request: Req,
        rules: Rules,
        actor: Actor,
        message_id: FromPath[int],
    ) -> Template:
        """The case page."""
        return await render_case(request, rules, actor, message_id)

    @post("/mark", opt=roles(Role.SPECIALIST))
    async def mark(
        self,
        request: Req,
        rules: Rules,
        actor: Actor,
        message_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """Needs a reaction: topics, importance, optional earlier case."""
        importance = Importance(form_text(data, "importance", 10) or "normal")
        repeat_of = form_int(data, "repeat_of")
        topics = form_list(data, "topics")
        return await _act(request, rules, actor, message_id, lambda: cases.mark_for_reaction(
            actor, message_id, form_int(data, "version") or 0, topics, importance, repeat_of
        ), as_row=form_text(data, "return_to", 10) == "row")  # fmt: skip

    @post("/refuse", opt=roles(Role.SPECIALIST))
    async def refuse(
        self,
        request: Req,
        rules: Rules,
        actor: Actor,
        message_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """Not subject to processing, with the reason."""
        raw = form_text(data, "reason", 40)
        reason = RefusalReason(raw) if raw in set(RefusalReason) else None
        if reason is None:
            return await render_case(
                request, rules, actor, message_id, "Выберите основание отказа."
            )
        return await _act(request, rules, actor, message_id, lambda: cases.refuse(
            actor, message_id, form_int(data, "version") or 0, reason,
            form_text(data, "comment", 2000),
        ), as_row=form_text(data, "return_to", 10) == "row")  # fmt: skip

    @post("/undo", opt=roles(Role.SPECIALIST))
    async def undo(
        self,
        request: Req,
        rules: Rules,
        actor: Actor,
        message_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """Take back a screening decision (same person, within the window)."""
        return await _act(request, rules, actor, message_id, lambda: cases.undo_screening(
            actor, message_id, form_int(data, "version") or 0
        ), as_row=form_text(data, "return_to", 10) == "row")  # fmt: skip

    @post("/reclassify", opt=roles(Role.SPECIALIST))
    async def reclassify(
        self,
        request: Req,
        rules: Rules,
        actor: Actor,
        message_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """Change topics or importance."""
        importance = Importance(form_text(data, "importance", 10) or "normal")
        return await _act(request, rules, actor, message_id, lambda: cases.reclassify(
            actor, message_id, form_int(data, "version") or 0, form_list(data, "topics"),
            importance,
        ))  # fmt: skip

    @post("/hand-over", opt=roles(Role.SPECIALIST))
    async def hand_over(
        self,
        request: Req,
        rules: Rules,
        actor: Actor,
        message_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """Pass to the coordinator (Parfino p.7)."""
        return await _act(request, rules, actor, message_id, lambda: cases.hand_over(
            actor, message_id, form_int(data, "version") or 0
        ))  # fmt: skip

    @post("/route", opt=roles(Role.SPECIALIST, Role.COORDINATOR))
    async def route(
        self,
        request: Req,
        rules: Rules,
        actor: Actor,
        message_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """Send to one or several departments (split by topic)."""
        targets = [
            RouteTarget(int(d), form_text(data, f"topic_{d}", 120))
            for d in form_list(data, "departments")
            if d.isdigit()
        ]
        return await _act(request, rules, actor, message_id, lambda: cases.route(
            actor, message_id, form_int(data, "version") or 0, targets
        ))  # fmt: skip


class AssignmentActionsController(Controller):
    """Actions on one assignment of a case."""

    path = "/o/{org_slug:str}/cases/{message_id:int}/assignments/{assignment_id:int}"
    include_in_schema = False
    dependencies = {  # noqa: RUF012 — Litestar reads it as a class attribute
        "rules": Provide(provide_rules),
        "actor": Provide(provide_actor),
    }

    @post("/submit", opt=roles(Role.EXECUTOR), request_max_body_size=MAX_UPLOAD_BYTES)
    async def submit(
        self,
        request: Req,
        rules: Rules,
        actor: Actor,
        message_id: FromPath[int],
        assignment_id: FromPath[int],
        data: Upload,
    ) -> Template | Redirect:
        """Submit a draft (with photo/video attachments) for approval."""
        raw = form_text(data, "kind", 20) or "final"
        kind = DraftKind(raw) if raw in set(DraftKind) else DraftKind.FINAL
        text = form_text(data, "text", 20_000)
        version = form_int(data, "version") or 0

        async def action() -> Any:
            files = await _attachments(rules, data)
            return await cases.submit_draft(actor, assignment_id, version, kind, text, files)

        return await _act(request, rules, actor, message_id, action)

    @post("/resubmit", opt=roles(Role.EXECUTOR), request_max_body_size=MAX_UPLOAD_BYTES)
    async def resubmit(
        self,
        request: Req,
        rules: Rules,
        actor: Actor,
        message_id: FromPath[int],
        assignment_id: FromPath[int],
        data: Upload,
    ) -> Template | Redirect:
        """Send the revised draft back for approval (kept and new attachments)."""
        text = form_text(data, "text", 20_000)
        version = form_int(data, "version") or 0

        async def action() -> Any:
            files = await _attachments(rules, data)
            return await cases.resubmit(actor, assignment_id, version, text, files)

        return await _act(request, rules, actor, message_id, action)

    @post("/return-outside", opt=roles(Role.EXECUTOR))
    async def return_outside(
        self,
        request: Req,
        rules: Rules,
        actor: Actor,
        message_id: FromPath[int],
        assignment_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """«Не в нашей компетенции» with a reason (Penza p.9)."""
        reason = form_text(data, "reason", 2000)
        version = form_int(data, "version") or 0
        return await _act(request, rules, actor, message_id, lambda: (
            cases.return_outside_competence(actor, assignment_id, version, reason)
        ))  # fmt: skip

    @post("/approve", opt=roles(Role.SPECIALIST))
    async def approve(
        self,
        request: Req,
        rules: Rules,
        actor: Actor,
        message_id: FromPath[int],
        assignment_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """Approve the submitted draft."""
        return await _act(request, rules, actor, message_id, lambda: cases.approve(
            actor, assignment_id, form_int(data, "version") or 0
        ))  # fmt: skip

    @post("/return", opt=roles(Role.SPECIALIST))
    async def return_for_revision(
        self,
        request: Req,
        rules: Rules,
        actor: Actor,
        message_id: FromPath[int],
        assignment_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """Return the draft for revision with a comment."""
        return await _act(request, rules, actor, message_id, lambda: cases.return_for_revision(
            actor, assignment_id, form_int(data, "version") or 0, form_text(data, "comment", 2000)
        ))  # fmt: skip

    @post("/publish", opt=roles(Role.SPECIALIST, Role.COORDINATOR))
    async def publish(
        self,
        request: Req,
        rules: Rules,
        actor: Actor,
        message_id: FromPath[int],
        assignment_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """«Опубликовано»: the link of the posted answer."""
        return await _act(request, rules, actor, message_id, lambda: cases.publish(
            actor, assignment_id, form_int(data, "version") or 0, form_text(data, "url", 1000),
            form_text(data, "external_id", 200),
        ))  # fmt: skip

    @post("/reply", opt=roles(Role.SPECIALIST, Role.COORDINATOR, Role.EXECUTOR))
    async def reply(
        self,
        request: Req,
        rules: Rules,
        actor: Actor,
        message_id: FromPath[int],
        assignment_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """Record the author's reply to a clarification request."""
        return await _act(request, rules, actor, message_id, lambda: cases.record_reply(
            actor, assignment_id, form_int(data, "version") or 0, form_text(data, "reply", 2000)
        ))  # fmt: skip
