"""The interface every network connector implements, and what it hands to intake."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

import httpx

from app.core.errors import UserError

# Transport failures before a request could reach the network: nothing was sent. Any other
# failure (a timeout waiting for the answer, a broken or garbled answer) may follow a post.
NOT_SENT_ERRORS = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
)


def may_have_sent(error: Exception) -> bool:
    """Could the failed request have been carried out by the network (`maybe_sent`)?"""
    return not isinstance(error, NOT_SENT_ERRORS)


class ConnectorError(UserError):
    """The network refused or could not be reached; the message is in Russian.

    `retry_after`: the network asked to wait this many seconds (a rate limit; the account
    is not polled until then, see app.connectors.health.note_rate_limit). `auth_failed`:
    the network refused the token itself (revoked or wrong), so the account needs to be
    connected again and its people are told (once per failure streak). `maybe_sent`: the
    request may have reached the network before the failure (a timeout waiting for the
    answer, a garbled answer), so a reply may be posted already; a network without an
    idempotency key must not be asked again blindly (app.domain.outbox)."""

    def __init__(
        self,
        message_ru: str | None = None,
        code: str | None = None,
        *,
        detail: str | None = None,
        retry_after: float | None = None,
        auth_failed: bool = False,
        maybe_sent: bool = False,
    ) -> None:
        super().__init__(message_ru, code, detail=detail)
        self.retry_after = retry_after
        self.auth_failed = auth_failed
        self.maybe_sent = maybe_sent


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


def token_name(account_id: int) -> str:
    """The stored secret (app.db.sealed) holding a connected account's access token."""
    return f"network/{account_id}/token"


def reading_key_name(account_id: int) -> str:
    """The stored secret holding an account's optional reading key (VK's service key)."""
    return f"network/{account_id}/service_token"


ItemKind = Literal["message", "edit", "delete"]

# How an account's items come in: the worker asks the network (long polling, the default,
# works from an intranet), or the network calls the portal (`POST /hooks/<account id>`).
LONGPOLL = "longpoll"
WEBHOOK = "webhook"
MODES = (LONGPOLL, WEBHOOK)


@dataclass(frozen=True)
class ThreadContext:
    """Where a citizen's item sits: the post it comments on and the earlier comments of the
    thread (shown on the case page; bounded by `accounts.store_thread`). `key` names the
    thread in the network (e.g. VK "-123_45", Telegram "<chat>:<post forward id>") so the
    author's later reply in the same thread is recognised."""

    key: str = ""
    parent_text: str = ""
    parent_url: str = ""
    earlier: tuple[tuple[str, str], ...] = ()  # (author name, text), oldest first


@dataclass(frozen=True)
class Incoming:
    """One normalised item: the raw mapping for `validate_incoming`, and the cursor that
    is safe to store once this item (and every one before it) is stored.

    kind: `message` — a new item (or a re-read one: intake is idempotent); `edit` — the
    author changed it (raw holds the new text; becomes a `message_edited` event); `delete`
    — the author deleted it (raw needs only network + external_id; the stored message is
    marked, never erased)."""

    raw: dict[str, Any]
    cursor_after: str
    kind: ItemKind = "message"
    thread: ThreadContext | None = None


@dataclass(frozen=True)
class Fetched:
    """A fetch: the items in network order and the cursor after all of them (it may move
    past updates that carry no message, such as a bot being added to a chat)."""

    items: list[Incoming] = field(default_factory=list)
    cursor: str = ""


class Connector(Protocol):
    """One network's API, as Otklik uses it.

    Two optional class attributes tell the outbox (app.outbox) how `publish` behaves:
    `idempotent_publish = True` when it passes `key` to the network so that a repeated call
    never posts twice (VK `guid`): an attempt whose outcome is unknown is then simply
    repeated; without it (Telegram) such an attempt waits for a person. `publishes = False`
    when the network offers no way to post a reply (OK): the answer is placed by hand."""

    network: str
    default_api_base: str

    async def check(self, account: ConnectedAccount) -> str:
        """The community's or bot's name as the network reports it (ConnectorError if not)."""
        ...

    async def fetch(
        self, account: ConnectedAccount, cursor: str, wait_seconds: int | None = None
    ) -> Fetched:
        """New items since the cursor. `wait_seconds` is how long a long poll may wait for
        the first new item: None is the connector's own short default (a one-off pass: the
        cron, `otklik connectors poll`); the worker's per-account loops pass about 25 s
        (`loops.LONG_POLL_SECONDS`). A connector that polls without waiting ignores it.

        Before each request to the network a connector calls
        `await limits.acquire_for(account, "call")` (or `"post", chat=…` when writing),
        which waits for the network's rate limit shared by all worker processes."""
        ...

    async def publish(
        self, account: ConnectedAccount, thread: str, text: str, key: str
    ) -> tuple[str, str]:
        """Post a reply into the thread (the citizen's item's external id); (reply id, URL).

        `key` is stable for one answer (derived from the draft): a network that supports it
        uses it so a retry never posts twice (VK `guid`, MAX/VK messages `random_id`)."""
        ...


@dataclass(frozen=True)
class WebhookReply:
    """What the web answers the network at once (status, body), and the items it carried
    for the worker to store (the web never stores them itself, it puts them in the inbox).

    Each item's `cursor_after` should be the network's id of the event (Telegram
    `update_id`, VK `event_id`): the inbox keeps one row per account, event id and content,
    so a network repeating a call adds nothing (and items without an id still differ)."""

    status: int
    body: str
    items: list[Incoming] = field(default_factory=list)
    content_type: str = "text/plain"


@runtime_checkable
class WebhookConnector(Protocol):
    """A connector that can also be called by the network (webhook mode)."""

    async def receive(
        self, account: ConnectedAccount, headers: dict[str, str], body: bytes, secret: str
    ) -> WebhookReply:
        """Check the call (secret, confirmation) and normalise what it carries. Headers are
        lower-cased; `secret` is the account's webhook secret (a stored secret)."""
        ...

    async def subscribe(self, account: ConnectedAccount, url: str, secret: str) -> None:
        """Tell the network to call `url` (setWebhook, subscriptions…); ConnectorError if not.

        A connector may also have `unsubscribe(account)`, called when an account goes back
        to long polling (Telegram refuses getUpdates while a webhook is set)."""
        ...
