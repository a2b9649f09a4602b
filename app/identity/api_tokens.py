"""Per-organisation API tokens for external monitoring systems."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from app.core import clock
from app.db.tables import ApiToken, Organisation

TOKEN_PREFIX = "otk_"  # noqa: S105 — a visible prefix, not a secret
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True)
class TokenOwner:
    """The organisation an API request acts for."""

    organisation_id: int
    organisation_slug: str
    token_id: int


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(organisation: Organisation, name: str, created_by: int | None) -> str:
    """Create a token; the plain value is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    await ApiToken(
        organisation=organisation.id,
        name=name.strip()[:200] or "API",
        token_hash=_digest(token),
        created_by=created_by,
    ).save()
    return token


async def revoke_token(organisation_id: int, token_id: int) -> bool:
    """Revoke a token of this organisation; False if there is no such active token."""
    updated = (
        await ApiToken.update({ApiToken.revoked_at: clock.now()})
        .where(
            (ApiToken.id == token_id)
            & (ApiToken.organisation == organisation_id)
            & ApiToken.revoked_at.is_null()
        )
        .returning(ApiToken.id)
    )
    return bool(updated)


async def token_owner(token: str) -> TokenOwner | None:
    """The organisation of an active token, or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = (
        await ApiToken.select(ApiToken.id, ApiToken.organisation.id, ApiToken.organisation.slug)
        .where((ApiToken.token_hash == _digest(token)) & ApiToken.revoked_at.is_null())
        .first()
    )
    if row is None:
        return None
    await ApiToken.update({ApiToken.last_used_at: clock.now()}).where(ApiToken.id == row["id"])
    return TokenOwner(row["organisation.id"], row["organisation.slug"], row["id"])
