"""A fake Telegram Bot API server (plain ASGI, served by uvicorn on 127.0.0.1).

Payloads follow https://core.telegram.org/bots/api: every answer is `{"ok": true,
"result": …}` or `{"ok": false, "error_code": …, "description": …}`; `getUpdates` returns
Update objects with `update_id` ≥ `offset` (an offset confirms every earlier update, which
the server then forgets); `sendMessage` returns the sent Message. `setWebhook` (an HTTPS
`url`, an optional `secret_token` of 1-256 characters A-Z a-z 0-9 _ -) and `deleteWebhook`
answer `true`; while a webhook is set, `getUpdates` answers 409, as the real Bot API does.
`webhook_call` is what Telegram would POST to the webhook: the Update as JSON, with the
secret token in `X-Telegram-Bot-Api-Secret-Token`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.integration.connectors.fake_http import serve_asgi

GROUP_ID = -1001234567890  # a supergroup: the channel's linked discussion group
CHANNEL_ID = -1009876543210
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
BOT = {"id": 7000001, "is_bot": True, "first_name": "Отклик Пенза", "username": "otklik_penza_bot"}


@dataclass
class FakeTelegram:
    """The server's state; tests push updates and read what the bot sent."""

    token: str = "7000001:AAH-fake-token"
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    next_update_id: int = 500
    next_message_id: int = 9000
    base_url: str = ""
    # The next sendMessage calls refused, as (error_code, description) each.
    refusals: list[tuple[int, str]] = field(default_factory=list)
    # The next sendMessage calls post the message but the answer is lost (a gateway's 502).
    lost_answers: int = 0
    webhook: dict[str, Any] = field(default_factory=dict)  # setWebhook's parameters, if set

    def push(self, kind: str, message: dict[str, Any]) -> int:
        """Queue an update carrying `message` as `kind` (message, edited_message)."""
        self.next_update_id += 1
        self.updates.append({"update_id": self.next_update_id, kind: message})
        return self.next_update_id

    def webhook_call(self, kind: str, message: dict[str, Any]) -> tuple[dict[str, str], bytes]:
        """The headers and body of Telegram's POST to the webhook for a new update."""
        self.next_update_id += 1
        update = {"update_id": self.next_update_id, kind: message}
        headers = {"content-type": "application/json"}
        if self.webhook.get("secret_token"):
            headers["x-telegram-bot-api-secret-token"] = self.webhook["secret_token"]
        return headers, json.dumps(update).encode()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            event = await receive()
            body += event.get("body", b"")
            if not event.get("more_body"):
                break
        payload = json.loads(body or b"{}")
        _, bot_token, method = scope["path"].split("/", 2)
        self.requests.append((method, payload))
        status, answer = self.answer(bot_token.removeprefix("bot"), method, payload)
        data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": data})

    def answer(self, token: str, method: str, payload: dict[str, Any]) -> tuple[int, Any]:
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method == "getMe":
            return 200, {"ok": True, "result": BOT}
        if method == "setWebhook":
            return self.set_webhook(payload)
        if method == "deleteWebhook":
            self.webhook = {}
            return 200, {"ok": True, "result": True, "description": "Webhook was deleted"}
        if method == "getUpdates" and self.webhook:
            return 409, {
                "ok": False,
                "error_code": 409,
                "description": "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            }
        if method == "getUpdates":
            offset = payload.get("offset")
            if offset is not None:  # confirmed updates are forgotten
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            limit = int(payload.get("limit", 100))
            return 200, {"ok": True, "result": self.updates[:limit]}
        if method == "sendMessage" and self.refusals:
            code, description = self.refusals.pop(0)
            return code, {"ok": False, "error_code": code, "description": description}
        if method == "sendMessage":
            self.next_message_id += 1
            self.sent.append(payload)
            message = {
                "message_id": self.next_message_id,
                "from": BOT,
                "chat": {"id": payload["chat_id"], "type": "supergroup", "title": "Обсуждение"},
                "date": int(time.time()),
                "text": payload["text"],
            }
            if self.lost_answers:
                self.lost_answers -= 1
                return 502, b"<html>502 Bad Gateway</html>"
            return 200, {"ok": True, "result": message}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def set_webhook(self, payload: dict[str, Any]) -> tuple[int, Any]:
        url = str(payload.get("url", ""))
        secret = payload.get("secret_token")
        if not url:
            self.webhook = {}
            return 200, {"ok": True, "result": True, "description": "Webhook was deleted"}
        if not url.startswith("https://"):
            return _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if secret is not None and not SECRET_TOKEN.match(str(secret)):
            return _bad_request("secret token contains unallowed characters")
        self.webhook = dict(payload)
        return 200, {"ok": True, "result": True, "description": "Webhook was set"}


def _bad_request(description: str) -> tuple[int, Any]:
    return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}


def group_comment(
    message_id: int, text: str, *, user_id: int = 42, forward_id: int = 10
) -> dict[str, Any]:
    """A citizen's comment to a channel post: a reply, in the discussion group, to the
    automatic forward of the post (`forward_id`)."""
    return {
        "message_id": message_id,
        "from": {
            "id": user_id,
            "is_bot": False,
            "first_name": "Иван",
            "last_name": "Петров",
            "username": "ivan_petrov",
        },
        "chat": {"id": GROUP_ID, "type": "supergroup", "title": "Обсуждение новостей"},
        "date": int(time.time()) - 60,
        "text": text,
        "reply_to_message": {
            "message_id": forward_id,
            "sender_chat": {"id": CHANNEL_ID, "type": "channel", "title": "Администрация"},
            "chat": {"id": GROUP_ID, "type": "supergroup", "title": "Обсуждение новостей"},
            "date": int(time.time()) - 3600,
            "text": "Новости города",
            "is_automatic_forward": True,
        },
    }


def reply_to_bot(
    message_id: int, text: str, bot_message_id: int, *, user_id: int = 42
) -> dict[str, Any]:
    """A citizen's answer in the discussion group straight to the bot's message (Telegram
    gives no further `reply_to_message` inside the one replied to)."""
    comment = group_comment(message_id, text, user_id=user_id)
    comment["reply_to_message"] = {
        "message_id": bot_message_id,
        "from": BOT,
        "chat": comment["chat"],
        "date": int(time.time()) - 10,
        "text": "Уточните, пожалуйста, адрес.",
    }
    return comment


def direct_message(message_id: int, text: str, *, user_id: int = 43) -> dict[str, Any]:
    """A direct message to the bot (a private chat's id is the user's id)."""
    user = {"id": user_id, "is_bot": False, "first_name": "Мария"}
    return {
        "message_id": message_id,
        "from": user,
        "chat": {"id": user_id, "type": "private", "first_name": "Мария"},
        "date": int(time.time()) - 30,
        "text": text,
    }


def serve(fake: FakeTelegram) -> Iterator[FakeTelegram]:
    """Serve the fake in a thread for the duration of a test."""
    for base_url in serve_asgi(fake, "Telegram"):
        fake.base_url = base_url
        yield fake
