"""What the connector tests share: an organisation's messages, an account's row, an
approved case to publish through the network."""

from __future__ import annotations

from typing import Any

from app.cases import actions as cases
from app.db.tables import Message, SocialAccount
from app.domain.lifecycle import DraftKind
from app.outbox import sending
from tests.integration.cases_helpers import person
from tests.integration.services_helpers import routed_case, version_of


async def messages_of(org_id: int) -> list[dict[str, Any]]:
    """The organisation's messages in the order they were stored."""
    return await Message.select().where(Message.organisation == org_id).order_by(Message.id)


async def account_row(account_id: int) -> dict[str, Any]:
    """The connected account as stored."""
    row = await SocialAccount.select().where(SocialAccount.id == account_id).first()
    assert row is not None
    return row


async def came_through_account(message_id: int) -> None:
    """Mark a message made by intake as come through its organisation's connected account
    in its network, as a connector's poll marks it."""
    row = await Message.select(Message.organisation, Message.network).where(
        Message.id == message_id
    )
    account = (
        await SocialAccount.select(SocialAccount.id)
        .where(
            (SocialAccount.organisation == row[0]["organisation"])
            & (SocialAccount.network == row[0]["network"])
        )
        .first()
    )
    assert account is not None, "connect the account first"
    await Message.update({Message.source_account: account["id"]}).where(Message.id == message_id)


async def approved_case(network: str, external_id: str) -> int:
    """A Penza case about a citizen's item in the network («Когда вывезут мусор?») whose
    final answer «Вывезут завтра.» the specialist approved; its assignment id."""
    message_id, assignment_id = await routed_case(
        "penza", "Когда вывезут мусор?", network=network, external_id=external_id
    )
    await came_through_account(message_id)
    executor = await person("penza-executor", "penza")
    specialist = await person("penza-specialist", "penza")
    await cases.submit_draft(executor, assignment_id, 1, DraftKind.FINAL, "Вывезут завтра.")
    await cases.approve(specialist, assignment_id, await version_of(assignment_id))
    return assignment_id


async def publish_through_network(assignment_id: int) -> str:
    """«Разместить через …» pressed by the specialist, then the worker's attempt; its outcome
    ("posted" once the network confirmed and the publication is recorded)."""
    specialist = await person("penza-specialist", "penza")
    outgoing_id = await sending.publish_through_network(
        specialist, assignment_id, await version_of(assignment_id)
    )
    return await sending.deliver(outgoing_id)
