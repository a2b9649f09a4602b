"""Drafts of answers and their review (Penza pp.9, 11–13; Parfino pp.10–14)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.cases.assignments import assignment_action, latest_draft, latest_draft_kind
from app.cases.transaction import MAX_COMMENT, MAX_DRAFT_TEXT, CaseError, Outcome
from app.db.json_columns import json_value
from app.db.tables import Assignment, Draft
from app.domain.lifecycle import (
    AssignmentAction,
    AssignmentState,
    DraftKind,
    Transition,
)
from app.identity.actor import ActorContext
from app.identity.organisations import OrganisationRules
from app.intake.uploads import place_uploads


def draft_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise CaseError("Введите текст проекта ответа.", "empty_draft")
    if len(text) > MAX_DRAFT_TEXT:
        raise CaseError(f"Текст проекта — не больше {MAX_DRAFT_TEXT} символов.", "draft_too_long")
    return text.replace("\x00", "")


async def new_draft(
    ctx: ActorContext,
    row: dict[str, Any],
    kind: DraftKind,
    text: str,
    attachments: list[dict[str, Any]],
    now: datetime,
) -> None:
    number = await Draft.count().where(Draft.assignment == row["id"]) + 1
    await Draft(
        organisation=ctx.organisation_id,
        assignment=row["id"],
        kind=str(kind),
        number=number,
        text=text,
        attachments=attachments,
        state="submitted",
        author=ctx.user_id,
        created_at=now,
        submitted_at=now,
    ).save()
    # New uploads move into place only now, inside the transaction that stores their row.
    await place_uploads(ctx.organisation_id, attachments)


def close_pause(raw: Any, now: datetime) -> list[dict[str, Any]]:
    pauses = list(json_value(raw) or [])
    return [{**p, "end": p.get("end") or now.isoformat()} for p in pauses]


async def submit_draft(
    ctx: ActorContext,
    assignment_id: int,
    version: int,
    kind: DraftKind,
    text: str,
    attachments: list[dict[str, Any]] | None = None,
) -> Outcome:
    """Submit a draft (final, intermediate or clarification) for approval (Penza p.11)."""
    clean = draft_text(text)

    async def body(
        row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
    ) -> dict[Any, Any]:
        await new_draft(ctx, row, kind, clean, attachments or [], now)
        values: dict[Any, Any] = {Assignment.submitted_at: now}
        if row["state"] == AssignmentState.AWAITING_REPLY:
            values[Assignment.pauses] = close_pause(row["pauses"], now)
        return values

    return await assignment_action(
        ctx,
        assignment_id,
        version,
        AssignmentAction.SUBMIT_DRAFT,
        body,
        "draft_submitted",
        kind=kind,
    )


async def resubmit(
    ctx: ActorContext,
    assignment_id: int,
    version: int,
    text: str,
    attachments: list[dict[str, Any]] | None = None,
) -> Outcome:
    """Send the revised draft back for approval (Penza p.13, Parfino p.14)."""
    clean = draft_text(text)

    async def body(
        row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
    ) -> dict[Any, Any]:
        kind = DraftKind(await latest_draft_kind(row["id"]))
        await new_draft(ctx, row, kind, clean, attachments or [], now)
        return {Assignment.submitted_at: now}

    return await assignment_action(
        ctx, assignment_id, version, AssignmentAction.RESUBMIT, body, "draft_resubmitted"
    )


async def return_outside_competence(
    ctx: ActorContext, assignment_id: int, version: int, reason: str
) -> Outcome:
    """The executor returns a message outside the department's competence (Penza p.9)."""
    reason = reason.strip()[:MAX_COMMENT]
    if not reason:
        raise CaseError("Укажите, почему вопрос не относится к полномочиям.", "reason_required")

    async def body(
        row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
    ) -> dict[Any, Any]:
        return {Assignment.returned_reason: reason, Assignment.returned_outside_at: now}

    return await assignment_action(
        ctx,
        assignment_id,
        version,
        AssignmentAction.RETURN_OUTSIDE_COMPETENCE,
        body,
        "returned_outside_competence",
        comment=reason,
    )


async def review_latest_draft(
    ctx: ActorContext, assignment_id: int, state: str, now: datetime, comment: str = ""
) -> None:
    """Record the reviewer's decision on the newest draft version."""
    draft = await latest_draft(assignment_id)
    await Draft.update(
        {
            Draft.state: state,
            Draft.reviewed_by: ctx.user_id,
            Draft.reviewed_at: now,
            Draft.review_comment: comment,
        }
    ).where(Draft.id == draft["id"])


async def approve(ctx: ActorContext, assignment_id: int, version: int) -> Outcome:
    """Approve the submitted draft (Penza p.12, Parfino p.13)."""

    async def body(
        row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
    ) -> dict[Any, Any]:
        await review_latest_draft(ctx, row["id"], "approved", now)
        return {Assignment.approved_at: now}

    return await assignment_action(
        ctx, assignment_id, version, AssignmentAction.APPROVE, body, "draft_approved"
    )


async def return_for_revision(
    ctx: ActorContext, assignment_id: int, version: int, comment: str
) -> Outcome:
    """Return the draft for revision with a comment (Penza p.12–13, Parfino p.13–14)."""
    comment = comment.strip()[:MAX_COMMENT]
    if not comment:
        raise CaseError("Напишите, что нужно доработать.", "comment_required")

    async def body(
        row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
    ) -> dict[Any, Any]:
        await review_latest_draft(ctx, row["id"], "returned", now, comment)
        return {Assignment.returned_at: now, Assignment.revision_rounds: row["revision_rounds"] + 1}

    return await assignment_action(
        ctx,
        assignment_id,
        version,
        AssignmentAction.RETURN_FOR_REVISION,
        body,
        "draft_returned",
        comment=comment,
    )
