"""What the connector tests read back: an organisation's messages, an account's row."""

from __future__ import annotations

from typing import Any

from app.db.tables import Message, SocialAccount


async def messages_of(org_id: int) -> list[dict[str, Any]]:
    """The organisation's messages in the order they were stored."""
    return await Message.select().where(Message.organisation == org_id).order_by(Message.id)


async def account_row(account_id: int) -> dict[str, Any]:
    """The connected account as stored."""
    row = await SocialAccount.select().where(SocialAccount.id == account_id).first()
    assert row is not None
    return row
