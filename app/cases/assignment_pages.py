"""The actions on one assignment of a case: drafts, review, publication, replies."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, post
from litestar.di import Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.cases import actions as cases
from app.cases.case_page import MAX_UPLOAD_BYTES, act, attachments
from app.domain.lifecycle import DraftKind
from app.domain.roles import Role
from app.web.deps import CurrentActor, Req, Rules, provide_actor, provide_rules
from app.web.forms import Form, Upload, list_field, read_form, text_field
from app.web.guards import roles


@dataclass(frozen=True)
class DraftForm:
    """A draft or its revision: text, kind, files kept from the previous version."""

    version: int = 0
    kind: DraftKind = DraftKind.FINAL
    text: str = text_field(cases.MAX_DRAFT_TEXT * 2)
    keep_files: list[str] = list_field(64)


@dataclass(frozen=True)
class CommentForm:
    """A decision with the person's words: a reason, a review comment or the author's reply."""

    version: int = 0
    reason: str = text_field(cases.MAX_COMMENT)
    comment: str = text_field(cases.MAX_COMMENT)
    reply: str = text_field(cases.MAX_COMMENT)


@dataclass(frozen=True)
class PublishForm:
    """«Опубликовано»: the link of the posted answer and its id in the network."""

    version: int = 0
    url: str = text_field(1000)
    external_id: str = text_field(200)
    account: int | None = None  # the official account it was posted from


class AssignmentActionsController(Controller):
    """Actions on one assignment of a case."""

    path = "/o/{org_slug:str}/cases/{message_id:int}/assignments/{assignment_id:int}"
    include_in_schema = False
    dependencies = {  # noqa: RUF012 — Litestar reads it as a class attribute
        "rules": Provide(provide_rules),
        "actor": Provide(provide_actor),
    }

    @post(
        "/submit",
        opt=roles(Role.EXECUTOR),
        request_max_body_size=MAX_UPLOAD_BYTES,
        name="assignment.submit",
    )
    async def submit(
        self,
        request: Req,
        rules: Rules,
        actor: CurrentActor,
        message_id: FromPath[int],
        assignment_id: FromPath[int],
        data: Upload,
    ) -> Template | Redirect:
        """Submit a draft (with photo/video attachments) for approval."""
        form = read_form(DraftForm, data)

        async def action() -> cases.Outcome:
            async with attachments(rules, data, form.keep_files) as files:
                return await cases.submit_draft(
                    actor, assignment_id, form.version, form.kind, form.text, files
                )

        return await act(request, rules, actor, message_id, action)

    @post(
        "/resubmit",
        opt=roles(Role.EXECUTOR),
        request_max_body_size=MAX_UPLOAD_BYTES,
        name="assignment.resubmit",
    )
    async def resubmit(
        self,
        request: Req,
        rules: Rules,
        actor: CurrentActor,
        message_id: FromPath[int],
        assignment_id: FromPath[int],
        data: Upload,
    ) -> Template | Redirect:
        """Send the revised draft back for approval (kept and new attachments)."""
        form = read_form(DraftForm, data)

        async def action() -> cases.Outcome:
            async with attachments(rules, data, form.keep_files) as files:
                return await cases.resubmit(actor, assignment_id, form.version, form.text, files)

        return await act(request, rules, actor, message_id, action)

    @post("/return-outside", opt=roles(Role.EXECUTOR), name="assignment.return_outside")
    async def return_outside(
        self,
        request: Req,
        rules: Rules,
        actor: CurrentActor,
        message_id: FromPath[int],
        assignment_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """«Не в нашей компетенции» with a reason (Penza p.9)."""
        form = read_form(CommentForm, data)
        return await act(
            request,
            rules,
            actor,
            message_id,
            lambda: cases.return_outside_competence(
                actor, assignment_id, form.version, form.reason
            ),
        )

    @post("/approve", opt=roles(Role.SPECIALIST), name="assignment.approve")
    async def approve(
        self,
        request: Req,
        rules: Rules,
        actor: CurrentActor,
        message_id: FromPath[int],
        assignment_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """Approve the submitted draft."""
        form = read_form(CommentForm, data)
        return await act(
            request,
            rules,
            actor,
            message_id,
            lambda: cases.approve(actor, assignment_id, form.version),
        )

    @post("/return", opt=roles(Role.SPECIALIST), name="assignment.return")
    async def return_for_revision(
        self,
        request: Req,
        rules: Rules,
        actor: CurrentActor,
        message_id: FromPath[int],
        assignment_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """Return the draft for revision with a comment."""
        form = read_form(CommentForm, data)
        return await act(
            request,
            rules,
            actor,
            message_id,
            lambda: cases.return_for_revision(actor, assignment_id, form.version, form.comment),
        )

    @post("/publish", opt=roles(Role.SPECIALIST, Role.COORDINATOR), name="assignment.publish")
    async def publish(
        self,
        request: Req,
        rules: Rules,
        actor: CurrentActor,
        message_id: FromPath[int],
        assignment_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """«Опубликовано»: the link of the posted answer."""
        form = read_form(PublishForm, data)
        return await act(
            request,
            rules,
            actor,
            message_id,
            lambda: cases.publish(
                actor, assignment_id, form.version, form.url, form.external_id, form.account
            ),
        )

    @post(
        "/reply",
        opt=roles(Role.SPECIALIST, Role.COORDINATOR, Role.EXECUTOR),
        name="assignment.reply",
    )
    async def reply(
        self,
        request: Req,
        rules: Rules,
        actor: CurrentActor,
        message_id: FromPath[int],
        assignment_id: FromPath[int],
        data: Form,
    ) -> Template | Redirect:
        """Record the author's reply to a clarification request."""
        form = read_form(CommentForm, data)
        return await act(
            request,
            rules,
            actor,
            message_id,
            lambda: cases.record_reply(actor, assignment_id, form.version, form.reply),
        )
