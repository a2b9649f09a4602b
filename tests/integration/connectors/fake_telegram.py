"""A fake Telegram Bot API server (plain ASGI, served by uvicorn on 127.0.0.1).

Payloads follow https://core.telegram.org/bots/api: every answer is `{"ok": true,
"result": …}` or `{"ok": false, "error_code": …, "description": …}`; `getUpdates` returns
Update objects with `update_id` ≥ `offset` (an offset confirms every earlier update, which
the server then forgets) and, like the real server, holds the request up to `timeout`
seconds until an update comes (long polling); a second `getUpdates` of the same bot while
one is pending ends the first with 409 "Conflict: terminated by other getUpdates request"
(as the real API does when two instances poll one bot). `sendMessage` returns the sent
Message. Several bots can be served at once (`add_bot`): the benchmark runs a thousand.
`setWebhook` (an HTTPS `url`, an optional `secret_token` of 1-256 characters A-Z a-z 0-9
_ -) and `deleteWebhook` answer `true`; while a webhook is set, `getUpdates` answers 409,
as the real Bot API does.
`webhook_call` is what Telegram would POST to the webhook: the Update as JSON, with the
secret token in `X-Telegram-Bot-Api-Secret-Token`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.integration.connectors.fake_http import read_body, send_json, serve_asgi

GROUP_ID = -1001234567890  # a supergroup: the channel's linked discussion group
CHANNEL_ID = -1009876543210
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
BOT = {"id": 7000001, "is_bot": True, "first_name": "Отклик Пенза", "username": "otklik_penza_bot"}


CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"  # noqa: E501


LONG_POLL = (0, None)  # what `answer` says of a getUpdates it leaves to `get_updates`


@dataclass
class _Poll:
    """A pending getUpdates: woken by an update, or terminated by a newer one."""

    woken: asyncio.Event = field(default_factory=asyncio.Event)
    terminated: bool = False


@dataclass
class FakeTelegram:
    """The server's state; tests push updates and read what the bot sent."""

    token: str = "7000001:AAH-fake-token"
    sent: list[dict[str, Any]] = field(default_factory=list)
    sent_at: list[tuple[float, str, dict[str, Any]]] = field(default_factory=list)
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    next_update_id: int = 500
    next_message_id: int = 9000
    base_url: str = ""
    queues: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # bot → updates
    polling: Counter[str] = field(default_factory=Counter)  # getUpdates pending, by bot
    most_polling: Counter[str] = field(default_factory=Counter)
    conflicts: int = 0
    bots: set[str] = field(default_factory=set)  # accepted besides `token` (add_bot)
    _pending: dict[str, _Poll] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _loop: asyncio.AbstractEventLoop | None = None
    # The next sendMessage calls refused, as (error_code, description) each.
    refusals: list[tuple[int, str]] = field(default_factory=list)
    # The next sendMessage calls post the message but the answer is lost (a gateway's 502).
    lost_answers: int = 0
    webhook: dict[str, Any] = field(default_factory=dict)  # setWebhook's parameters, if set

    def add_bot(self, token: str) -> None:
        """Serve another bot (its token is accepted from now on). The first bot's is
        `token`: a test revokes it by changing `token`."""
        self.bots.add(token)

    def accepts(self, token: str) -> bool:
        return token == self.token or token in self.bots

    @property
    def updates(self) -> list[dict[str, Any]]:
        return self.queues.setdefault(self.token, [])

    def push(self, kind: str, message: dict[str, Any], token: str = "") -> int:
        """Queue an update carrying `message` as `kind` (message, edited_message) for a bot
        (the first one by default); wakes its pending long poll. Safe from any thread."""
        token = token or self.token
        with self._lock:
            self.next_update_id += 1
            update_id = self.next_update_id
            self.queues.setdefault(token, []).append({"update_id": update_id, kind: message})
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake, token)
        return update_id

    def _wake(self, token: str) -> None:
        poll = self._pending.get(token)
        if poll is not None:
            poll.woken.set()

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
        payload = json.loads(await read_body(receive) or b"{}")
        _, bot_token, method = scope["path"].split("/", 2)
        self.requests.append((method, payload))
        token = bot_token.removeprefix("bot")
        status, answer = self.answer(token, method, payload)
        if (status, answer) == LONG_POLL:
            self._loop = asyncio.get_running_loop()
            answered = await self.get_updates(token, payload, receive)
            if answered is None:
                return  # the client went away while waiting
            status, answer = answered
        if isinstance(answer, bytes):  # not JSON (a gateway's error page)
            await send({"type": "http.response.start", "status": status, "headers": []})
            await send({"type": "http.response.body", "body": answer})
        else:
            await send_json(send, status, answer)

    async def get_updates(
        self, token: str, payload: dict[str, Any], receive: Any
    ) -> tuple[int, Any] | None:
        """Pending updates from the offset on, waiting up to `timeout` s for the first;
        None if the client disconnected meanwhile (a stopped poller)."""
        offset = payload.get("offset")
        with self._lock:
            self.queues.setdefault(token, [])
            if offset is not None:  # confirmed updates are forgotten
                self.queues[token][:] = [u for u in self.queues[token] if u["update_id"] >= offset]
        if self.webhook:
            return 409, {
                "ok": False,
                "error_code": 409,
                "description": "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            }
        poll = _Poll()
        previous = self._pending.get(token)
        if previous is not None:  # the real API ends the older request
            self.conflicts += 1
            previous.terminated = True
            previous.woken.set()
        self._pending[token] = poll
        self.polling[token] += 1
        self.most_polling[token] = max(self.most_polling[token], self.polling[token])
        gone = False
        try:
            timeout = float(payload.get("timeout", 0))
            if not self.queues[token] and timeout > 0:
                gone = await _wait(poll.woken, receive, timeout)
        finally:
            self.polling[token] -= 1
            if self._pending.get(token) is poll:
                del self._pending[token]
        if gone:
            return None
        if poll.terminated:
            return 409, {"ok": False, "error_code": 409, "description": CONFLICT}
        limit = int(payload.get("limit", 100))
        with self._lock:
            return 200, {"ok": True, "result": list(self.queues[token][:limit])}

    def answer(self, token: str, method: str, payload: dict[str, Any]) -> tuple[int, Any]:
        if not self.accepts(token):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method == "getMe":
            return 200, {"ok": True, "result": BOT}
        if method == "getUpdates":
            return LONG_POLL
        if method == "setWebhook":
            return self.set_webhook(payload)
        if method == "deleteWebhook":
            self.webhook = {}
            return 200, {"ok": True, "result": True, "description": "Webhook was deleted"}
        if method == "sendMessage" and self.refusals:
            code, description = self.refusals.pop(0)
            return code, {"ok": False, "error_code": code, "description": description}
        if method == "sendMessage":
            self.next_message_id += 1
            self.sent.append(payload)
            self.sent_at.append((time.time(), token, payload))
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


async def _wait(woken: asyncio.Event, receive: Any, seconds: float) -> bool:
    """Wait for `woken` or the timeout; True if the client disconnected first."""
    woke = asyncio.ensure_future(woken.wait())
    left = asyncio.ensure_future(receive())
    try:
        done, _ = await asyncio.wait({woke, left}, timeout=seconds, return_when="FIRST_COMPLETED")
    finally:
        for task in (woke, left):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(woke, left, return_exceptions=True)
    return left in done and left.result().get("type") == "http.disconnect"


def group_comment(
    message_id: int,
    text: str,
    *,
    user_id: int = 42,
    chat_id: int = GROUP_ID,
    forward_id: int = 10,
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
        "chat": {"id": chat_id, "type": "supergroup", "title": "Обсуждение новостей"},
        "date": int(time.time()) - 60,
        "text": text,
        "reply_to_message": {
            "message_id": forward_id,
            "sender_chat": {"id": CHANNEL_ID, "type": "channel", "title": "Администрация"},
            "chat": {"id": chat_id, "type": "supergroup", "title": "Обсуждение новостей"},
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
