"""What every case action answers: the case page, its partial, or the screened row.

The partial is chosen by what htmx swaps (`request.htmx.target`): `#case` gets the case
partial, a row of the «Новые» queue (`#new-row-N`) gets that row's result, and a request
without htmx (no JavaScript) is redirected to the case page after the action.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from app.cases.case_view import CaseView, case_view
from app.cases.publication import network_publishing
from app.cases.transaction import CaseError
from app.core.errors import UserError
from app.domain.lifecycle import DraftKind
from app.domain.roles import sees_case
from app.intake.media import draft_attachments
from app.intake.uploads import CHUNK_BYTES, Uploads
from app.screening.place_edit import EDITS_PLACES
from app.screening.views import case_hints, reasons_first
from app.web.deps import CurrentActor, Req, Rules
from app.web.rendering import page

# A draft carries photos and videos (Penza p.16, Parfino p.19): room for one large video.
MAX_UPLOAD_BYTES = 120 * 1024 * 1024
CASE_TARGET = "case"


def row_target(message_id: int) -> str:
    """The id of a message's row in the «Новые» queue (the row's forms swap it)."""
    return f"new-row-{message_id}"


async def visible_case(rules: Rules, actor: CurrentActor, message_id: int) -> CaseView:
    """The case as this actor may see it, else 404 (an executor sees their departments' only)."""
    view = await case_view(rules, actor, message_id)
    if view is None:
        raise NotFoundException()
    routed_to = frozenset(a.department_id for a in view.assignments)
    if not sees_case(actor.roles, actor.department_ids, routed_to):
        raise NotFoundException()
    return view


async def render_case(
    request: Req,
    rules: Rules,
    actor: CurrentActor,
    message_id: int,
    error: str | None = None,
    status_code: int = 200,
    typed: dict[str, str] | None = None,
    partial: bool = False,
) -> Template:
    """The case page, or its partial for htmx (or when asked: a swap retargeted at the
    case); after an error, what was typed comes back."""
    view = await visible_case(rules, actor, message_id)
    partial = partial or request.htmx.target == CASE_TARGET
    template = "cases/_case.html" if partial else "cases/page.html"
    # The refused form's text goes back to its assignment, if that is one of this case's.
    typed_for = request.path_params.get("assignment_id")
    if typed_for not in {a.id for a in view.assignments}:
        typed_for = None
    hints = await case_hints(rules.id, message_id)
    return page(
        request,
        template,
        status_code,
        case=view,
        rules=rules,
        actor=actor,
        error=error,
        kinds=list(DraftKind),
        refusal_reasons=reasons_first(rules.profile.refusal_reasons, hints),
        hints=hints,
        can_edit_places=bool(actor.roles & set(EDITS_PLACES)),
        typed=typed or {},
        typed_for=typed_for,
        publishing=await network_publishing(rules.id, message_id),
    )


async def _typed(request: Req) -> dict[str, str]:
    """The text fields of the refused form (files are not sent back)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "_csrf_token"}


async def row_result(
    request: Req, rules: Rules, actor: CurrentActor, message_id: int, error: str | None = None
) -> Template:
    """A screening decision taken in the «Новые» queue: the row says what became of it."""
    view = await visible_case(rules, actor, message_id)
    return page(request, "cases/_new_row_result.html", case=view, rules=rules, error=error)


async def act(
    request: Req,
    rules: Rules,
    actor: CurrentActor,
    message_id: int,
    action: Callable[[], Awaitable[Any]],
) -> Template | Redirect:
    """Run one lifecycle action and answer with what the person is looking at."""
    view = await visible_case(rules, actor, message_id)
    in_row = request.htmx.target == row_target(message_id)
    assignment_id = request.path_params.get("assignment_id")
    try:
        if assignment_id is not None and assignment_id not in {a.id for a in view.assignments}:
            raise CaseError("Это поручение относится к другому сообщению. Обновите страницу.")
        await action()
    except UserError as error:
        if in_row:
            return await row_result(request, rules, actor, message_id, error.message_ru)
        status = 200 if request.htmx else 409
        typed = await _typed(request)
        return await render_case(request, rules, actor, message_id, error.message_ru, status, typed)
    if not request.htmx:
        return Redirect(
            request.app.route_reverse("case", org_slug=rules.slug, message_id=message_id)
        )
    if in_row:
        return await row_result(request, rules, actor, message_id)
    return await render_case(request, rules, actor, message_id)


def _uploaded_files(data: dict[str, Any]) -> list[UploadFile]:
    files = data.get("files") or []
    return [f for f in (files if isinstance(files, list) else [files]) if isinstance(f, UploadFile)]


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    """The upload as chunks from the request's spooled file: never the whole file in memory."""
    while chunk := await upload.read(CHUNK_BYTES):
        yield chunk


@asynccontextmanager
async def attachments(
    rules: Rules, data: dict[str, Any], kept_ids: list[str]
) -> AsyncIterator[list[dict[str, Any]]]:
    """Files kept from the previous version plus new uploads, as trusted records.

    New uploads are streamed into the incoming directory (type, size and quota checked as
    they arrive); the action's transaction places them with the draft row. When anything
    fails, inside the block (the action is refused) or while receiving (the eleventh file),
    they are deleted again, so a refusal leaves no file behind."""
    kept = list(await draft_attachments(rules.id, kept_ids))
    uploads = Uploads(rules.id, existing=len(kept))
    files = _uploaded_files(data)
    try:
        for upload in files:
            if upload.filename:
                await uploads.receive(upload.filename, _chunks(upload))
            await upload.close()  # the spooled copy is not needed any more
        yield kept + uploads.records
    except BaseException:
        await uploads.discard()
        raise
    finally:
        for upload in files:
            await upload.close()
    await uploads.drop_unplaced()
