"""Connected accounts: connect (check + store the sealed token), store what they bring,
publish through them. Passes over them are in `runtime.polling`, the worker's loops in
`runtime.loops`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from piccolo.columns import Column

from app.connectors.base import (
    LONGPOLL,
    MODES,
    WEBHOOK,
    ConnectedAccount,
    ConnectorError,
    Incoming,
    ThreadContext,
    WebhookConnector,
    reading_key_name,
    token_name,
)
from app.connectors.registry import connector_for
from app.connectors.webhooks import set_delivery, webhook_secret_name
from app.core import clock
from app.db.sealed import delete_secret, get_secret, put_secret
from app.db.tables import Message, Organisation, SocialAccount
from app.domain.intake import IncomingMessage, IntakeError, validate_incoming
from app.identity.organisations import OrganisationRules
from app.intake import messages
from app.journal.events import EventActor, record_event
from app.journal.live import publish_change

log = logging.getLogger("otklik.connectors")

CONNECTOR_ACTOR = EventActor(user_id=None, role="connector")

# What runs once a connector stored a message for the first time: (organisation id, message
# id). Connectors sit below the cases, so what a new message means for a case (the author's
# reply to a clarification) is registered from above: app.outbox.replies via the worker.
NewMessageHook = Callable[[int, int], Awaitable[object]]
_new_message_hooks: list[NewMessageHook] = []


def on_new_message(hook: NewMessageHook) -> None:
    """Run `hook` for every message a connector stores for the first time (once per hook)."""
    if hook not in _new_message_hooks:
        _new_message_hooks.append(hook)


async def _announce_new(organisation_id: int, message_id: int) -> None:
    for hook in _new_message_hooks:
        try:
            await hook(organisation_id, message_id)
        except Exception:  # the message is stored; a failing follow-up must not stop the poll
            log.exception("message %s: a new-message hook failed", message_id)


async def connect_account(
    organisation_id: int,
    network: str,
    external_id: str,
    token: str,
    api_base: str = "",
    mode: str = LONGPOLL,
    *,
    account_id: int | None = None,
    name: str = "",
) -> tuple[int, str]:
    """Check the account with the network, then store it; returns (account id, the name
    the network gave). Nothing is stored if the check fails.

    The row updated is `account_id` (an account of this organisation: the admin's form),
    else the one with the same network and id, else a new one. Its name is `name` if given,
    else the network's. Connecting ends a failure streak (the token is new).

    In webhook mode the network is then told (after the commit, so that it may call at once)
    to call `webhook_url` with the account's webhook secret; if it refuses, what was stored
    is undone. An account going back to long polling is unsubscribed. Connecting an official
    account in a network also adds the network to the organisation's accepted ones (an
    administrator's act, like enabling it on «Организация и график»)."""
    if mode not in MODES:
        raise ConnectorError(f"Режим «{mode}» не известен (есть: {', '.join(MODES)}).")
    connector = connector_for(network)
    if mode == WEBHOOK and not isinstance(connector, WebhookConnector):
        raise ConnectorError(
            f"Сеть «{network}» пока не принимает вебхуки: подключите её в режиме {LONGPOLL}."
        )
    probe = ConnectedAccount(0, organisation_id, network, external_id, api_base, token)
    checked_name = await connector.check(probe)
    async with SocialAccount._meta.db.transaction():
        same = (SocialAccount.organisation == organisation_id) & (
            (SocialAccount.id == account_id)
            if account_id is not None
            else (SocialAccount.network == network) & (SocialAccount.external_id == external_id)
        )
        existing = await SocialAccount.select().where(same).first()
        old_token = await get_secret(token_name(int(existing["id"]))) if existing else None
        values: dict[Column | str, Any] = {
            SocialAccount.network: network,
            SocialAccount.external_id: external_id,
            SocialAccount.name: (name or checked_name)[:200],
            SocialAccount.api_base: api_base,
            SocialAccount.mode: mode,
            SocialAccount.is_active: True,
            SocialAccount.paused: False,
            SocialAccount.last_error: "",
            SocialAccount.auth_failed_at: None,
        }
        if existing is not None:
            account_id = int(existing["id"])
            await SocialAccount.update(values).where(SocialAccount.id == account_id)
        else:
            row = SocialAccount(organisation=organisation_id)
            for column, value in values.items():
                setattr(row, column if isinstance(column, str) else column._meta.name, value)
            await row.save()
            account_id = int(row.id)
        await put_secret(token_name(account_id), token)
        added_network = await _accept_network(organisation_id, network)
    # After the commit: a network may call the new address at once (VK's confirmation).
    was_webhook = existing is not None and existing["mode"] == WEBHOOK
    try:
        await set_delivery(connector, replace(probe, id=account_id), mode, was_webhook)
    except ConnectorError:
        await _undo_connect(organisation_id, account_id, existing, old_token, added_network)
        raise
    return account_id, checked_name


# Networks whose connector reads with a second, optional key (VK: the app's service key reads
# the wall, which a community key may not — see app.connectors.vk).
READING_KEY_NETWORKS = ("vk",)


async def set_reading_key(account_id: int, network: str, key: str) -> None:
    """Store (sealed) the account's reading key; a network without one refuses it."""
    if network not in READING_KEY_NETWORKS:
        raise ConnectorError("Сервисный ключ нужен только для ВКонтакте.")
    key = key.strip()
    if not key or len(key) > 4096 or any(c.isspace() for c in key):
        raise ConnectorError("Сервисный ключ: одна строка без пробелов, до 4096 символов.")
    await put_secret(reading_key_name(account_id), key)


# What connecting changes of an existing row (and puts back if the network refuses).
CONNECT_COLUMNS = (
    "network",
    "external_id",
    "name",
    "api_base",
    "mode",
    "is_active",
    "paused",
    "last_error",
    "auth_failed_at",
)


async def _undo_connect(
    organisation_id: int,
    account_id: int,
    before: dict[str, Any] | None,
    old_token: str | None,
    added_network: str,
) -> None:
    """The network refused the (un)subscription: back to what was stored before."""
    async with SocialAccount._meta.db.transaction():
        if before is None:
            await SocialAccount.delete().where(SocialAccount.id == account_id)
            await delete_secret(token_name(account_id))
            await delete_secret(webhook_secret_name(account_id))
        else:
            await SocialAccount.update({c: before[c] for c in CONNECT_COLUMNS}).where(
                SocialAccount.id == account_id
            )
            if old_token:
                await put_secret(token_name(account_id), old_token)
        if added_network:
            await _accept_network(organisation_id, network=added_network, accept=False)


async def _accept_network(organisation_id: int, network: str, accept: bool = True) -> str:
    """Add the network to the organisation's accepted ones (or take it back); the network if
    that changed anything, else ""."""
    org = (
        await Organisation.select(Organisation.enabled_networks)
        .where(Organisation.id == organisation_id)
        .first()
    )
    enabled = list((org or {}).get("enabled_networks") or [])
    if (network in enabled) == accept:
        return ""
    changed = [*enabled, network] if accept else [n for n in enabled if n != network]
    await Organisation.update({Organisation.enabled_networks: changed}).where(
        Organisation.id == organisation_id
    )
    return network


async def account_from_row(row: dict[str, object]) -> ConnectedAccount:
    """The account as its connector sees it (the token opened), from its row."""
    token = await get_secret(token_name(int(str(row["id"])))) or ""
    return ConnectedAccount(
        id=int(str(row["id"])),
        organisation_id=int(str(row["organisation"])),
        network=str(row["network"]),
        external_id=str(row["external_id"]),
        api_base=str(row["api_base"] or ""),
        token=token,
        cursor=str(row["cursor"] or ""),
    )


async def connected_account(account_id: int) -> ConnectedAccount | None:
    """The account as its connector sees it (token included), or None."""
    row = await SocialAccount.select().where(SocialAccount.id == account_id).first()
    return None if row is None else await account_from_row(row)


async def store_item(account: ConnectedAccount, item: Incoming, rules: OrganisationRules) -> bool:
    """Store one item of the account (poll or webhook alike); False if it was refused or
    names nothing we hold. Idempotent: storing the same item twice changes nothing."""
    if item.kind == "delete":
        return await _mark_deleted(account, item)
    try:
        incoming = validate_incoming(
            item.raw, clock.now(), rules.accepted_networks, rules.networks_clause
        )
    except IntakeError as error:
        log.warning("account %s: item refused: %s", account.id, error.errors)
        return False
    message_id, created = await messages.intake_message(
        account.organisation_id, incoming, CONNECTOR_ACTOR
    )
    if message_id and account.id:  # new: the account it came through (0: none stored)
        await Message.update({Message.source_account: account.id}).where(
            (Message.id == message_id) & Message.source_account.is_null()
        )
    if item.thread is not None:
        await _store_thread(message_id, item.thread)
    if created:
        await _announce_new(account.organisation_id, message_id)
    return True


# Bounds of what a thread context may bring (texts come from strangers).
THREAD_TEXT_LIMIT = 2000
THREAD_EARLIER_LIMIT = 5


async def _store_thread(message_id: int, thread: ThreadContext) -> None:
    """The thread context, once (the first time the item is seen), bounded in size."""
    context = {
        "parent_text": thread.parent_text[:THREAD_TEXT_LIMIT],
        "parent_url": thread.parent_url[:1000],
        "earlier": [
            {"author": author[:300], "text": text[:THREAD_TEXT_LIMIT]}
            for author, text in thread.earlier[-THREAD_EARLIER_LIMIT:]
        ],
    }
    await Message.update({Message.thread_key: thread.key[:300], Message.thread: context}).where(
        (Message.id == message_id) & (Message.thread_key == "")
    )


async def _mark_deleted(account: ConnectedAccount, item: Incoming) -> bool:
    """The author deleted the item in the network: mark the message, keep what was stored."""
    key = IncomingMessage(
        network=account.network, text="", external_id=str(item.raw.get("external_id", ""))
    ).dedup_key()
    row = (
        await Message.select(Message.id, Message.deleted_in_network_at)
        .where((Message.organisation == account.organisation_id) & (Message.dedup_key == key))
        .first()
    )
    if row is None:
        return False
    if row["deleted_in_network_at"] is None:
        async with Message._meta.db.transaction():
            await Message.update({Message.deleted_in_network_at: clock.now()}).where(
                Message.id == row["id"]
            )
            await record_event(
                account.organisation_id,
                "message_deleted_in_network",
                CONNECTOR_ACTOR,
                message_id=int(row["id"]),
            )
        await publish_change(account.organisation_id, int(row["id"]), "message_deleted_in_network")
    return True


async def publish_reply(account_id: int, thread: str, text: str, key: str) -> tuple[str, str]:
    """Post a reply through the account's connector; (reply id, reply URL). `key` is stable
    for one answer, so a network that supports idempotency never posts it twice."""
    row = await SocialAccount.select().where(SocialAccount.id == account_id).first()
    if row is None:
        raise ConnectorError("Аккаунт не найден.")
    account = await account_from_row(row)
    if not account.token:
        raise ConnectorError("Аккаунт не подключён к сети (токен не задан): разместите вручную.")
    return await connector_for(account.network).publish(account, thread, text, key)
