"""What the outbox (app.outbox) asks of the connectors before it posts: through which of the
organisation's accounts an answer can go now, and whether asking the network twice is safe."""

from __future__ import annotations

from typing import Any

from app.connectors.base import token_name
from app.connectors.registry import CONNECTORS
from app.db.tables import SocialAccount, StoredSecret


def publish_is_idempotent(network: str) -> bool:
    """Does the network's connector post a reply once however often it is asked with the
    same key (see `base.Connector`)?"""
    connector = CONNECTORS.get(network)
    return bool(getattr(connector, "idempotent_publish", False))


async def connected_accounts(organisation_id: int, network: str) -> list[dict[str, Any]]:
    """The organisation's accounts an answer can be posted through now (id, name): active,
    not paused, of a network whose connector posts replies, with a stored token."""
    connector = CONNECTORS.get(network)
    if connector is None or not getattr(connector, "publishes", True):
        return []
    rows = await SocialAccount.select(SocialAccount.id, SocialAccount.name).where(
        (SocialAccount.organisation == organisation_id)
        & (SocialAccount.network == network)
        & SocialAccount.is_active.eq(True)
        & SocialAccount.paused.eq(False)
    )
    if not rows:
        return []
    tokens = await StoredSecret.select(StoredSecret.name).where(
        StoredSecret.name.is_in([token_name(int(r["id"])) for r in rows])
    )
    held = {t["name"] for t in tokens}
    return [r for r in rows if token_name(int(r["id"])) in held]
