"""How connected accounts fare: rate-limit waits, the token refused by the network, the
backlog, pausing; the list behind the «Аккаунты» page and `otklik connectors`.

- A rate limit (ConnectorError.retry_after): the account is not polled until the network's
  wait is over, and the wait is counted (`rate_limit_waits`).
- The token refused (ConnectorError.auth_failed): the first refusal of a failure streak
  tells the organisation's administrators and specialists, once; a successful poll or a new
  connection ends the streak.
- The backlog of an account: the messages that came in through it and are still in
  «Новые» (collected, not yet screened by the specialist); in webhook mode also what waits
  in the inbox for the worker (`inbox_pending`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.connectors.base import token_name
from app.core import clock, links
from app.db.tables import Message, NetworkEvent, SocialAccount, StoredSecret
from app.domain.networks import NETWORKS
from app.domain.roles import Role
from app.identity.organisations import organisation_rules
from app.identity.staff import load_staff
from app.intake.messages import INITIAL_STATE
from app.notify.notifications import Kind, NewNotification, create_notifications

# A network asking for more than an hour is treated as an hour (the wait is its word only).
MAX_RATE_LIMIT_SECONDS = 3600.0
MODES = {"longpoll": "опрос (long polling)", "webhook": "вебхук"}


async def note_rate_limit(account_id: int, seconds: float) -> datetime:
    """The network asked to wait `seconds`: the account is not polled before the returned
    moment, and the wait is counted. Connectors (or their callers) call it on a 429."""
    bounded = min(max(float(seconds), 1.0), MAX_RATE_LIMIT_SECONDS)
    until = clock.now() + timedelta(seconds=bounded)
    await SocialAccount.update(
        {
            SocialAccount.rate_limited_until: until,
            SocialAccount.rate_limit_waits: SocialAccount.rate_limit_waits + 1,
        }
    ).where(SocialAccount.id == account_id)
    return until


def token_refused_title(name: str, network: str) -> str:
    """The notification's words: «Аккаунт «…» (Telegram) отключён сетью: …»."""
    title = NETWORKS.get(network, network)
    return f"Аккаунт «{name}» ({title}) отключён сетью: токен не принят — подключите заново"


async def note_auth_failure(account_id: int, error_ru: str) -> int:
    """The network refused the account's token. The first refusal of a streak (the account
    had none since its last success) notifies the organisation's administrators and
    specialists; later ones in the same streak notify nobody. Returns how many were told."""
    now = clock.now()
    started = (
        await SocialAccount.update({SocialAccount.auth_failed_at: now})
        .where((SocialAccount.id == account_id) & SocialAccount.auth_failed_at.is_null())
        .returning(SocialAccount.organisation, SocialAccount.name, SocialAccount.network)
    )
    if not started:
        return 0
    row = started[0]
    rules = await organisation_rules(int(row["organisation"]))
    staff = await load_staff(rules.id, now.astimezone(rules.calendar.tz).date())
    title = token_refused_title(str(row["name"]), str(row["network"]))
    body = (
        f"{error_ru} Сообщения из этого аккаунта не поступают, пока администратор не "
        "подключит его заново с действующим токеном на странице «Аккаунты»."
    )
    streak = f"{now:%Y%m%dT%H%M%S%f}"
    notes = [
        NewNotification(
            user,
            Kind.CONNECTOR,
            title,
            body,
            links.admin_accounts(rules.slug)
            if role is Role.ADMIN
            else links.role_home(rules.slug, str(role)),
            f"account-auth:{account_id}:{streak}:u{user}",
            rules.id,
        )
        for role in (Role.ADMIN, Role.SPECIALIST)
        for user in staff.step_people(role)
    ]
    unique = list({n.user_id: n for n in reversed(notes)}.values())  # an admin first
    return len(await create_notifications(unique))


