"""Publication of an approved answer and the author's reply to a clarification (Penza p.14;
Parfino pp.10, 15)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.cases.assignments import assignment_action, latest_draft
from app.cases.drafting import close_pause
from app.cases.transaction import MAX_COMMENT, CaseError, Outcome
from app.connectors.publishing import connected_accounts
from app.core import clock
from app.db.json_columns import json_value
from app.db.rows import view_of
from app.db.tables import Assignment, Message, OutgoingReply, Publication, SocialAccount
from app.domain.intake import NETWORKS, normalise_url
from app.domain.lifecycle import (
    AssignmentAction,
    DraftKind,
    Transition,
)
from app.domain.networks import publication_link_problem
from app.domain.outbox import ACTIVE_STATES, RETRYABLE_STATES, OutgoingState, stalled
from app.identity.actor import ActorContext
from app.identity.organisations import OrganisationRules


async def publish(
    ctx: ActorContext,
    assignment_id: int,
    version: int,
    url: str,
    external_id: str = "",
    account_id: int | None = None,
) -> Outcome:
    """Record the approved text as posted in the network (Parfino p.15): its link, and the
    organisation's official account it was posted from (Penza p.5, Parfino p.4)."""
    try:
        clean_url = normalise_url(url)
    except ValueError as error:
        raise CaseError(str(error), "bad_url") from error
    external_id = external_id.strip()[:200]

    async def body(
        row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
    ) -> dict[Any, Any]:
        network = await check_publication_link(row["message"], clean_url)
        account = await official_account(ctx.organisation_id, network, account_id)
        draft = await latest_draft(row["id"])
        await take_over_from_network(draft["id"])
        return await record_publication(
            ctx, row, rules, now, draft, clean_url, external_id, account
        )

    return await assignment_action(
        ctx,
        assignment_id,
        version,
        AssignmentAction.PUBLISH,
        body,
        "published",
        kind_from_draft=True,
    )


async def record_publication(
    ctx: ActorContext,
    row: dict[str, Any],
    rules: OrganisationRules,
    now: datetime,
    draft: dict[str, Any],
    url: str,
    external_id: str,
    account: int | None,
) -> dict[Any, Any]:
    """The publication row, and the assignment's changes its kind brings (the manual
    «Опубликовано» and the network's confirmation of «Разместить через …» alike)."""
    await Publication(
        organisation=ctx.organisation_id,
        message=row["message"],
        assignment=row["id"],
        draft=draft["id"],
        kind=draft["kind"],
        url=url,
        external_id=external_id[:200],
        account=account,
        published_by=ctx.user_id,
        published_at=now,
    ).save()
    values: dict[Any, Any] = {}
    kind = DraftKind(draft["kind"])
    if kind is DraftKind.FINAL:
        values[Assignment.done_at] = now
    elif kind is DraftKind.INTERMEDIATE:
        values[Assignment.intermediate_published_at] = now
    elif rules.profile.clarification_pauses:
        pauses = json_value(row["pauses"])
        values[Assignment.pauses] = [*(pauses or []), {"start": now.isoformat(), "end": None}]
    return values


async def take_over_from_network(draft_id: int) -> None:
    """The manual «Опубликовано» replaces the draft's answer not yet posted through the
    network (queued, refused or given up: cancelled, in the same transaction, so the worker
    can no longer take it); one being posted this very moment refuses it."""
    waiting = [OutgoingState.QUEUED, *RETRYABLE_STATES]
    await OutgoingReply.update(
        {OutgoingReply.state: str(OutgoingState.CANCELLED), OutgoingReply.next_attempt_at: None}
    ).where(
        (OutgoingReply.draft == draft_id) & OutgoingReply.state.is_in([str(w) for w in waiting])
    )
    posting = await OutgoingReply.exists().where(
        (OutgoingReply.draft == draft_id) & (OutgoingReply.state == str(OutgoingState.POSTING))
    )
    if posting:
        raise CaseError(
            "Ответ сейчас размещается через сеть: дождитесь подтверждения или ошибки.", "sending"
        )


async def check_publication_link(message_id: int, url: str) -> str:
    """The answer is placed in the message's network, under the same post (Parfino p.15);
    the message's network."""
    message = await Message.select(Message.network, Message.url).where(Message.id == message_id)
    problem = publication_link_problem(message[0]["network"], message[0]["url"], url)
    if problem:
        raise CaseError(problem, "foreign_link")
    return str(message[0]["network"])


async def official_accounts(organisation_id: int, network: str) -> list[dict[str, Any]]:
    """The organisation's active official accounts in a network (Penza p.5, Parfino p.4)."""
    return await SocialAccount.select(SocialAccount.id, SocialAccount.name).where(
        (SocialAccount.organisation == organisation_id)
        & (SocialAccount.network == network)
        & SocialAccount.is_active.eq(True)
    )


