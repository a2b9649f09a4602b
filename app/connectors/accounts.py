"""Connected accounts: connect (check + store the sealed token), poll, health.

Crash-safe intake: items are stored one by one in network order, and the account's cursor
moves to an item's `cursor_after` only once that item is stored. A pass that fails half way
keeps what it stored and the next pass fetches the rest; a crash between storing an item and
moving the cursor re-reads that item, which intake's idempotency (network + external id)
turns into no duplicate.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.columns import Column

from app.connectors.base import ConnectedAccount, ConnectorError
from app.connectors.registry import connector_for
from app.core import clock
from app.db.sealed import get_secret, put_secret
from app.db.tables import Organisation, SocialAccount
from app.domain.intake import IntakeError, validate_incoming
from app.identity.organisations import organisation_rules
from app.intake import messages
from app.journal.events import EventActor

log = logging.getLogger("otklik.connectors")

CONNECTOR_ACTOR = EventActor(user_id=None, role="connector")


def token_name(account_id: int) -> str:
    """The stored secret holding an account's access token."""
    return f"network/{account_id}/token"


@dataclass(frozen=True)
class PollResult:
    """What one pass over one account did."""

    account_id: int
    stored: int = 0
    skipped: int = 0
    error: str = ""


async def connect_account(
    organisation_id: int, network: str, external_id: str, token: str, api_base: str = ""
) -> tuple[int, str]:
    """Check the account with the network, then store it (or update the same one); returns
    (account id, the name the network gave). Nothing is stored if the check fails.

    Connecting an official account in a network also adds the network to the organisation's
    accepted ones (an administrator's act, like enabling it on «Организация и график»)."""
    connector = connector_for(network)
    probe = ConnectedAccount(0, organisation_id, network, external_id, api_base, token)
    name = await connector.check(probe)
    async with SocialAccount._meta.db.transaction():
        existing = (
            await SocialAccount.select(SocialAccount.id)
            .where(
                (SocialAccount.organisation == organisation_id)
                & (SocialAccount.network == network)
                & (SocialAccount.external_id == external_id)
            )
            .first()
        )
        values: dict[Column | str, Any] = {
            SocialAccount.name: name[:200],
            SocialAccount.api_base: api_base,
            SocialAccount.is_active: True,
            SocialAccount.paused: False,
            SocialAccount.last_error: "",
        }
        if existing is not None:
            account_id = int(existing["id"])
            await SocialAccount.update(values).where(SocialAccount.id == account_id)
        else:
            row = SocialAccount(
                organisation=organisation_id, network=network, external_id=external_id
            )
            for column, value in values.items():
                setattr(row, column if isinstance(column, str) else column._meta.name, value)
            await row.save()
            account_id = int(row.id)
        await put_secret(token_name(account_id), token)
        await _accept_network(organisation_id, network)
    return account_id, name


async def _accept_network(organisation_id: int, network: str) -> None:
    org = (
        await Organisation.select(Organisation.enabled_networks)
        .where(Organisation.id == organisation_id)
        .first()
    )
    enabled = list((org or {}).get("enabled_networks") or [])
    if network not in enabled:
        await Organisation.update({Organisation.enabled_networks: [*enabled, network]}).where(
            Organisation.id == organisation_id
        )


async def _account(row: dict[str, object]) -> ConnectedAccount:
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


async def poll_account(account_id: int) -> PollResult:
    """One pass over one account: fetch, store item by item, move the cursor."""
    row = await SocialAccount.select().where(SocialAccount.id == account_id).first()
    if row is None:
        return PollResult(account_id, error="Аккаунт не найден.")
    account = await _account(row)
    if not account.token:
        return await _failed(account_id, "Токен не задан: подключите аккаунт заново.")
    stored = skipped = 0
    try:
        fetched = await connector_for(account.network).fetch(account, account.cursor)
        rules = await organisation_rules(account.organisation_id)
        for item in fetched.items:
            try:
                incoming = validate_incoming(
                    item.raw, clock.now(), rules.accepted_networks, rules.networks_clause
                )
            except IntakeError as error:
                log.warning("account %s: item refused: %s", account_id, error.errors)
                skipped += 1
            else:
                await messages.intake_message(account.organisation_id, incoming, CONNECTOR_ACTOR)
                stored += 1
            await _move_cursor(account_id, item.cursor_after, clock.now())
        await SocialAccount.update(
            {SocialAccount.cursor: fetched.cursor, SocialAccount.last_error: ""}
        ).where(SocialAccount.id == account_id)
    except ConnectorError as error:
        return await _failed(account_id, error.message_ru, stored, skipped)
    except Exception:  # a failure of ours (the database): the next pass goes on from the cursor
        log.exception("account %s: poll failed", account_id)
        return await _failed(
            account_id, "Сбой при сохранении сообщений; повторим при следующем опросе.", stored
        )
    return PollResult(account_id, stored, skipped)


async def _move_cursor(account_id: int, cursor: str, at: datetime) -> None:
    await SocialAccount.update(
        {SocialAccount.cursor: cursor, SocialAccount.last_event_at: at}
    ).where(SocialAccount.id == account_id)


async def _failed(account_id: int, error: str, stored: int = 0, skipped: int = 0) -> PollResult:
    await SocialAccount.update({SocialAccount.last_error: error}).where(
        SocialAccount.id == account_id
    )
    return PollResult(account_id, stored, skipped, error)


async def poll_all() -> list[PollResult]:
    """One pass over every active, unpaused account of a network that has a connector."""
    from app.connectors.registry import CONNECTORS

    rows = (
        await SocialAccount.select(SocialAccount.id)
        .where(
            (SocialAccount.is_active == True)  # noqa: E712 (a SQL expression)
            & (SocialAccount.paused == False)  # noqa: E712
            & SocialAccount.network.is_in(list(CONNECTORS))
        )
        .order_by(SocialAccount.id)
    )
    return [await poll_account(int(r["id"])) for r in rows]


@dataclass(frozen=True)
class AccountHealth:
    """A line of `otklik connectors`: the account and how it fares."""

    id: int
    organisation: str
    network: str
    external_id: str
    name: str
    paused: bool
    active: bool
    last_event_at: datetime | None
    last_error: str


async def accounts_health() -> list[AccountHealth]:
    """Every connected account with its health, by organisation."""
    rows = await SocialAccount.select(
        *SocialAccount.all_columns(), SocialAccount.organisation.slug.as_alias("org_slug")
    ).order_by(SocialAccount.id)
    return [
        AccountHealth(
            int(r["id"]),
            str(r["org_slug"]),
            str(r["network"]),
            str(r["external_id"]),
            str(r["name"]),
            bool(r["paused"]),
            bool(r["is_active"]),
            r["last_event_at"],
            str(r["last_error"] or ""),
        )
        for r in rows
    ]


async def publish_reply(account_id: int, thread: str, text: str) -> tuple[str, str]:
    """Post a reply through the account's connector; (reply id, reply URL)."""
    row = await SocialAccount.select().where(SocialAccount.id == account_id).first()
    if row is None:
        raise ConnectorError("Аккаунт не найден.")
    account = await _account(row)
    if not account.token:
        raise ConnectorError("Аккаунт не подключён к сети (токен не задан): разместите вручную.")
    return await connector_for(account.network).publish(account, thread, text)
