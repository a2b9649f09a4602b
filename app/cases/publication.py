"""Publication of an approved answer and the author's reply to a clarification (Penza p.14;
Parfino pp.10, 15)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.cases.assignments import assignment_action, latest_draft
from app.cases.drafting import close_pause
from app.cases.transaction import MAX_COMMENT, CaseError, Outcome
from app.connectors.accounts import publish_reply
from app.connectors.base import ConnectorError
from app.db.json_columns import json_value
from app.db.tables import Assignment, Message, Publication, SocialAccount
from app.domain.intake import normalise_url
from app.domain.lifecycle import (
    AssignmentAction,
    DraftKind,
    Transition,
)
from app.domain.networks import publication_link_problem
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
        return await _record(ctx, row, rules, now, draft, clean_url, external_id, account)

    return await assignment_action(
        ctx,
        assignment_id,
        version,
        AssignmentAction.PUBLISH,
        body,
        "published",
        kind_from_draft=True,
    )


async def publish_through_network(
    ctx: ActorContext, assignment_id: int, version: int, account_id: int | None = None
) -> Outcome:
    """«Разместить» through the connected official account (issue #14): the approved text is
    posted into the citizen's thread, and the network's id and link of the reply recorded.

    The post is made inside the transaction, after the rights and the state are checked, so a
    refused action posts nothing and a refused post records nothing."""

    async def body(
        row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
    ) -> dict[Any, Any]:
        message = (
            await Message.select(Message.network, Message.external_id)
            .where(Message.id == row["message"])
            .first()
        )
        assert message is not None
        account = await official_account(ctx.organisation_id, message["network"], account_id)
        if account is None or not message["external_id"]:
            raise CaseError(
                "Сообщение пришло не через подключённый аккаунт: разместите ответ вручную "
                "и укажите ссылку на него.",
                "no_connector",
            )
        draft = await latest_draft(row["id"])
        try:
            reply_id, url = await publish_reply(
                account, message["external_id"], draft["text"], f"otklik-draft-{draft['id']}"
            )
        except ConnectorError as error:
            raise CaseError(error.message_ru, "network_refused") from error
        return await _record(ctx, row, rules, now, draft, url, reply_id, account)

    return await assignment_action(
        ctx,
        assignment_id,
        version,
        AssignmentAction.PUBLISH,
        body,
        "published",
        kind_from_draft=True,
    )


async def _record(
    ctx: ActorContext,
    row: dict[str, Any],
    rules: OrganisationRules,
    now: datetime,
    draft: dict[str, Any],
    url: str,
    external_id: str,
    account: int | None,
) -> dict[Any, Any]:
    """The publication row, and the assignment's changes its kind brings."""
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
    """The author answered the clarification request: the answer clock resumes (Parfino p.10)."""
    reply = reply.strip()[:MAX_COMMENT]

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
