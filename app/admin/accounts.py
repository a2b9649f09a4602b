"""Official social accounts (Penza p.5, Parfino p.4) and API tokens of an organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.admin.common import AdminError, AdminNotFound, bounded, log_change, remove_or_deactivate
from app.db.rows import view_of
from app.db.tables import ApiToken, Organisation, Publication, SocialAccount
from app.domain.intake import NETWORKS
from app.identity.actor import ActorContext
from app.identity.api_tokens import issue_token, revoke_token

FIELDS = ("network", "name", "url", "external_id", "is_active")


@dataclass
class AccountForm:
    """The social account form as typed."""

    network: str = "vk"
    name: str = ""
    url: str = ""
    external_id: str = ""
    is_active: bool = True


@dataclass(frozen=True)
class AccountRow:
    """An official account of the organisation in a network (Penza p.5, Parfino p.4)."""

    id: int
    network: str
    name: str
    url: str
    external_id: str
    is_active: bool


@dataclass(frozen=True)
class TokenRow:
    """An API token as the admin sees it (never its value)."""

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    created_by_name: str | None


async def list_accounts(organisation_id: int) -> list[AccountRow]:
    """The organisation's accounts, active first."""
    rows = await (
        SocialAccount.select()
        .where(SocialAccount.organisation == organisation_id)
        .order_by(SocialAccount.is_active, ascending=False)
        .order_by(SocialAccount.network)
        .order_by(SocialAccount.name)
    )
    return [view_of(AccountRow, r) for r in rows]


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


def _values(form: AccountForm) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"network": form.network, "is_active": form.is_active}
    if form.network not in NETWORKS:
        errors["network"] = "Выберите социальную сеть."
    for key, check in (
        ("name", lambda: bounded(form.name, "name", 200, "Название")),
        ("url", lambda: bounded(form.url, "url", 500, "Ссылка", False)),
        ("external_id", lambda: bounded(form.external_id, "external_id", 200, "", False)),
    ):
        try:
            values[key] = check()
        except AdminError as error:
            errors.update(error.errors)
    url = values.get("url", "")
    if url and not url.lower().startswith(("https://", "http://")):
        errors["url"] = "Ссылка должна начинаться с https:// или http://."
    if errors:
        raise AdminError(errors)
    return values


async def save_account(ctx: ActorContext, account_id: int | None, form: AccountForm) -> int:
    """Create (id None) or update an official account of the organisation."""
    values = _values(form)
    async with SocialAccount._meta.db.transaction():
        if account_id is None:
            row = SocialAccount(organisation=ctx.organisation_id, **values)
            await row.save()
            account_id, before = int(row.id), {}
        else:
            old = await account(ctx.organisation_id, account_id)
            before = {k: old[k] for k in values}
            columns = {getattr(SocialAccount, k): v for k, v in values.items()}
            await SocialAccount.update(columns).where(SocialAccount.id == account_id)
        await log_change(ctx, "admin_account_saved", before, values, comment=str(account_id))
    return account_id


async def remove_account(ctx: ActorContext, account_id: int) -> str:
    """Delete an unused account; one with publications is deactivated instead."""
    row = await account(ctx.organisation_id, account_id)
    used = await Publication.exists().where(Publication.account == account_id)
    return await remove_or_deactivate(ctx, SocialAccount, row, used, "admin_account_removed")


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
