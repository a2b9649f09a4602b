"""Official social accounts (Penza p.5, Parfino p.4) and API tokens of an organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.admin.common import (
    AdminError,
    AdminNotFound,
    admin_actor,
    bounded,
    log_change,
    refuse,
    remove_or_deactivate,
)
from app.connectors.accounts import READING_KEY_NETWORKS, connect_account, set_reading_key
from app.connectors.base import ConnectedAccount, ConnectorError, reading_key_name, token_name
from app.connectors.health import MODES, accounts_health
from app.connectors.health import set_paused as pause_account
from app.connectors.registry import CONNECTORS, connector_for
from app.core import clock
from app.core.config import get_settings
from app.db.rows import view_of
from app.db.sealed import delete_secret, get_secret, secret_hint
from app.db.tables import ApiToken, Organisation, Publication, SocialAccount
from app.domain.intake import NETWORKS
from app.domain.worktime.zones import zone_short
from app.identity.actor import ActorContext
from app.identity.api_tokens import issue_token, revoke_token
from app.identity.organisations import OrganisationRules

FIELDS = ("network", "name", "url", "external_id", "is_active", "mode", "api_base")
# What connects an account: changing one of them re-checks the account with the network.
CONNECTION = ("network", "external_id", "api_base", "mode")
TOKEN_LIMIT = 4096
TOKEN = "token"  # noqa: S105 (the form field's name)
READING_KEY = "reading_key"


@dataclass
class AccountForm:
    """The social account form as typed (the token is never filled back in)."""

    network: str = "vk"
    name: str = ""
    url: str = ""
    external_id: str = ""
    is_active: bool = True
    mode: str = "longpoll"
    api_base: str = ""
    token: str = ""
    reading_key: str = ""  # VK's optional service key (reads the wall for thread context)


@dataclass(frozen=True)
class CheckResult:
    """«Проверить подключение»: the name the network gave, or its refusal in Russian."""

    ok: bool
    text: str


@dataclass(frozen=True)
class TokenRow:
    """An API token as the admin sees it (never its value)."""

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    created_by_name: str | None


async def page_context(rules: OrganisationRules) -> dict[str, Any]:
    """What the «Аккаунты» page shows besides the form: the accounts with their health
    (times in the organisation's zone, «МСК»), the networks that connect and their public
    API addresses, the modes, the address a network calls in webhook mode."""
    health = await accounts_health(rules.id)
    health.sort(key=lambda a: (not a.active, a.network, a.name))
    now = clock.now()
    return {
        "accounts": health,
        "now": now,
        "zone": zone_short(rules.calendar.tz.key, now),
        "connectable": {code: CONNECTORS[code].default_api_base for code in CONNECTORS},
        "modes": MODES,
        "reading_key_networks": READING_KEY_NETWORKS,
        "hooks_base": f"{get_settings().public_url}/hooks/",
    }


async def token_hint(organisation_id: int, account_id: int) -> str:
    """«задан, ••••1234» / «не задан»: all the page shows of an account's token."""
    await account(organisation_id, account_id)
    return await secret_hint(token_name(account_id))


async def reading_key_hint(organisation_id: int, account_id: int) -> str:
    """The same of the account's optional reading key (VK's service key)."""
    await account(organisation_id, account_id)
    return await secret_hint(reading_key_name(account_id))


async def account(organisation_id: int, account_id: int) -> dict[str, Any]:
    """One account of this organisation, else AdminNotFound."""
    row = (
        await SocialAccount.select()
        .where((SocialAccount.id == account_id) & (SocialAccount.organisation == organisation_id))
        .first()
    )
    if row is None:
        raise AdminNotFound(account_id)
    return row


def _values(form: AccountForm, connecting: bool) -> dict[str, Any]:
    """The row's values, checked; the name may be left to the network when connecting."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"network": form.network, "is_active": form.is_active}
    if form.network not in NETWORKS:
        errors["network"] = "Выберите социальную сеть."
    if form.mode not in MODES:
        errors["mode"] = "Выберите режим: опрос или вебхук."
    values["mode"] = form.mode
    for key, check in (
        ("name", lambda: bounded(form.name, "name", 200, "Название", not connecting)),
        ("url", lambda: bounded(form.url, "url", 500, "Ссылка", False)),
        ("external_id", lambda: bounded(form.external_id, "external_id", 200, "", False)),
        ("api_base", lambda: bounded(form.api_base, "api_base", 500, "Адрес API", False)),
    ):
        try:
            values[key] = check()
        except AdminError as error:
            errors.update(error.errors)
    for key in ("url", "api_base"):
        if values.get(key) and not values[key].lower().startswith(("https://", "http://")):
            errors[key] = "Адрес должен начинаться с https:// или http://."
    if connecting and not values.get("external_id"):
        errors["external_id"] = "Укажите идентификатор сообщества или чата в сети."
    if len(form.token) > TOKEN_LIMIT or any(c.isspace() for c in form.token.strip()):
        errors[TOKEN] = "Токен не похож на токен доступа: проверьте, что скопирован целиком."
    if errors:
        raise AdminError(errors)
    return values


async def _connection(
    organisation_id: int, account_id: int | None, form: AccountForm
) -> tuple[dict[str, Any] | None, str, bool]:
    """(the stored row or None, the token to connect with, whether to connect now).

    It connects when a token is typed, or when the account has a stored token and what
    connects it changed (then the stored one is used). A stored token goes only where it
    went before: changing the network or the API address needs the token typed again, so
    no one can send it elsewhere to read it."""
    old = await account(organisation_id, account_id) if account_id is not None else None
    token = form.token.strip()
    if token or old is None:
        return old, token, bool(token)
    stored = await get_secret(token_name(int(old["id"]))) or ""
    if stored and (form.network != old["network"] or form.api_base.strip() != old["api_base"]):
        raise refuse(TOKEN, "Адрес API или сеть изменены: введите токен доступа заново.")
    changed = any(form_value(form, k) != old[k] for k in CONNECTION)
    return old, stored, bool(stored) and changed


def form_value(form: AccountForm, key: str) -> Any:
    """A form field as the row holds it (stripped text)."""
    value = getattr(form, key)
    return value.strip() if isinstance(value, str) else value


async def check_connection(
    organisation_id: int, account_id: int | None, form: AccountForm
) -> CheckResult:
    """«Проверить подключение»: ask the network with what is typed (the stored token if
    the field is empty); nothing is stored."""
    try:
        values = _values(form, connecting=True)
        _old, token, _connecting = await _connection(organisation_id, account_id, form)
        if not token:
            raise refuse(TOKEN, "Введите токен доступа.")
        connector = connector_for(values["network"])
        probe = ConnectedAccount(
            account_id or 0,
            organisation_id,
            values["network"],
            values["external_id"],
            values["api_base"],
            token,
        )
        return CheckResult(True, await connector.check(probe))
    except AdminError as error:
        return CheckResult(False, " ".join(dict.fromkeys(error.errors.values())))
    except ConnectorError as error:
        return CheckResult(False, error.message_ru)


async def save_account(ctx: ActorContext, account_id: int | None, form: AccountForm) -> int:
    """Create (id None) or update an official account of the organisation. With a token
    (typed, or the stored one when what connects it changed) the account is connected:
    checked with the network first; a refusal stores nothing and is the token field's error.
    Connecting keeps the network's name unless one is typed."""
    admin_actor(ctx)  # before anything is sent to a network
    old, token, connecting = await _connection(ctx.organisation_id, account_id, form)
    values = _values(form, connecting)
    if connecting:
        try:
            account_id, _name = await connect_account(
                ctx.organisation_id,
                values["network"],
                values["external_id"],
                token,
                values["api_base"],
                values["mode"],
                account_id=account_id,
                name=values["name"],
            )
        except ConnectorError as error:
            raise refuse(TOKEN, error.message_ru) from error
    if form.reading_key.strip():
        if account_id is None:
            raise refuse(READING_KEY, "Сервисный ключ сохраняется вместе с токеном сообщества.")
        try:
            await set_reading_key(account_id, values["network"], form.reading_key)
        except ConnectorError as error:
            raise refuse(READING_KEY, error.message_ru) from error
    async with SocialAccount._meta.db.transaction():
        if account_id is None:
            row = SocialAccount(organisation=ctx.organisation_id, **values)
            await row.save()
            account_id = int(row.id)
        else:
            rest = ("url", "is_active") if connecting else FIELDS  # connect stored the others
            columns = {getattr(SocialAccount, k): values[k] for k in rest}
            await SocialAccount.update(columns).where(SocialAccount.id == account_id)
        before = {k: old[k] for k in values} if old is not None else {}
        after = {**values, "connected": connecting}
        await log_change(ctx, "admin_account_saved", before, after, comment=str(account_id))
    return account_id


async def set_paused(ctx: ActorContext, account_id: int, paused: bool) -> str:
    """«Приостановить» / «Возобновить»: a paused account is not polled; logged."""
    admin_actor(ctx)
    row = await account(ctx.organisation_id, account_id)
    async with SocialAccount._meta.db.transaction():
        await pause_account(ctx.organisation_id, account_id, paused)
        await log_change(
            ctx,
            "admin_account_paused" if paused else "admin_account_resumed",
            {"paused": bool(row["paused"])},
            {"paused": paused},
            comment=str(account_id),
        )
    return "paused" if paused else "resumed"


async def remove_account(ctx: ActorContext, account_id: int) -> str:
    """Delete an unused account (and its stored token); one with publications is
    deactivated instead."""
    row = await account(ctx.organisation_id, account_id)
    used = await Publication.exists().where(Publication.account == account_id)
    outcome = await remove_or_deactivate(ctx, SocialAccount, row, used, "admin_account_removed")
    if outcome == "deleted":
        await delete_secret(token_name(account_id))
    return outcome


async def list_tokens(organisation_id: int) -> list[TokenRow]:
    """Tokens with who issued them, when, when last used and whether revoked (never values)."""
    rows = await (
        ApiToken.select(
            ApiToken.id,
            ApiToken.name,
            ApiToken.created_at,
            ApiToken.last_used_at,
            ApiToken.revoked_at,
            ApiToken.created_by.full_name,
        )
        .where(ApiToken.organisation == organisation_id)
        .order_by(ApiToken.created_at, ascending=False)
    )
    return [view_of(TokenRow, r, created_by_name=r["created_by.full_name"]) for r in rows]


async def issue(ctx: ActorContext, name: str) -> str:
    """Issue a token for an external system; the plain value is returned this once."""
    name = bounded(name, "name", 200, "Для какой системы")
    organisation = await Organisation.objects().get(Organisation.id == ctx.organisation_id)
    if organisation is None:
        raise AdminNotFound(ctx.organisation_id)
    async with ApiToken._meta.db.transaction():
        token = await issue_token(organisation, name, ctx.user_id)
        await log_change(ctx, "admin_token_issued", after={"name": name})
    return token


async def revoke(ctx: ActorContext, token_id: int) -> None:
    """Revoke an active token of this organisation."""
    async with ApiToken._meta.db.transaction():
        if not await revoke_token(ctx.organisation_id, token_id):
            raise AdminNotFound(token_id)
        await log_change(ctx, "admin_token_revoked", after={"token": token_id})
