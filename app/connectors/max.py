"""MAX Bot API: messages in the official channel's chat and direct dialogs to the bot.

The connected account's id is the chat id of the chat the bot reads (the channel's
discussion chat, where the bot is an administrator with «Читать все сообщения»); direct
dialogs to the bot come in too. Long polling (`GET /updates` with `marker`), webhook
(`POST /subscriptions`, the secret in `X-Max-Bot-Api-Secret`), replies with `POST
/messages?chat_id=…` and `link: {type: reply, mid}`.

Sources of the shapes (nothing here is guessed where a source exists):
- https://dev.max.ru/docs-api — requests go to `platform-api2.max.ru` (the old
  `platform-api.max.ru` is deprecated) and the token goes only in the `Authorization`
  header (query-string tokens are no longer accepted); `GET /updates` (limit 1–1000,
  timeout 0–90, marker, comma-separated `types`; passing a marker commits the earlier
  updates);
- the official clients github.com/max-messenger/max-bot-api-client-go (schema.yaml 0.0.30:
  Update, Message, Recipient, User, NewMessageLink, SendMessageResult,
  SubscriptionRequestBody, SimpleQueryResult, Error `{code, message}`; stabs/update.*.json;
  const.go `DefaultHostV2`, `SecretHeader`) and github.com/max-messenger/max-bot-api-client-ts
  (types/subcription.ts, types/message.ts).

MAX has no idempotency key for sending: a retried `publish` may post twice, so the caller's
outbox must not retry a post whose outcome is unknown without checking.
"""

from __future__ import annotations

import hmac
import json
import re
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

API_BASE = "https://platform-api2.max.ru"
UPDATE_TYPES = ["message_created", "message_edited", "message_removed"]
KINDS: dict[str, ItemKind] = {
    "message_created": "message",
    "message_edited": "edit",
    "message_removed": "delete",
}
SECRET_HEADER = "x-max-bot-api-secret"  # noqa: S105 (a header name)
SECRET_PATTERN = re.compile(r"[\w-]{5,256}", re.ASCII)  # SubscriptionRequestBody.secret
# One pass of the worker: a short long-poll wait, so a minute's cron never overlaps itself.
POLL_WAIT_SECONDS = 1
HTTP_TIMEOUT_SECONDS = 10.0
PAGE_LIMIT = 100
WEBHOOK_BODY_LIMIT = 1_000_000  # one Update; MAX sends one per request


