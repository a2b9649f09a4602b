"""Webhook mode: the account's secret and address, and telling the network to call them.

The network calls `POST /hooks/<account id>` (app.connectors.hooks) with the secret it was
given; what it brings waits in the inbox for the worker (app.connectors.inbox).
"""

from __future__ import annotations

import secrets

from app.connectors.base import WEBHOOK, ConnectedAccount, Connector, WebhookConnector
from app.core.config import get_settings
from app.db.sealed import get_secret, put_secret


def webhook_secret_name(account_id: int) -> str:
    """The stored secret the network sends back with every webhook call of an account."""
    return f"network/{account_id}/webhook_secret"


async def webhook_secret(account_id: int) -> str:
    """The account's webhook secret, created the first time it is asked for (40 hex
    characters: what every network's secret field accepts)."""
    name = webhook_secret_name(account_id)
    secret = await get_secret(name)
    if not secret:
        secret = secrets.token_hex(20)
        await put_secret(name, secret)
    return secret


def webhook_url(account_id: int) -> str:
    """The address a network calls for this account (OTKLIK_PUBLIC_URL, else BASE_URL)."""
    return f"{get_settings().public_url}/hooks/{account_id}"


async def set_delivery(
    connector: Connector, account: ConnectedAccount, mode: str, was_webhook: bool
) -> None:
    """Subscribe a webhook-mode account; unsubscribe one going back to long polling (if the
    connector has `unsubscribe`)."""
    if mode == WEBHOOK and isinstance(connector, WebhookConnector):
        secret = await webhook_secret(account.id)
        await connector.subscribe(account, webhook_url(account.id), secret)
    elif was_webhook and (unsubscribe := getattr(connector, "unsubscribe", None)):
        await unsubscribe(account)
