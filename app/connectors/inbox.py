"""The webhook inbox: the web puts what a network called with here, the worker stores it.

The web answers the network fast and stores nothing but inbox rows (`receive_webhook`): one
row per (account, event key), so a network repeating a call (VK until it hears "ok",
Telegram until a 2xx) adds nothing. The worker (`process_inbox`, enqueued by the web and
swept every minute) takes pending rows with FOR UPDATE SKIP LOCKED, so several workers
never store one row twice at once, hands each to `accounts.store_item`, and marks it
processed; a failure leaves the row for the next attempt with its error. A crash between
storing and marking re-stores the item, which intake's idempotency makes harmless.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timedelta
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from app.connectors.accounts import connected_account, store_item
from app.connectors.base import (
    WEBHOOK,
    ConnectorError,
    Incoming,
    ThreadContext,
    WebhookConnector,
    WebhookReply,
)
from app.connectors.registry import CONNECTORS
from app.connectors.webhooks import webhook_secret_name
from app.core import clock
from app.db.json_columns import json_value
from app.db.sealed import get_secret
from app.db.tables import NetworkEvent, SocialAccount
from app.identity.organisations import OrganisationRules, organisation_rules

log = logging.getLogger("otklik.connectors")

# A row failing this many times waits for a person (its error is on the account).
MAX_ATTEMPTS = 10
# Processed rows are kept this long: longer than any network repeats a call.
KEEP_PROCESSED = timedelta(days=14)
MAX_EVENT_KEY = 200
STORE_FAILED = "Сбой при сохранении сообщения из вебхука; повторим через минуту."


def incoming_to_json(item: Incoming) -> dict[str, Any]:
    """An item as the inbox keeps it (JSON); `incoming_from_json` gives it back."""
    thread = item.thread
    return {
        "raw": item.raw,
        "cursor_after": item.cursor_after,
        "kind": item.kind,
        "thread": None
        if thread is None
        else {
            "key": thread.key,
            "parent_text": thread.parent_text,
            "parent_url": thread.parent_url,
            "earlier": [list(pair) for pair in thread.earlier],
        },
    }


def incoming_from_json(data: dict[str, Any]) -> Incoming:
    """The item `incoming_to_json` wrote."""
    thread = data.get("thread")
    return Incoming(
        raw=dict(data["raw"]),
        cursor_after=str(data.get("cursor_after", "")),
        kind=data.get("kind", "message"),
        thread=None
        if thread is None
        else ThreadContext(
            key=str(thread.get("key", "")),
            parent_text=str(thread.get("parent_text", "")),
            parent_url=str(thread.get("parent_url", "")),
            earlier=tuple((str(a), str(t)) for a, t in thread.get("earlier", [])),
        ),
    )


async def receive_webhook(
    account_id: int, headers: dict[str, str], body: bytes
) -> tuple[WebhookReply, int] | None:
    """A network's call for an account: the connector checks it, its items go to the inbox.
    Returns the reply and how many rows are new, or None when the account is unknown,
    inactive, paused, not in webhook mode, or its network has no webhooks (404)."""
    row = (
        await SocialAccount.select(SocialAccount.id, SocialAccount.network)
        .where(
            (SocialAccount.id == account_id)
            & (SocialAccount.is_active == True)  # noqa: E712 (a SQL expression)
            & (SocialAccount.paused == False)  # noqa: E712
            & (SocialAccount.mode == WEBHOOK)
        )
        .first()
    )
    connector = CONNECTORS.get(str(row["network"])) if row else None
    if not isinstance(connector, WebhookConnector):
        return None
    secret = await get_secret(webhook_secret_name(account_id))
    account = await connected_account(account_id)
    if not secret or account is None:
        return None
    try:
        reply = await connector.receive(account, headers, body, secret)
    except ConnectorError:
        return WebhookReply(400, ""), 0
    return reply, await _put(account_id, reply.items)


def event_key(item: Incoming) -> str:
    """The inbox's key of an item: the network's event id, and a digest of the item itself
    (a network without event ids, such as MAX, still gets one row per distinct update)."""
    data = json.dumps(incoming_to_json(item), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(data.encode()).hexdigest()[:32]
    return f"{item.cursor_after[: MAX_EVENT_KEY - 33]}:{digest}"


async def _put(account_id: int, items: list[Incoming]) -> int:
    """Insert the items not seen before; how many were new."""
    fresh = 0
    for item in items:
        inserted = (
            await NetworkEvent.insert(
                NetworkEvent(
                    account=account_id,
                    event_key=event_key(item),
                    kind=item.kind,
                    payload=incoming_to_json(item),
                    received_at=clock.now(),
                )
            )
            .on_conflict(target=(NetworkEvent.account, NetworkEvent.event_key), action="DO NOTHING")
            .returning(NetworkEvent.id)
        )
        fresh += len(inserted)
    return fresh


PENDING = """
    SELECT id, account, payload FROM network_event
    WHERE processed_at IS NULL AND attempts < $1 AND id > $2
      AND ($3::integer IS NULL OR account = $3)
    ORDER BY id LIMIT 1
    FOR UPDATE SKIP LOCKED
"""


async def process_inbox(account_id: int | None = None, limit: int = 500) -> int:
    """Store the pending rows (of one account, or of all), oldest first; how many items were
    stored. Each row is locked while it is stored; rows another worker holds are skipped."""
    engine = NetworkEvent._meta.db
    assert isinstance(engine, PostgresEngine)  # row locks need a connection of our own
    conn = await engine.get_new_connection()
    stored = 0
    last_id = 0
    rules: dict[int, OrganisationRules] = {}
    try:
        for _ in range(limit):
            async with conn.transaction():
                row = await conn.fetchrow(PENDING, MAX_ATTEMPTS, last_id, account_id)
                if row is None:
                    break
                last_id = int(row["id"])
                error = await _store(int(row["account"]), json_value(row["payload"]), rules)
                now = clock.now()
                await conn.execute(
                    "UPDATE network_event SET attempts = attempts + 1, last_error = $2, "
                    "processed_at = CASE WHEN $2 = '' THEN $3::timestamptz END WHERE id = $1",
                    last_id,
                    error,
                    now,
                )
                await _account_health(int(row["account"]), error, now)
                stored += 0 if error else 1
    finally:
        await conn.close()
    return stored


async def _store(
    account_id: int, payload: dict[str, Any], rules: dict[int, OrganisationRules]
) -> str:
    """Store one row's item; the error in Russian, or "" when it is done (stored, or
    refused by intake for good)."""
    try:
        account = await connected_account(account_id)
        if account is None:
            return "Аккаунт не найден."
        if account.organisation_id not in rules:
            rules[account.organisation_id] = await organisation_rules(account.organisation_id)
        await store_item(account, incoming_from_json(payload), rules[account.organisation_id])
    except Exception:  # ours (the database, a bug): the row waits for the next attempt
        log.exception("account %s: storing an inbox row failed", account_id)
        return STORE_FAILED
    return ""


async def _account_health(account_id: int, error: str, at: datetime) -> None:
    values: dict[Any, Any] = {SocialAccount.last_error: error}
    if not error:
        values[SocialAccount.last_event_at] = at
    await SocialAccount.update(values).where(SocialAccount.id == account_id)


async def prune_inbox() -> int:
    """Forget rows processed long ago (no network repeats a call that late)."""
    deleted = (
        await NetworkEvent.delete()
        .where(NetworkEvent.processed_at < clock.now() - KEEP_PROCESSED)
        .returning(NetworkEvent.id)
    )
    return len(deleted)
