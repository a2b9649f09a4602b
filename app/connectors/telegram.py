"""Telegram Bot API: comments in the channel's linked discussion group and direct messages.

Comments to an official channel's posts arrive in its linked discussion group as replies to
the automatic forward of the post; the connected account's id is that group's chat id.
Long polling (`getUpdates` with `offset`, `timeout`, `allowed_updates`) or a webhook
(`setWebhook` with `secret_token`, sent back in `X-Telegram-Bot-Api-Secret-Token`); one
normaliser of an Update serves both. Replies with `sendMessage` and `reply_parameters`.
https://core.telegram.org/bots/api
"""

from __future__ import annotations

import hmac
import json
from datetime import UTC, datetime
from typing import Any

import httpx

from app.connectors import limits
from app.connectors.base import (
    ConnectedAccount,
    ConnectorError,
    Fetched,
    Incoming,
    ItemKind,
    ThreadContext,
    WebhookReply,
    may_have_sent,
)
from app.connectors.runtime import http

API_BASE = "https://api.telegram.org"
ALLOWED_UPDATES = ["message", "edited_message"]
# One pass of the worker: a short long-poll wait, so a minute's cron never overlaps itself.
POLL_WAIT_SECONDS = 1
HTTP_TIMEOUT_SECONDS = 10.0
PAGE_LIMIT = 100
GROUP_TYPES = {"group", "supergroup"}
# Methods that send into a chat: they count against the per-group limit too.
POST_METHODS = {"sendMessage"}
SECRET_HEADER = "x-telegram-bot-api-secret-token"  # noqa: S105 (a header name)


class TelegramConnector:
    """The Telegram connector (no state: every call gets the account)."""

    network = "telegram"
    default_api_base = API_BASE

    def __init__(self, poll_wait_seconds: int = POLL_WAIT_SECONDS) -> None:
        self.poll_wait_seconds = poll_wait_seconds

    async def _call(self, account: ConnectedAccount, method: str, payload: dict[str, Any]) -> Any:
        base = (account.api_base or API_BASE).rstrip("/")
        url = f"{base}/bot{account.token}/{method}"
        timeout = HTTP_TIMEOUT_SECONDS + float(payload.get("timeout", 0))
        if method in POST_METHODS:
            await limits.acquire_for(account, "post", chat=str(payload.get("chat_id", "")))
        else:
            await limits.acquire_for(account, "call")
        try:
            response = await http.client(str(account.id)).post(url, json=payload, timeout=timeout)
            body = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ConnectorError(
                f"Telegram недоступен ({type(error).__name__}): проверьте сеть и адрес API.",
                maybe_sent=may_have_sent(error),
            ) from error
        if not isinstance(body, dict) or not body.get("ok"):
            raise _refusal(body if isinstance(body, dict) else {})
        return body.get("result")

    async def check(self, account: ConnectedAccount) -> str:
        """The bot's name (`getMe`)."""
        me = await self._call(account, "getMe", {})
        name = str(me.get("first_name", ""))
        username = me.get("username")
        return f"{name} (@{username})" if username else name

    async def fetch(
        self, account: ConnectedAccount, cursor: str, wait_seconds: int | None = None
    ) -> Fetched:
        """Updates from the offset on; the new offset is the highest update_id + 1. The
        long poll waits `wait_seconds` for the first update (the connector's short default
        for a one-off pass; the worker's loops wait longer)."""
        payload: dict[str, Any] = {
            "timeout": self.poll_wait_seconds if wait_seconds is None else wait_seconds,
            "limit": PAGE_LIMIT,
            "allowed_updates": ALLOWED_UPDATES,
        }
        if cursor:
            payload["offset"] = int(cursor)
        updates = await self._call(account, "getUpdates", payload)
        items: list[Incoming] = []
        new_cursor = cursor
        for update in sorted(updates or [], key=lambda u: int(u["update_id"])):
            new_cursor = str(int(update["update_id"]) + 1)
            item = update_item(account, update, new_cursor)
            if item is not None:
                items.append(item)
        return Fetched(items=items, cursor=new_cursor)

    async def receive(
        self, account: ConnectedAccount, headers: dict[str, str], body: bytes, secret: str
    ) -> WebhookReply:
        """One Update pushed by Telegram: 403 without our secret token, 400 if it is not an
        Update; else 200 at once, with the item (its key: the update_id) for the worker."""
        given = headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return WebhookReply(403, "")
        try:
            update = json.loads(body)
            item = update_item(account, update, str(int(update["update_id"])))
        except (ValueError, TypeError, KeyError):
            return WebhookReply(400, "")
        return WebhookReply(200, "", items=[item] if item is not None else [])

    async def subscribe(self, account: ConnectedAccount, url: str, secret: str) -> None:
        """`setWebhook`: Telegram will POST every Update to `url` with our secret token."""
        await self._call(
            account,
            "setWebhook",
            {"url": url, "secret_token": secret, "allowed_updates": ALLOWED_UPDATES},
        )

    async def unsubscribe(self, account: ConnectedAccount) -> None:
        """`deleteWebhook`, so that `getUpdates` works again (Telegram answers 409 until)."""
        await self._call(account, "deleteWebhook", {})

    async def publish(
        self, account: ConnectedAccount, thread: str, text: str, key: str
    ) -> tuple[str, str]:
        """Reply to the citizen's message (`thread` = "<chat_id>:<message_id>"). The Bot API
        has no idempotency key: the caller's outbox guards against double posts."""
        chat_id, _, message_id = thread.rpartition(":")
        if not chat_id or not message_id.lstrip("-").isdigit():
            raise ConnectorError(f"Не понятно, на какое сообщение Telegram отвечать: {thread}")
        sent = await self._call(
            account,
            "sendMessage",
            {
                "chat_id": int(chat_id),
                "text": text,
                "reply_parameters": {"message_id": int(message_id)},
            },
        )
        reply_id = int(sent["message_id"])
        return f"{sent['chat']['id']}:{reply_id}", message_url(sent["chat"], reply_id)


