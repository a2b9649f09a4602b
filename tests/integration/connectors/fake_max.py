"""A fake MAX Bot API server (plain ASGI, served by uvicorn on 127.0.0.1).

Payloads follow the official schema and stubs (github.com/max-messenger/max-bot-api-client-go:
schema.yaml 0.0.30, stabs/botInfo.ok.json, stabs/update.message_*.json,
stabs/error.invalid-token.json) and https://dev.max.ru/docs-api: the token only in the
`Authorization` header (a query-string token is refused); `GET /updates` answers
`{updates, marker}`, where the marker points to the next update and passing it commits
every earlier one (without a marker, everything since the last commitment comes again);
`types` filters by update type; `POST /messages?chat_id=` answers `{message}`;
`POST /subscriptions` answers `{success}`; errors are `{code, message}` with the HTTP status.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from tests.integration.connectors.fake_http import headers, query, read_body, send_json

CHAT_ID = -70801090403050  # the channel's discussion chat the bot reads
OTHER_CHAT_ID = -695695695695  # another chat the bot happens to be in
BOT = {
    "user_id": 123123123,
    "first_name": "Отклик Пенза",
    "username": "otklik_penza_bot",
    "is_bot": True,
    "last_activity_time": 1774677196913,
    "description": "Обращения жителей",
    "name": "Отклик Пенза",
}
CITIZEN = {
    "user_id": 123456789,
    "first_name": "Иван",
    "last_name": "Петров",
    "username": None,
    "is_bot": False,
    "last_activity_time": 1775053249000,
    "name": "Иван Петров",
}


@dataclass
class FakeMax:
    """The server's state; tests push updates and read what the bot sent."""

    token: str = "max-bot-token-f4k3"
    updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    committed: int = 0
    next_seq: int = 25493970
    sent: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    fail_status: int | None = None
    next_mid: int = 9000
    base_url: str = ""

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update; its sequence number."""
        self.next_seq += 1
        self.updates.append((self.next_seq, update))
        return self.next_seq

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        params = query(scope)
        self.requests.append((scope["method"], scope["path"], params))
        status, answer = self.answer(scope, params, json.loads(body) if body else {})
        await send_json(send, status, answer)

    def answer(
        self, scope: dict[str, Any], params: dict[str, str], payload: dict[str, Any]
    ) -> tuple[int, Any]:
        if headers(scope).get("authorization") != self.token:
            return 401, {"code": "verify.token", "message": "Invalid access_token"}
        if self.fail_status is not None:
            return self.fail_status, {"code": "internal.error", "message": "Service unavailable"}
        route = (scope["method"], scope["path"])
        if route == ("GET", "/me"):
            return 200, BOT
        if route == ("GET", "/updates"):
            return 200, self.get_updates(params)
        if route == ("POST", "/messages"):
            return 200, {"message": self.send_message(int(params["chat_id"]), payload)}
        if route == ("POST", "/subscriptions"):
            self.subscriptions.append(payload)
            return 200, {"success": True}
        return 404, {"code": "not.found", "message": "Method not found"}

    def get_updates(self, params: dict[str, str]) -> dict[str, Any]:
        if "marker" in params:  # passing a marker commits everything before it
            self.committed = max(self.committed, int(params["marker"]))
        types = set(params["types"].split(",")) if params.get("types") else None
        pending = [(s, u) for s, u in self.updates if s >= self.committed]
        page = pending[: int(params.get("limit", 100))]
        marker = page[-1][0] + 1 if page else max(self.committed, self.next_seq + 1)
        chosen = [u for _, u in page if types is None or u["update_type"] in types]
        return {"updates": chosen, "marker": marker}

    def send_message(self, chat_id: int, payload: dict[str, Any]) -> dict[str, Any]:
        self.sent.append({"chat_id": chat_id, **payload})
        self.next_mid += 1
        mid = f"mid.{self.next_mid:032x}"
        return {
            "sender": BOT,
            "recipient": {"chat_id": chat_id, "chat_type": "chat", "user_id": None},
            "timestamp": int(time.time() * 1000),
            "body": {"mid": mid, "seq": self.next_mid, "text": payload.get("text")},
            "url": public_url(mid),
        }


def public_url(mid: str) -> str:
    """The public link of a message in the (public) chat; the schema gives only a string."""
    return f"https://max.ru/otklik_penza_chat/{mid.removeprefix('mid.')}"


def chat_message(
    mid: str,
    text: str,
    *,
    chat_id: int = CHAT_ID,
    sender: dict[str, Any] | None = CITIZEN,
    reply_to: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """A Message in a chat (optionally a reply to (mid, text)); `sender=None` is a post on
    behalf of the channel."""
    message: dict[str, Any] = {
        "recipient": {"chat_id": chat_id, "chat_type": "chat"},
        "timestamp": int(time.time() * 1000) - 60_000,
        "body": {"mid": mid, "seq": 116327994376978687, "text": text},
        "sender": sender,
        "url": public_url(mid),
    }
    if reply_to is not None:
        parent_mid, parent_text = reply_to
        message["link"] = {
            "type": "reply",
            "message": {"mid": parent_mid, "seq": 1, "text": parent_text},
            "sender": None,
            "chat_id": chat_id,
        }
    return message


def dialog_message(mid: str, text: str, *, chat_id: int = 182182182) -> dict[str, Any]:
    """A direct message to the bot (stabs/update.message_edited.json's shape)."""
    return {
        "recipient": {"chat_id": chat_id, "chat_type": "dialog", "user_id": BOT["user_id"]},
        "timestamp": int(time.time() * 1000) - 30_000,
        "body": {"mid": mid, "seq": 116327994376978688, "text": text},
        "sender": {**CITIZEN, "user_id": 229229229, "first_name": "Мария", "last_name": None},
    }


def created(message: dict[str, Any]) -> dict[str, Any]:
    return {"message": message, "timestamp": _now_ms(), "update_type": "message_created"}


def edited(message: dict[str, Any]) -> dict[str, Any]:
    return {"message": message, "timestamp": _now_ms(), "update_type": "message_edited"}


def _now_ms() -> int:
    return int(time.time() * 1000)


def removed(mid: str, chat_id: int = CHAT_ID) -> dict[str, Any]:
    return {
        "message_id": mid,
        "chat_id": chat_id,
        "user_id": CITIZEN["user_id"],
        "timestamp": int(time.time() * 1000),
        "update_type": "message_removed",
    }


def bot_added(chat_id: int = CHAT_ID) -> dict[str, Any]:
    return {
        "chat_id": chat_id,
        "user": CITIZEN,
        "is_channel": False,
        "timestamp": int(time.time() * 1000),
        "update_type": "bot_added",
    }
