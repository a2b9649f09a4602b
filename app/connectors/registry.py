"""Connectors by network code (app.db.tables.Network values)."""

from __future__ import annotations

from app.connectors.base import Connector, ConnectorError
from app.connectors.max import MaxConnector
from app.connectors.ok import OkConnector
from app.connectors.telegram import TelegramConnector
from app.connectors.vk import VkConnector

CONNECTORS: dict[str, Connector] = {
    "telegram": TelegramConnector(),
    "max": MaxConnector(),
    "ok": OkConnector(),
    "vk": VkConnector(),
}


def connector_for(network: str) -> Connector:
    """The connector of a network, or a Russian error naming the ones there are."""
    try:
        return CONNECTORS[network]
    except KeyError:
        known = ", ".join(sorted(CONNECTORS))
        raise ConnectorError(
            f"Для сети «{network}» подключения пока нет (есть: {known})."
        ) from None
