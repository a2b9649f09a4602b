"""«Разместить через …»: queue the approved answer, then post it and record the publication.

The press is checked as «Опубликовано» is (the person's duty, the assignment's state and
version, the organisation) and logged, but the state stays: the publication is recorded —
and the publication step's clock (Parfino p.15) stops — only when the network confirms, by
the same service as the manual link (`app.cases.publication.record_publication`), in one
transaction with the outbox row's `posted`. A post whose record then fails is therefore
never posted again: the row is `posted` before the case is touched, or both happen at once.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from app.cases.assignments import assignment_action, latest_draft
from app.cases.publication import network_account, record_publication
from app.cases.transaction import CaseError
from app.connectors.accounts import publish_reply
from app.connectors.base import ConnectorError
from app.connectors.publishing import publish_is_idempotent
from app.core import clock
from app.db.tables import Assignment, Draft, Message, SocialAccount
from app.domain.lifecycle import AssignmentAction, AssignmentState, Transition
from app.identity.actor import ActorContext
from app.identity.organisations import OrganisationRules, organisation_rules
from app.identity.substitutes import actor_context
from app.journal.live import publish_change
from app.outbox import queue

log = logging.getLogger("otklik.outbox")

NOT_CONNECTED_RU = (
    "Сообщение пришло не через подключённый аккаунт организации: разместите ответ вручную "
    "и укажите ссылку на него."
)
SUPERSEDED_RU = "Ответ больше не ждёт размещения: его отметили вручную или дело изменилось."
# A record refused only because someone changed the assignment meanwhile is tried again.
RECORD_TRIES = 3


async def publish_through_network(
    ctx: ActorContext, assignment_id: int, version: int, account_id: int | None = None
) -> int:
    """Queue the approved answer for the connected account the message came through; the
    outgoing reply's id. Refused like «Опубликовано» (rights, state, version), and when the
    message did not come through an account that is connected now (or not `account_id`)."""
    queued: list[int] = []

    async def body(
        row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
    ) -> dict[Any, Any]:
        message = (
            await Message.select(Message.network, Message.external_id, Message.source_account)
            .where(Message.id == row["message"])
            .first()
        )
        assert message is not None
        account = await network_account(rules.id, message)
        if account is None or account_id not in (None, account["id"]):
            raise CaseError(NOT_CONNECTED_RU, "no_connector")
        draft = await latest_draft(row["id"])
        queued.append(
            await queue.enqueue(draft, row, account["id"], message["external_id"], ctx.user_id, now)
        )
        return {}

    await assignment_action(
        ctx,
        assignment_id,
        version,
        AssignmentAction.PUBLISH,
        body,
        "publication_queued",
        kind_from_draft=True,
        keep_state=True,
    )
    return queued[0]


async def deliver(outgoing_id: int) -> str:
    """One attempt of a due reply: post it and record the publication. The outcome, for
    logs and tests: not_due, cancelled, posted, unrecorded, refused, unknown."""
    row = await queue.claim(outgoing_id, clock.now())
    if row is None:
        return "not_due"  # another worker took it, or it is not due
    if not await _still_awaited(row):
        await queue.cancel(row["id"], SUPERSEDED_RU)
        return "cancelled"
    try:
        reply_id, url = await publish_reply(row["account"], row["thread"], row["text"], row["key"])
    except ConnectorError as error:
        network = await _network(row["account"])
        if error.maybe_sent and not publish_is_idempotent(network):
            await queue.unknown_outcome(row["id"], error.message_ru)
            outcome = "unknown"
        else:
            await queue.refused(
                row["id"], error.message_ru, row["attempts"], clock.now(), error.retry_after
            )
            outcome = "refused"
        log.info("outgoing reply %s: %s (%s)", row["id"], outcome, error.message_ru)
        await publish_change(row["organisation"], row["message"], "publication_failed")
        return outcome
    # Anything else (a failure of ours after the call) leaves it `posting`: the outbox's
    # minute pass treats it as an attempt of unknown outcome.
    return await _confirm(row, reply_id, url)


async def _still_awaited(row: dict[str, Any]) -> bool:
    """The assignment still waits for this very answer to be published."""
    assignment = (
        await Assignment.select(Assignment.state).where(Assignment.id == row["assignment"]).first()
    )
    if assignment is None or assignment["state"] != AssignmentState.APPROVED:
        return False
    latest = await latest_draft(row["assignment"])
    return int(latest["id"]) == int(row["draft"])


async def _network(account_id: int) -> str:
    account = (
        await SocialAccount.select(SocialAccount.network)
        .where(SocialAccount.id == account_id)
        .first()
    )
    return str(account["network"]) if account else ""


async def _confirm(row: dict[str, Any], reply_id: str, url: str) -> str:
    """The network posted it: `posted` and the publication, in one transaction, on behalf
    of who pressed the button (their duties on the day they pressed it)."""
    rules = await organisation_rules(row["organisation"])
    draft = await Draft.select().where(Draft.id == row["draft"]).first()
    assert draft is not None
    refusal = "не известно, кто нажал «Разместить»."
    if row["requested_by"] is not None:
        day = row["requested_at"].astimezone(rules.calendar.tz).date()
        ctx = await actor_context(row["requested_by"], rules.id, day)

        async def body(
            a_row: dict[str, Any], rules: OrganisationRules, t: Transition, now: datetime
        ) -> dict[Any, Any]:
            if not await queue.mark_posted(row["id"], reply_id, url, now):
                raise CaseError("Отправка ответа изменена другим процессом.", "outbox_moved")
            return await record_publication(
                ctx, a_row, rules, now, draft, url, reply_id, row["account"]
            )

        for _ in range(RECORD_TRIES):
            version = await _version(row["assignment"])
            try:
                await assignment_action(
                    ctx,
                    row["assignment"],
                    version,
                    AssignmentAction.PUBLISH,
                    body,
                    "published",
                    kind_from_draft=True,
                )
                return "posted"
            except CaseError as error:
                refusal = error.message_ru
                if error.code != "stale":
                    break
    note = (
        f"Ответ размещён в сети, но не отмечен в Отклике: {refusal} "
        "Отметьте размещение вручную по ссылке на ответ."
    )
    if not await queue.mark_posted(row["id"], reply_id, url, clock.now(), note):
        await queue.note_posted(row["id"], note)
    await publish_change(row["organisation"], row["message"], "publication_unrecorded")
    return "unrecorded"


async def _version(assignment_id: int) -> int:
    row = await Assignment.select(Assignment.version).where(Assignment.id == assignment_id).first()
    return int(row["version"]) if row else 0