async def set_paused(organisation_id: int, account_id: int, paused: bool) -> bool:
    """Pause (not polled) or resume an account of the organisation; False if there is none."""
    updated = (
        await SocialAccount.update({SocialAccount.paused: paused})
        .where((SocialAccount.id == account_id) & (SocialAccount.organisation == organisation_id))
        .returning(SocialAccount.id)
    )
    return bool(updated)


@dataclass(frozen=True)
class AccountHealth:
    """A connected account and how it fares (a row of «Аккаунты» and `otklik connectors`)."""

    id: int
    organisation: str
    network: str
    external_id: str
    name: str
    url: str
    mode: str
    paused: bool
    active: bool
    connected: bool  # an access token is stored
    last_event_at: datetime | None
    last_error: str
    backlog: int
    rate_limit_waits: int
    rate_limited_until: datetime | None
    token_refused: bool
    inbox_pending: int = 0  # webhook calls received, not yet stored by the worker

    def waiting(self, now: datetime) -> bool:
        """The network's wait is not over: the account is skipped until then."""
        return self.rate_limited_until is not None and self.rate_limited_until > now

    def state_ru(self, now: datetime) -> str:
        """«работает», «на паузе», «отключён», «без подключения», «ждёт (лимит сети)»."""
        if not self.active:
            return "отключён"
        if not self.connected:
            return "без подключения"
        if self.paused:
            return "на паузе"
        if self.token_refused:
            return "токен не принят"
        return "ждёт (лимит сети)" if self.waiting(now) else "работает"


async def backlogs(account_ids: list[int]) -> dict[int, int]:
    """Per account: its messages still in «Новые» (collected, not screened)."""
    if not account_ids:
        return {}
    rows = await Message.raw(
        "SELECT source_account, count(*) AS n FROM message "
        "WHERE state = {} AND source_account = ANY({}) GROUP BY source_account",
        INITIAL_STATE,
        account_ids,
    )
    return {int(r["source_account"]): int(r["n"]) for r in rows}


async def inbox_pending(account_ids: list[int]) -> dict[int, int]:
    """Per account: webhook calls in the inbox not yet stored (app.connectors.inbox)."""
    if not account_ids:
        return {}
    rows = await NetworkEvent.raw(
        "SELECT account, count(*) AS n FROM network_event "
        "WHERE processed_at IS NULL AND account = ANY({}) GROUP BY account",
        account_ids,
    )
    return {int(r["account"]): int(r["n"]) for r in rows}


async def accounts_health(organisation_id: int | None = None) -> list[AccountHealth]:
    """The accounts of one organisation (None: of all, by organisation) with their health."""
    query = SocialAccount.select(
        *SocialAccount.all_columns(), SocialAccount.organisation.slug.as_alias("org_slug")
    ).order_by(SocialAccount.id)
    if organisation_id is not None:
        query = query.where(SocialAccount.organisation == organisation_id)
    rows = await query
    ids = [int(r["id"]) for r in rows]
    names = {token_name(i): i for i in ids}
    stored = await StoredSecret.select(StoredSecret.name).where(
        StoredSecret.name.is_in(list(names) or [""])
    )
    connected = {names[r["name"]] for r in stored}
    backlog = await backlogs(ids)
    pending = await inbox_pending(ids)
    return [
        AccountHealth(
            id=int(r["id"]),
            organisation=str(r["org_slug"]),
            network=str(r["network"]),
            external_id=str(r["external_id"]),
            name=str(r["name"]),
            url=str(r["url"] or ""),
            mode=str(r["mode"] or "longpoll"),
            paused=bool(r["paused"]),
            active=bool(r["is_active"]),
            connected=int(r["id"]) in connected,
            last_event_at=r["last_event_at"],
            last_error=str(r["last_error"] or ""),
            backlog=backlog.get(int(r["id"]), 0),
            rate_limit_waits=int(r["rate_limit_waits"] or 0),
            rate_limited_until=r["rate_limited_until"],
            token_refused=r["auth_failed_at"] is not None,
            inbox_pending=pending.get(int(r["id"]), 0),
        )
        for r in rows
    ]
