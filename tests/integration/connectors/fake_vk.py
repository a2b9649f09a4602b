"""A fake VK API (plain ASGI, served by uvicorn on 127.0.0.1), built from VK's published
schema (github.com/VKCOM/vk-api-schema: methods.json, responses.json, objects.json,
callback/objects.json, errors.json) and the Bots Long Poll / Callback API documentation.

- Methods: `POST /method/<name>` with form fields, `access_token` and `v` (error 8 without
  it); answers `{"response": …}` or `{"error": {"error_code", "error_msg",
  "request_params"}}`. Token types as the schema's `access_token_type`: wall reads
  (`wall.get`, `wall.getById`, `wall.getComments`) refuse a community key (error 27),
  community methods refuse a service key (error 28); a wrong token is error 5.
- Bots Long Poll: `groups.getLongPollServer` → `{server, key, ts}`; `GET <server>?act=
  a_check&key&ts&wait` → `{"ts", "updates"}` (the events after `ts`, replayed while `ts`
  does not move), `{"failed": 1, "ts"}` for a ts older than the kept history, `{"failed":
  2}` for an expired key, `{"failed": 3}` when the session's information is lost.
- Events: `{"type", "object", "group_id", "event_id", "v"}`; the objects are
  wall_wall_comment (+ post_owner_id), wall_wallpost, callback_wall_comment_delete and
  callback_message_object.
- Idempotency as VK: `wall.createComment` with a known `guid` and `messages.send` with a
  known `random_id` answer as the first time and post nothing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from tests.integration.connectors.fake_http import query, read_body, send_json, serve_asgi
from tests.integration.connectors.fake_vk_api import (
    BIG_PHOTO,
    ERRORS,
    GROUP,
    GROUP_ID,
    USERS,
    WALL,
    VkError,
    answer,
    photo_object,
)

__all__ = ["BIG_PHOTO", "GROUP", "GROUP_ID", "USERS", "WALL", "FakeVk", "serve"]


@dataclass
class FakeVk:
    """The server's state; tests make citizens act and read what the community posted."""

    token: str = "vk1.a.community-key-penza"
    service_token: str = "service-key-of-the-app"
    rights: set[str] = field(default_factory=lambda: {"manage", "messages", "photos"})
    posts: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    events: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    seq: int = 0  # the long-poll ts: the number of the last event
    key: str = "lp-key-1"
    floor: int = 0  # events up to here are no longer kept (failed 1 for an older ts)
    fail_next: int = 0
    refusals: dict[str, int] = field(default_factory=dict)  # method → error code, once
    guids: dict[str, dict[str, Any]] = field(default_factory=dict)
    random_ids: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    sent: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    confirmation: str = "5f1e2d3c"
    callback_servers: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, dict[str, str]] = field(default_factory=dict)
    next_id: int = 100
    base_url: str = ""

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _push(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        self.seq += 1
        event_id = hashlib.sha1(f"{self.seq}:{kind}".encode()).hexdigest()  # noqa: S324
        event = {
            "group_id": GROUP_ID,
            "type": kind,
            "event_id": event_id,
            "v": "5.199",
            "object": obj,
        }
        self.events.append((self.seq, event))
        return event

    # --- what happens in the community ---------------------------------------------

    def post(self, text: str, *, from_id: int = WALL, post_type: str = "post") -> int:
        post_id = self._id()
        post = {
            "id": post_id,
            "owner_id": WALL,
            "from_id": from_id,
            "date": int(time.time()),
            "text": text,
            "post_type": post_type,
            "comments": {"count": 0},
        }
        self.posts[post_id] = post
        self.comments[post_id] = []
        self._push("wall_post_new", post)
        return post_id

    def comment(
        self,
        post_id: int,
        text: str,
        *,
        from_id: int = 1001,
        reply_to: int = 0,
        photo: bool = False,
    ) -> int:
        comment_id = self._id()
        comment: dict[str, Any] = {
            "id": comment_id,
            "from_id": from_id,
            "date": int(time.time()),
            "text": text,
            "post_id": post_id,
            "owner_id": WALL,
            "parents_stack": self._stack(post_id, reply_to),
        }
        if reply_to:
            comment["reply_to_comment"] = reply_to
        if photo:
            comment["attachments"] = [{"type": "photo", "photo": photo_object(from_id)}]
        self.comments[post_id].append(comment)
        self._push("wall_reply_new", comment | {"post_owner_id": WALL})
        return comment_id

    def _stack(self, post_id: int, reply_to: int) -> list[int]:
        if not reply_to:
            return []
        parent = next(c for c in self.comments[post_id] if c["id"] == reply_to)
        return parent["parents_stack"][:1] or [reply_to]

    def edit_comment(self, post_id: int, comment_id: int, text: str) -> None:
        comment = next(c for c in self.comments[post_id] if c["id"] == comment_id)
        comment["text"] = text
        self._push("wall_reply_edit", comment | {"post_owner_id": WALL})

    def delete_comment(self, post_id: int, comment_id: int) -> None:
        comment = next(c for c in self.comments[post_id] if c["id"] == comment_id)
        comment["deleted"] = True
        self._push(
            "wall_reply_delete",
            {
                "owner_id": WALL,
                "id": comment_id,
                "post_id": post_id,
                "deleter_id": comment["from_id"],
                "user_id": comment["from_id"],
            },
        )

    def direct(self, text: str, *, from_id: int = 1002) -> int:
        """A message to the community; returns its conversation_message_id."""
        number = self._id()
        message = {
            "id": self._id(),
            "date": int(time.time()),
            "peer_id": from_id,
            "from_id": from_id,
            "text": text,
            "conversation_message_id": number,
            "out": 0,
            "attachments": [],
            "fwd_messages": [],
            "important": False,
            "is_hidden": False,
            "version": 1,
        }
        self._push("message_new", {"message": message, "client_info": {"keyboard": True}})
        return number

    def expire_key(self) -> None:
        self.key = f"lp-key-{self._id()}"

    def lose_history(self) -> None:
        """Events so far are no longer kept: an older ts gets failed 1."""
        self.floor = self.seq

    def lose_session(self) -> None:
        """The long-poll session is gone: failed 3 once, the events so far not kept."""
        self.fail_next, self.floor = 3, self.seq
        self.expire_key()

    def last_event(self) -> dict[str, Any]:
        return self.events[-1][1]

    # --- HTTP ------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        path = scope["path"]
        if path.startswith("/method/"):
            answer = self.method(path.removeprefix("/method/"), dict(parse_qsl(body.decode())))
        elif path == f"/lp/{GROUP_ID}":
            self.requests.append(("a_check", query(scope)))
            answer = self.a_check(query(scope))
        else:
            answer = {"error": {"error_code": 3, "error_msg": "Unknown method passed"}}
        await send_json(send, 200, answer)

    def a_check(self, query: dict[str, str]) -> dict[str, Any]:
        if self.fail_next:
            failed, self.fail_next = self.fail_next, 0
            return {"failed": failed}
        if query.get("act") != "a_check" or query.get("key") != self.key:
            return {"failed": 2}
        ts = int(query.get("ts", "0"))
        if ts < self.floor:
            return {"failed": 1, "ts": self.floor}
        return {"ts": str(self.seq), "updates": [e for s, e in self.events if s > ts]}

    def method(self, name: str, params: dict[str, str]) -> dict[str, Any]:
        self.requests.append((name, params))
        try:
            return {"response": answer(self, name, params)}
        except VkError as error:
            said = [{"key": "method", "value": name}, {"key": "v", "value": params.get("v", "")}]
            text = ERRORS.get(error.code, "Error")
            return {"error": {"error_code": error.code, "error_msg": text, "request_params": said}}


def serve(fake: FakeVk) -> Iterator[FakeVk]:
    """Serve the fake in a thread for the duration of a test."""
    for base_url in serve_asgi(fake, "VK"):
        fake.base_url = base_url
        yield fake
