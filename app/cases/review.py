"""Who may act on an assignment: four eyes (app.domain.review) and the actions offered."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.core import clock
from app.db.tables import Draft
from app.domain.lifecycle import AssignmentAction, AssignmentState, available_actions
from app.domain.regulation.model import Duty
from app.domain.review import DraftVersion, ReviewRight, draft_authors, review_right
from app.domain.roles import Role
from app.identity.actor import ActorContext
from app.identity.organisations import OrganisationRules
from app.identity.staff import load_staff

REVIEW_ACTIONS = frozenset({AssignmentAction.APPROVE, AssignmentAction.RETURN_FOR_REVISION})


def versions_of(drafts: Iterable[Mapping[str, Any]]) -> list[DraftVersion]:
    """Draft rows (in number order) as the versions the rule reads."""
    return [DraftVersion(d["author"], d["state"] == "approved") for d in drafts]


async def approvers_today(rules: OrganisationRules) -> set[int]:
    """Everyone who carries the approving duty today, substitutes of the absent included."""
    staff = await load_staff(rules.id, clock.now().astimezone(rules.calendar.tz).date())
    return {p for role in rules.profile.roles_for(Duty.APPROVE) for p in staff.step_people(role)}


def right_to_review(
    ctx: ActorContext,
    rules: OrganisationRules,
    drafts: Iterable[Mapping[str, Any]],
    approvers: set[int],
) -> ReviewRight:
    """May this person review the draft made of these rows (the assignment's, in order)?"""
    return review_right(
        ctx.user_id,
        ctx.roles,
        rules.profile.roles_for(Duty.APPROVE),
        approvers,
        draft_authors(versions_of(drafts)),
    )


async def assignment_drafts(assignment_id: int) -> list[dict[str, Any]]:
    """The assignment's draft versions in order: who wrote each, and its state."""
    return list(
        await Draft.select(Draft.author, Draft.state)
        .where(Draft.assignment == assignment_id)
        .order_by(Draft.number)
    )


def reviewing_roles(ctx: ActorContext, rules: OrganisationRules) -> frozenset[Role]:
    """The roles of a person reviewing in the approver's stead: theirs and the approver's."""
    return ctx.roles | frozenset(rules.profile.roles_for(Duty.APPROVE))


# Executor actions are offered only on assignments of the executor's own departments.
_EXECUTOR_ACTIONS = {"submit_draft", "resubmit", "return_outside_competence"}


def assignment_actions(
    rules: OrganisationRules,
    ctx: ActorContext,
    row: dict[str, Any],
    drafts: list[dict[str, Any]],
    approvers: set[int],
) -> dict[str, Any]:
    """The actions this person may take on the assignment, and the four-eyes note."""
    state = AssignmentState(row["state"])
    roles, note = ctx.roles, ""
    if state is AssignmentState.DRAFT_SUBMITTED:
        right = right_to_review(ctx, rules, drafts, approvers)
        note = right.note_ru
        if right.in_stead:
            roles = reviewing_roles(ctx, rules)
        elif not right.allowed:
            roles = ctx.roles - frozenset(rules.profile.roles_for(Duty.APPROVE))
    actions = [
        str(a)
        for a in available_actions(state, roles, rules.profile)
        if str(a) not in _EXECUTOR_ACTIONS or row["department"] in ctx.department_ids
    ]
    return {"actions": actions, "review_note": note}