async def official_account(organisation_id: int, network: str, chosen: int | None) -> int | None:
    """The official account the answer was posted from: the chosen one, the only one, or
    none when the organisation keeps no account in this network (the page says so)."""
    accounts = [a["id"] for a in await official_accounts(organisation_id, network)]
    if not accounts:
        return None
    if chosen is None and len(accounts) == 1:
        return accounts[0]
    if chosen not in accounts:
        raise CaseError(
            "Выберите официальный аккаунт организации, от имени которого размещён ответ.",
            "account_required",
        )
    return chosen


async def record_reply(
    ctx: ActorContext, assignment_id: int, version: int, reply: str = ""
) -> Outcome:
    """The author answered the clarification request: the answer clock resumes (Parfino p.10).
    The reply (or its gist) is required: the clock must not resume with nothing recorded."""
    reply = reply.strip()[:MAX_COMMENT]
    if not reply:
        raise CaseError(
            "Впишите ответ автора (или его суть): без него отметка об ответе не ставится.",
            "reply_required",
        )

    async def body(
        row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
    ) -> dict[Any, Any]:
        return {Assignment.pauses: close_pause(row["pauses"], now)}

    return await assignment_action(
        ctx,
        assignment_id,
        version,
        AssignmentAction.RECORD_REPLY,
        body,
        "reply_recorded",
        comment=reply,
    )


@dataclass(frozen=True)
class OutgoingView:
    """An answer on its way through a connector (app.outbox), as the case page shows it."""

    id: int
    message: int
    assignment: int
    account: int
    account_name: str
    network_title: str
    state: str
    next_attempt_at: datetime | None
    last_error: str
    reply_url: str
    stalled: bool = False  # queued long ago and not taken: the manual link is offered again

    @property
    def active(self) -> bool:
        """Queued or being posted: «Отправляется…»."""
        return self.state in ACTIVE_STATES

    @property
    def retryable(self) -> bool:
        """Refused, unconfirmed or given up: a person may press «Повторить»."""
        return self.state in RETRYABLE_STATES

    @property
    def shown(self) -> bool:
        """Worth a line on the case page (a posted one is shown as its publication, unless
        its record failed; a cancelled one not at all)."""
        if self.state == OutgoingState.POSTED:
            return bool(self.last_error)
        return self.state != OutgoingState.CANCELLED


@dataclass(frozen=True)
class NetworkPublishing:
    """The publish step's network part: the account an answer can go through, and the
    answers already on their way."""

    account: dict[str, Any] | None
    outgoing: list[OutgoingView]

    def of(self, assignment_id: int) -> list[OutgoingView]:
        """The assignment's outgoing answers worth showing."""
        return [o for o in self.outgoing if o.assignment == assignment_id and o.shown]

    def sending(self, assignment_id: int) -> bool:
        """An answer of the assignment is on its way: no second button, no manual link
        (unless the queue does not move)."""
        return any(o.active and not o.stalled for o in self.of(assignment_id))


async def network_account(organisation_id: int, message: dict[str, Any]) -> dict[str, Any] | None:
    """The account (id, name) an answer to the message can be posted through: the official
    account it came through (Penza p.5, Parfino p.4), while it is connected and its network
    posts replies; None when the answer is placed by hand."""
    if not message["external_id"] or message["source_account"] is None:
        return None
    accounts = await connected_accounts(organisation_id, message["network"])
    return next((a for a in accounts if a["id"] == message["source_account"]), None)


async def network_publishing(organisation_id: int, message_id: int) -> NetworkPublishing:
    """What the case's publish step offers and shows about posting through a connector."""
    message = (
        await Message.select(Message.network, Message.external_id, Message.source_account)
        .where((Message.id == message_id) & (Message.organisation == organisation_id))
        .first()
    )
    if message is None:
        return NetworkPublishing(None, [])
    o = OutgoingReply
    rows = (
        await o.select(
            o.id,
            o.message,
            o.assignment,
            o.account,
            o.account.name.as_alias("account_name"),
            o.account.network.as_alias("network"),
            o.state,
            o.next_attempt_at,
            o.last_error,
            o.reply_url,
        )
        .where((o.message == message_id) & (o.organisation == organisation_id))
        .order_by(o.id)
    )
    now = clock.now()
    outgoing = [
        view_of(
            OutgoingView,
            r,
            network_title=NETWORKS.get(r["network"], r["network"]),
            stalled=stalled(r["state"], r["next_attempt_at"], now),
        )
        for r in rows
    ]
    return NetworkPublishing(await network_account(organisation_id, message), outgoing)
