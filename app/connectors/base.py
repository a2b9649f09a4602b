"""The interface every network connector implements, and what it hands to intake."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from app.core.errors import UserError


class ConnectorError(UserError):
    """The network refused or could not be reached; the message is in Russian."""


@dataclass(frozen=True)
class ConnectedAccount:
    """What a connector needs of a connected account (a row of SocialAccount + its token)."""

    id: int
    organisation_id: int
    network: str
    external_id: str
    api_base: str
    token: str
    cursor: str = ""


@dataclass(frozen=True)
class Incoming:
    """One normalised item: the raw mapping for `validate_incoming`, and the cursor that
    is safe to store once this item (and every one before it) is stored."""

    raw: dict[str, Any]
    cursor_after: str


@dataclass(frozen=True)
class Fetched:
    """A fetch: the items in network order and the cursor after all of them (it may move
    past updates that carry no message, such as a bot being added to a chat)."""

    items: list[Incoming] = field(default_factory=list)
    cursor: str = ""


class Connector(Protocol):
    """One network's API, as Otklik uses it."""

    network: str
    default_api_base: str

    async def check(self, account: ConnectedAccount) -> str:
        """The community's or bot's name as the network reports it (ConnectorError if not)."""
        ...

    async def fetch(self, account: ConnectedAccount, cursor: str) -> Fetched:
        """New items since the cursor."""
        ...

    async def publish(self, account: ConnectedAccount, thread: str, text: str) -> tuple[str, str]:
        """Post a reply into the thread (the citizen's item's external id); (reply id, URL)."""
        ...