class MaxConnector:
    """The MAX connector (no state: every call gets the account)."""

    network = "max"
    default_api_base = API_BASE

    def __init__(self, poll_wait_seconds: int = POLL_WAIT_SECONDS) -> None:
        self.poll_wait_seconds = poll_wait_seconds

    async def _call(
        self,
        account: ConnectedAccount,
        verb: str,
        path: str,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        base = (account.api_base or API_BASE).rstrip("/")
        timeout = HTTP_TIMEOUT_SECONDS + float((params or {}).get("timeout", 0))
        await limits.acquire_for(account, "post" if verb == "POST" else "call")
        try:
            response = await http.client(str(account.id)).request(
                verb,
                base + path,
                params=params,
                json=body,
                headers={"Authorization": account.token},
                timeout=timeout,
            )
        except httpx.HTTPError as error:
            raise ConnectorError(
                f"MAX недоступен ({type(error).__name__}): проверьте сеть и адрес API.",
                maybe_sent=may_have_sent(error),
            ) from error
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code != 200 or not isinstance(data, dict):
            raise ConnectorError(
                refusal_ru(response.status_code, data if isinstance(data, dict) else {}),
                retry_after=_retry_after(response) if response.status_code == 429 else None,
                auth_failed=response.status_code == 401,
                # A server's failure or a garbled answer may follow a message already sent.
                maybe_sent=response.status_code >= 500 or response.status_code == 200,
            )
        return data

    async def check(self, account: ConnectedAccount) -> str:
        """The bot's name (`GET /me`)."""
        me = await self._call(account, "GET", "/me")
        name = str(me.get("first_name") or me.get("name") or "")
        username = me.get("username")
        return f"{name} (@{username})" if username else name

    async def fetch(
        self, account: ConnectedAccount, cursor: str, wait_seconds: int | None = None
    ) -> Fetched:
        """Updates from the marker on, waiting up to `wait_seconds` (long poll) for the
        first. The marker of a page commits the whole page, so every item but the last keeps
        the old marker: a pass failing half way re-reads the page (intake is idempotent) and
        loses nothing."""
        params: dict[str, Any] = {
            "limit": PAGE_LIMIT,
            "timeout": self.poll_wait_seconds if wait_seconds is None else wait_seconds,
            "types": ",".join(UPDATE_TYPES),
        }
        if cursor.isdigit():
            params["marker"] = int(cursor)
        page = await self._call(account, "GET", "/updates", params=params)
        marker = page.get("marker")
        new_cursor = str(marker) if isinstance(marker, int) else cursor
        items = [
            item
            for update in page.get("updates") or []
            if isinstance(update, dict) and (item := normalise(account, update, cursor))
        ]
        if items:
            last = items[-1]
            items[-1] = Incoming(last.raw, new_cursor, last.kind, last.thread)
        return Fetched(items=items, cursor=new_cursor)

    async def publish(
        self, account: ConnectedAccount, thread: str, text: str, key: str
    ) -> tuple[str, str]:
        """Reply to the citizen's message (`thread` = "<chat_id>:<mid>"). MAX has no
        idempotency key: `key` is not sent, the caller's outbox guards against double posts."""
        chat_id, _, mid = thread.partition(":")
        if not chat_id.lstrip("-").isdigit() or not mid:
            raise ConnectorError(f"Не понятно, на какое сообщение MAX отвечать: {thread[:200]}")
        sent = await self._call(
            account,
            "POST",
            "/messages",
            params={"chat_id": int(chat_id)},
            body={"text": text, "link": {"type": "reply", "mid": mid}},
        )
        message = sent.get("message") or {}
        reply_mid = str((message.get("body") or {}).get("mid") or "")
        if not reply_mid:
            raise ConnectorError("MAX не вернул отправленное сообщение: проверьте чат вручную.")
        return f"{chat_id}:{reply_mid}", str(message.get("url") or "")

    async def receive(
        self, account: ConnectedAccount, headers: dict[str, str], body: bytes, secret: str
    ) -> WebhookReply:
        """A webhook call: the secret must match; one Update, normalised as in `fetch`."""
        given = headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return WebhookReply(403, "forbidden")
        if len(body) > WEBHOOK_BODY_LIMIT:
            return WebhookReply(413, "too large")
        try:
            update = json.loads(body)
        except ValueError:
            return WebhookReply(400, "bad json")
        if not isinstance(update, dict):
            return WebhookReply(400, "bad update")
        item = normalise(account, update, account.cursor)
        return WebhookReply(200, "ok", [item] if item else [])

    async def subscribe(self, account: ConnectedAccount, url: str, secret: str) -> None:
        """Ask MAX to call `url` with the update types we read and the secret."""
        if not SECRET_PATTERN.fullmatch(secret):
            raise ConnectorError("Секрет вебхука MAX: от 5 до 256 символов A–Z, a–z, 0–9, _ и -.")
        result = await self._call(
            account,
            "POST",
            "/subscriptions",
            body={"url": url, "update_types": UPDATE_TYPES, "secret": secret},
        )
        if not result.get("success"):
            reason = str(result.get("message") or "")[:200]
            raise ConnectorError(f"MAX не принял подписку на вебхук: {reason}".strip())


def normalise(account: ConnectedAccount, update: dict[str, Any], cursor: str) -> Incoming | None:
    """One Update as an intake item, or None if it is not the citizens' word (another chat,
    the bot itself, the channel's own post, another update type, no text)."""
    kind = KINDS.get(str(update.get("update_type")))
    if kind is None:
        return None
    if kind == "delete":
        chat_id, message_id = update.get("chat_id"), update.get("message_id")
        if chat_id is None or not message_id:
            return None
        raw = {"network": "max", "external_id": f"{chat_id}:{message_id}"}
        return Incoming(raw=raw, cursor_after=cursor, kind="delete")
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    recipient = message.get("recipient") or {}
    chat_id = recipient.get("chat_id")
    ours = str(chat_id) == account.external_id or recipient.get("chat_type") == "dialog"
    sender = message.get("sender")
    body = message.get("body") or {}
    text, mid = body.get("text") or "", body.get("mid")
    if not ours or chat_id is None or not mid or not text:
        return None
    if not isinstance(sender, dict) or sender.get("is_bot"):
        return None  # the channel's own post (no sender), this bot or another bot
    name = " ".join(str(p) for p in (sender.get("first_name"), sender.get("last_name")) if p)
    name = name or str(sender.get("name") or "")  # `name` is deprecated, kept as a fallback
    username = sender.get("username")
    raw = {
        "network": "max",
        "external_id": f"{chat_id}:{mid}",
        "url": str(message.get("url") or ""),  # null for dialogs and non-public chats
        "text": text,
        "author_name": name or (f"@{username}" if username else ""),
        "author_external_id": str(sender.get("user_id", "")),
    }
    if isinstance(message.get("timestamp"), int):  # milliseconds since the epoch, UTC
        raw["posted_at"] = datetime.fromtimestamp(message["timestamp"] / 1000, UTC).isoformat()
    return Incoming(raw=raw, cursor_after=cursor, kind=kind, thread=_thread(chat_id, message))


def _thread(chat_id: int, message: dict[str, Any]) -> ThreadContext:
    """A reply sits under the message it replies to; anything else under its chat (a dialog
    with the bot is one thread)."""
    link = message.get("link") or {}
    if link.get("type") == "reply":
        parent = link.get("message") or {}
        return ThreadContext(
            key=f"{chat_id}:{parent.get('mid', '')}", parent_text=str(parent.get("text") or "")
        )
    return ThreadContext(key=str(chat_id))


def refusal_ru(status: int, body: dict[str, Any]) -> str:
    """MAX's refusal (HTTP status and `{code, message}`), in Russian."""
    detail = str(body.get("message") or body.get("code") or "")[:200]
    if status == 401:
        return (
            "MAX ответил: токен бота не принят (401) — проверьте токен бота "
            "(business.max.ru → Чат-боты → Интеграция)."
        )
    if status == 403:
        return (
            "MAX ответил: доступ запрещён (403) — добавьте бота в чат администратором "
            f"с правом читать все сообщения. {detail}"
        ).strip()
    if status == 404:
        return f"MAX ответил: не найдено (404) — проверьте id чата и адрес API. {detail}".strip()
    if status == 429:
        return "MAX ответил: слишком много запросов (429) — повторим позже."
    if status >= 500:
        return f"MAX временно недоступен ({status}) — повторим позже."
    return f"MAX ответил ошибкой {status}: {detail}".strip()


def _retry_after(response: httpx.Response) -> float:
    """Seconds MAX asks to wait after 429 (its Retry-After header, else one second)."""
    try:
        return max(1.0, float(response.headers.get("retry-after", "1")))
    except ValueError:
        return 1.0
