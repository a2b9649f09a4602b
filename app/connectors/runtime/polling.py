"""Passes over connected accounts: fetch what is new, store it item by item, move the cursor.

Crash-safe intake: items are stored one by one in network order, and the account's cursor
moves to an item's `cursor_after` only once that item is stored. A pass that fails half way
keeps what it stored and the next pass fetches the rest; a crash between storing an item and
moving the cursor re-reads that item, which intake's idempotency (network + external id)
turns into no duplicate.

`poll_account` is one pass (the worker's loops call `poll_connected` with the account they
keep); `poll_all` is the one-off pass over every account no loop holds (the minute cron of a
worker without loops, `otklik connectors poll`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from app.connectors import health
from app.connectors.accounts import account_from_row, store_item
from app.connectors.base import LONGPOLL, ConnectedAccount, ConnectorError
from app.connectors.registry import connector_for
from app.connectors.runtime import leases
from app.core import clock
from app.db.tables import SocialAccount
from app.identity.organisations import OrganisationRules, organisation_rules

log = logging.getLogger("otklik.connectors")


@dataclass(frozen=True)
class PollResult:
    """What one pass over one account did."""

    account_id: int
    stored: int = 0
    skipped: int = 0
    error: str = ""
    busy: bool = False  # another poller (a worker's loop) holds the account: not polled
    cursor: str = ""  # after a good pass: the account's cursor now
    retry_after: float | None = None  # the network asked to wait this long (a rate limit)


async def load_account(account_id: int) -> tuple[ConnectedAccount, bool] | PollResult:
    """(The account as a connector needs it, whether it shows an error now), or the failed
    result (recorded) when it cannot be polled."""
    row = await SocialAccount.select().where(SocialAccount.id == account_id).first()
    if row is None:
        return PollResult(account_id, error="Аккаунт не найден.")
    account = await account_from_row(row)
    if not account.token:
        return await _failed(account_id, "Токен не задан: подключите аккаунт заново.")
    shows_error = bool(row["last_error"]) or row["auth_failed_at"] is not None
    return account, shows_error


async def poll_account(account_id: int, wait_seconds: int | None = None) -> PollResult:
    """One pass over one account: fetch, store item by item, move the cursor.
    `wait_seconds`: the long poll's wait (None: the connector's short default)."""
    loaded = await load_account(account_id)
    if isinstance(loaded, PollResult):
        return loaded
    account, shows_error = loaded
    return await poll_connected(account, wait_seconds, clear_error=shows_error)


async def poll_connected(
    account: ConnectedAccount,
    wait_seconds: int | None = None,
    *,
    clear_error: bool = False,
    rules: Callable[[], Awaitable[OrganisationRules]] | None = None,
) -> PollResult:
    """One pass over an account already read (a loop keeps it between passes: an empty long
    poll then reads and writes nothing in the database). The result's cursor is the new one;
    `clear_error`: the account shows an error that a good pass should clear; `rules`: where
    the organisation's rules come from when an item came (a loop keeps them too)."""
    account_id = account.id
    stored = skipped = 0
    try:
        connector = connector_for(account.network)
        if wait_seconds is None:
            fetched = await connector.fetch(account, account.cursor)
        else:
            fetched = await connector.fetch(account, account.cursor, wait_seconds=wait_seconds)
        rules_now: OrganisationRules | None = None  # read once, and only for an item
        stored_cursor = account.cursor
        for item in fetched.items:
            if rules_now is None:
                rules_now = await (rules or partial(organisation_rules, account.organisation_id))()
            if await store_item(account, item, rules_now):
                stored += 1
            else:
                skipped += 1
            await _move_cursor(account_id, item.cursor_after, clock.now())
            stored_cursor = item.cursor_after
        # An empty long poll (the usual answer of 25 s of waiting) writes nothing.
        if fetched.cursor != stored_cursor or clear_error:
            await SocialAccount.update(
                {
                    SocialAccount.cursor: fetched.cursor,
                    SocialAccount.last_error: "",
                    SocialAccount.auth_failed_at: None,  # a success ends a failure streak
                }
            ).where(SocialAccount.id == account_id)
    except ConnectorError as error:
        if error.retry_after is not None:
            await health.note_rate_limit(account_id, error.retry_after)
        result = await _failed(account_id, error.message_ru, stored, skipped)
        if error.auth_failed:
            await health.note_auth_failure(account_id, error.message_ru)
        return replace(result, retry_after=error.retry_after)
    except Exception:  # a failure of ours (the database): the next pass goes on from the cursor
        log.exception("account %s: poll failed", account_id)
        return await _failed(
            account_id, "Сбой при сохранении сообщений; повторим при следующем опросе.", stored
        )
    return PollResult(account_id, stored, skipped, cursor=fetched.cursor)


async def _move_cursor(account_id: int, cursor: str, at: datetime) -> None:
    await SocialAccount.update(
        {SocialAccount.cursor: cursor, SocialAccount.last_event_at: at}
    ).where(SocialAccount.id == account_id)


async def _failed(account_id: int, error: str, stored: int = 0, skipped: int = 0) -> PollResult:
    await SocialAccount.update({SocialAccount.last_error: error}).where(
        SocialAccount.id == account_id
    )
    return PollResult(account_id, stored, skipped, error)


# A one-off pass holds an account's lease this long at most (the cron's timeout is 55 s).
PASS_LEASE_MS = 120_000


async def poll_all() -> list[PollResult]:
    """One pass over every active, unpaused long-polling account of a network that has a
    connector, except those a network asked to wait (rate limit) until later
    or a worker's loop holds (`leases`: reported busy, not polled). Webhook-mode
    accounts are not polled: the network calls them (see app.connectors.inbox)."""
    from app.connectors.registry import CONNECTORS

    rows = (
        await SocialAccount.select(SocialAccount.id)
        .where(
            (SocialAccount.is_active == True)  # noqa: E712 (a SQL expression)
            & (SocialAccount.paused == False)  # noqa: E712
            & (SocialAccount.mode == LONGPOLL)
            & SocialAccount.network.is_in(list(CONNECTORS))
            & (
                SocialAccount.rate_limited_until.is_null()
                | (SocialAccount.rate_limited_until <= clock.now())
            )
        )
        .order_by(SocialAccount.id)
    )
    owner = leases.new_owner("pass")
    results = []
    for r in rows:
        account_id = int(r["id"])
        async with leases.held(account_id, owner, PASS_LEASE_MS) as mine:
            results.append(
                await poll_account(account_id) if mine else PollResult(account_id, busy=True)
            )
    return results
