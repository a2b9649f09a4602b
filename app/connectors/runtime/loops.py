"""The worker's permanent long-poll loops: one per active, unpaused long-poll account.

A `Supervisor` runs in each worker process (started by the worker's on_startup). Every few
seconds it reads the accounts that should be polled, starts a loop for each one whose lease
(`leases`) it can take, renews the leases it holds, and stops the loops of accounts paused,
removed, switched to webhook mode or taken over by another process. Each loop polls its
account (`polling.poll_connected`) with a long-poll wait (about 25 s: a comment reaches
«Новые» within a second or two), or, for networks without a long poll (OK), every
PERIODIC_SECONDS. Errors back off from 1 s doubling to 5 minutes. A loop keeps the account it
read between passes, so an empty long poll (most of them) costs no database query at all.
Concurrency is bounded by a semaphore (`max_concurrent` polls in flight) and the shared HTTP
pool (`http.MAX_CONNECTIONS`).

With several worker processes the leases share the accounts out: an account is polled by
exactly one of them, and a crashed worker's accounts are taken over once its leases lapse.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field, replace

from app.connectors.base import LONGPOLL, ConnectedAccount
from app.connectors.runtime import leases
from app.connectors.runtime.polling import PollResult, load_account, poll_connected
from app.db.tables import SocialAccount
from app.identity.organisations import OrganisationRules, organisation_rules

log = logging.getLogger("otklik.connectors.loops")

LONG_POLL_SECONDS = 25
# Networks read by periodic polling instead of a long poll: seconds between two passes.
PERIODIC_SECONDS = {"ok": 60.0}
TICK_SECONDS = 3.0
FIRST_BACKOFF_SECONDS = 1.0
LONGEST_BACKOFF_SECONDS = 300.0
MAX_CONCURRENT_POLLS = 1000
# A loop keeps its account (token, address, cursor) between passes and reads it again after
# an error or this often, so a reconnected token or a new API address is taken up.
REREAD_SECONDS = 60.0


async def wanted_accounts() -> dict[int, str]:
    """The accounts to keep a loop for: active, unpaused, long-poll mode, with a connector
    (id → network)."""
    from app.connectors.registry import CONNECTORS

    rows = await SocialAccount.select(SocialAccount.id, SocialAccount.network).where(
        (SocialAccount.is_active == True)  # noqa: E712 (a SQL expression)
        & (SocialAccount.paused == False)  # noqa: E712
        & (SocialAccount.mode == LONGPOLL)
        & SocialAccount.network.is_in(list(CONNECTORS))
    )
    return {int(r["id"]): str(r["network"]) for r in rows}


@dataclass
class Supervisor:
    """The loops of one process. `run()` until cancelled; `tick()` is one round of it."""

    owner: str = field(default_factory=lambda: leases.new_owner("loops"))
    wait_seconds: int = LONG_POLL_SECONDS
    tick_seconds: float = TICK_SECONDS
    max_concurrent: int = MAX_CONCURRENT_POLLS
    loops: dict[int, asyncio.Task[None]] = field(default_factory=dict)
    ticks: int = 0  # rounds done (tests and health)

    def __post_init__(self) -> None:
        self._slots = asyncio.Semaphore(self.max_concurrent)

    async def run(self) -> None:
        """Tick every `tick_seconds` until cancelled; then stop every loop."""
        try:
            while True:
                try:
                    await self.tick()
                except Exception:  # a database or Redis outage: the next tick tries again
                    log.warning("connector loops: tick failed", exc_info=True)
                await asyncio.sleep(self.tick_seconds)
        finally:
            await self.stop()

    async def tick(self) -> None:
        """Match the loops to the accounts: stop the unwanted, keep leases, start the new."""
        for account_id, task in list(self.loops.items()):
            if task.done():
                del self.loops[account_id]
        self.ticks += 1
        wanted = await wanted_accounts()
        await self._stop_loops([i for i in self.loops if i not in wanted])
        await self._stop_loops(await leases.renew(self.loops, self.owner))
        free = sorted(i for i in wanted if i not in self.loops)
        for account_id in await leases.take_many(free, self.owner):
            self.loops[account_id] = asyncio.create_task(
                self._loop(account_id, wanted[account_id]), name=f"connector-loop-{account_id}"
            )

    async def stop(self) -> None:
        """Stop every loop and give its lease back."""
        await self._stop_loops(list(self.loops))

    async def _stop_loops(self, account_ids: list[int] | set[int]) -> None:
        tasks = [self.loops.pop(i) for i in account_ids if i in self.loops]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _loop(self, account_id: int, network: str) -> None:
        pause = FIRST_BACKOFF_SECONDS
        periodic = PERIODIC_SECONDS.get(network)
        kept = _Kept(account_id)
        try:
            while True:  # the tick renews the lease, and cancels the loop if it was lost
                if kept.account is None or time.monotonic() - kept.read_at > REREAD_SECONDS:
                    await kept.read()
                result = await self._poll(kept, None if periodic else self.wait_seconds)
                if result.error or kept.account is None:
                    log.info("account %s: %s (next try in %.0f s)", account_id, result.error, pause)
                    kept.forget()  # read it again: a new token, a fix
                    await asyncio.sleep(max(pause, result.retry_after or 0.0))
                    pause = min(pause * 2, LONGEST_BACKOFF_SECONDS)
                    continue
                kept.account = replace(kept.account, cursor=result.cursor)
                kept.shows_error = False
                pause = FIRST_BACKOFF_SECONDS
                if periodic:
                    await asyncio.sleep(periodic)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(leases.release(account_id, self.owner))

    async def _poll(self, kept: _Kept, wait_seconds: int | None) -> PollResult:
        if kept.account is None:
            return PollResult(kept.account_id, error="Аккаунт не прочитан.")
        async with self._slots:
            try:
                return await poll_connected(
                    kept.account, wait_seconds, clear_error=kept.shows_error, rules=kept.rules
                )
            except Exception:  # poll_connected records its own failures; this is a last guard
                log.warning("account %s: poll failed", kept.account_id, exc_info=True)
                return PollResult(kept.account_id, error="Сбой при опросе; повторим.")


@dataclass
class _Kept:
    """What a loop keeps between passes: the account (token, address, cursor) and, once an
    item came, its organisation's rules; both read again every REREAD_SECONDS and after an
    error."""

    account_id: int
    account: ConnectedAccount | None = None
    shows_error: bool = False
    read_at: float = 0.0
    _rules: OrganisationRules | None = None

    async def read(self) -> None:
        self.read_at, self._rules = time.monotonic(), None
        try:
            loaded = await load_account(self.account_id)
        except Exception:  # an outage: the loop backs off and reads again
            log.warning("account %s: not read", self.account_id, exc_info=True)
            loaded = None
        if isinstance(loaded, tuple):
            self.account, self.shows_error = loaded
        else:
            self.forget()

    def forget(self) -> None:
        self.account, self.shows_error, self._rules = None, True, None

    async def rules(self) -> OrganisationRules:
        if self.account is None:
            raise RuntimeError("rules of an account not read")
        if self._rules is None:
            self._rules = await organisation_rules(self.account.organisation_id)
        return self._rules
