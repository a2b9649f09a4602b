"""The transaction of an assignment action, and the message's follow-up once all are closed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from app.cases.review import (
    REVIEW_ACTIONS,
    approvers_today,
    assignment_drafts,
    reviewing_roles,
    right_to_review,
)
from app.cases.transaction import CaseError, Outcome, apply_rule, event_actor, in_transaction, stale
from app.core import clock
from app.db.tables import Assignment, Draft, Message
from app.deadlines.refresh import refresh_deadlines
from app.domain.lifecycle import (
    AssignmentAction,
    AssignmentState,
    DraftKind,
    MessageState,
    Transition,
    apply,
    follow_up,
)
from app.domain.review import IN_STEAD_RU
from app.domain.roles import Role
from app.identity.actor import ActorContext
from app.identity.organisations import OrganisationRules, organisation_rules
from app.journal.events import EventActor, record_event


async def assignment_action(
    ctx: ActorContext,
    assignment_id: int,
    version: int,
    action: AssignmentAction,
    body: Callable[
        [dict[str, Any], OrganisationRules, Transition, datetime], Awaitable[dict[Any, Any]]
    ],
    event_kind: str,
    kind: DraftKind | None = None,
    comment: str = "",
    kind_from_draft: bool = False,
    keep_state: bool = False,
) -> Outcome:
    """Check the person's right and the state for `action`, run `body` and move the state, in
    one transaction. `keep_state`: the action is checked and logged (and the version moves),
    but the state stays — it moves later, when what the action started is confirmed (an
    answer queued for the network is published when the network confirms it)."""
    rules = await organisation_rules(ctx.organisation_id)

    async def work() -> Outcome:
        row = (
            await Assignment.select()
            .where(
                (Assignment.id == assignment_id) & (Assignment.organisation == ctx.organisation_id)
            )
            .first()
        )
        if row is None:
            raise CaseError("Поручение не найдено.", "not_found")
        if row["version"] != version:
            raise stale()
        draft_kind = kind
        if kind_from_draft:
            draft_kind = DraftKind(await latest_draft_kind(assignment_id))
        acting, in_stead = ctx, False
        if action in REVIEW_ACTIONS:
            drafts = await assignment_drafts(assignment_id)
            right = right_to_review(ctx, rules, drafts, await approvers_today(rules))
            if right.note_ru and not right.allowed:
                raise CaseError(right.note_ru, "four_eyes")
            in_stead = right.in_stead
            if in_stead:
                acting = replace(ctx, roles=reviewing_roles(ctx, rules))
        transition = apply_rule(
            AssignmentState(row["state"]), action, acting, rules, kind=draft_kind
        )
        if transition.role is Role.EXECUTOR and row["department"] not in ctx.department_ids:
            raise CaseError("Поручение адресовано другому подразделению.", "other_department")
        now = clock.now()
        changes = await body(row, rules, transition, now)
        target = row["state"] if keep_state else str(transition.target)
        updated = (
            await Assignment.update(
                {**changes, Assignment.state: target, Assignment.version: version + 1}
            )
            .where((Assignment.id == assignment_id) & (Assignment.version == version))
            .returning(Assignment.id)
        )
        if not updated:
            raise stale()
        after = {"state": target}
        if draft_kind is not None:
            after["kind"] = str(draft_kind)
        actor, logged_comment = event_actor(ctx, transition, row["department"]), comment
        if in_stead:  # the log says who reviewed, and that it was in the approver's stead
            actor = EventActor(ctx.user_id, str(Role.OFFICIAL), ctx.substitute_for(Role.OFFICIAL))
            logged_comment = f"{comment} ({IN_STEAD_RU})".strip()
        await record_event(
            ctx.organisation_id,
            event_kind,
            actor,
            message_id=row["message"],
            assignment_id=assignment_id,
            before={"state": row["state"]},
            after=after,
            comment=logged_comment,
        )
        if not keep_state:
            await follow_up_message(ctx, rules, row["message"])
            await refresh_deadlines(rules, row["message"])
        return Outcome(row["message"], assignment_id, target, event_kind)

    return await in_transaction(work, ctx.organisation_id)


async def follow_up_message(ctx: ActorContext, rules: OrganisationRules, message_id: int) -> None:
    """System transition of the message once its assignments are all returned or done."""
    message = (
        await Message.select(Message.state, Message.version).where(Message.id == message_id).first()
    )
    assert message is not None
    states = [
        AssignmentState(r["state"])
        for r in await Assignment.select(Assignment.state).where(Assignment.message == message_id)
    ]
    action = follow_up(MessageState(message["state"]), states)
    if action is None:
        return
    transition = apply(MessageState(message["state"]), action, None, rules.profile)
    await Message.update(
        {Message.state: str(transition.target), Message.version: message["version"] + 1}
    ).where(Message.id == message_id)
    await record_event(
        ctx.organisation_id,
        f"message_{action}",
        EventActor.system(),
        message_id=message_id,
        before={"state": message["state"]},
        after={"state": str(transition.target)},
    )


async def latest_draft(assignment_id: int) -> dict[str, Any]:
    draft = (
        await Draft.select()
        .where(Draft.assignment == assignment_id)
        .order_by(Draft.number, ascending=False)
        .first()
    )
    if draft is None:
        raise CaseError("У поручения нет проекта ответа.", "no_draft")
    return draft


async def latest_draft_kind(assignment_id: int) -> str:
    return str((await latest_draft(assignment_id))["kind"])