def update_item(account: ConnectedAccount, update: Any, cursor_after: str) -> Incoming | None:
    """The item an Update carries (long poll and webhook alike), or None: an update of
    another kind, or a message that is not the citizens' word."""
    if not isinstance(update, dict):
        return None
    edited = "message" not in update
    message = update.get("message") or update.get("edited_message")
    if not isinstance(message, dict):
        return None
    raw = _incoming(account, message)
    if raw is None:
        return None
    kind: ItemKind = "edit" if edited else "message"
    return Incoming(raw=raw, cursor_after=cursor_after, kind=kind, thread=_thread(message))


def _incoming(account: ConnectedAccount, message: dict[str, Any]) -> dict[str, Any] | None:
    """The raw intake mapping of a message, or None if it is not the citizens' word."""
    chat = message.get("chat") or {}
    sender = message.get("from") or {}
    text = message.get("text") or message.get("caption") or ""
    in_group = chat.get("type") in GROUP_TYPES and str(chat.get("id")) == account.external_id
    direct = chat.get("type") == "private"
    if not text or not (in_group or direct):
        return None
    if message.get("is_automatic_forward") or sender.get("is_bot"):
        return None  # the channel's own post forwarded into the group, or a bot
    name = " ".join(p for p in (sender.get("first_name"), sender.get("last_name")) if p)
    username = sender.get("username")
    return {
        "network": "telegram",
        "external_id": f"{chat['id']}:{message['message_id']}",
        "url": message_url(chat, int(message["message_id"])),
        "text": text,
        "author_name": name or (f"@{username}" if username else ""),
        "author_url": f"https://t.me/{username}" if username else "",
        "author_external_id": str(sender.get("id", "")),
        "posted_at": datetime.fromtimestamp(int(message["date"]), UTC).isoformat(),
    }


def _thread(message: dict[str, Any]) -> ThreadContext:
    """The thread a message belongs to, so that its author's later reply is recognised.

    A private chat is one thread. In a group the key names the thread's root: the channel
    post a comment answers (its automatic forward, `message_thread_id` where Telegram gives
    it, else the message replied to), or the message itself when it answers nothing. A reply
    straight to the bot's answer is keyed by that answer, which the outbox recorded."""
    chat = message.get("chat") or {}
    if chat.get("type") == "private":
        return ThreadContext(key=str(chat.get("id")))
    parent = message.get("reply_to_message") or {}
    root = message.get("message_thread_id") or parent.get("message_id") or message["message_id"]
    parent_id = parent.get("message_id")
    return ThreadContext(
        key=f"{chat.get('id')}:{root}",
        parent_text=str(parent.get("text") or parent.get("caption") or ""),
        parent_url=message_url(chat, int(parent_id)) if parent_id else "",
    )


def message_url(chat: dict[str, Any], message_id: int) -> str:
    """A link to a message in a group: public by username, else the t.me/c/ private link."""
    if chat.get("type") not in GROUP_TYPES:
        return ""  # a private chat has no link
    if chat.get("username"):
        return f"https://t.me/{chat['username']}/{message_id}"
    chat_id = str(chat.get("id", ""))
    if chat_id.startswith("-100"):
        return f"https://t.me/c/{chat_id[4:]}/{message_id}"
    return ""


def _refusal(body: dict[str, Any]) -> ConnectorError:
    """The Russian error of a refusal (`ok: false`); 401 means the token is not accepted,
    429 carries `parameters.retry_after` (seconds to wait)."""
    code = body.get("error_code")
    description = str(body.get("description", ""))
    if code == 401:
        return ConnectorError(
            "Telegram ответил: токен бота не принят (401) — проверьте токен у @BotFather.",
            auth_failed=True,
        )
    if code == 403:
        return ConnectorError(
            f"Telegram ответил: доступ запрещён (403) — добавьте бота в группу. {description}"
        )
    if code == 409:
        return ConnectorError(
            "Telegram ответил: у бота включён вебхук (409) — отключите его для long polling."
        )
    if code == 400 and "webhook" in description.lower():
        return ConnectorError(
            "Telegram не принял адрес вебхука (400): нужен HTTPS-адрес на порту 443, 80, 88 "
            f"или 8443 — проверьте OTKLIK_PUBLIC_URL. {description}"
        )
    if code == 429:
        return ConnectorError(
            "Telegram ответил: слишком много запросов (429) — повторим позже.",
            retry_after=_retry_after(body),
        )
    return ConnectorError(f"Telegram ответил ошибкой {code}: {description}".strip())


def _retry_after(body: dict[str, Any]) -> float | None:
    parameters = body.get("parameters")
    value = parameters.get("retry_after") if isinstance(parameters, dict) else None
    return float(value) if isinstance(value, int | float) and value >= 0 else None
