"""A fake OK (Одноклассники) REST API server (plain ASGI, served by uvicorn on 127.0.0.1).

It speaks `{api_server}fb.do` as https://apiok.ru/dev/methods describes it: parameters in the
query or a form body; `application_key`, `access_token`, `format=json` and `sig` checked —
the signature is recomputed here from the documented rule (parameters without access_token
and sig, sorted, joined as `k=v`, plus md5(access_token + application_secret_key), md5 in
lower case) and a wrong one refused with 104. Errors answer HTTP 200 with the
`invocation-error` header and `{"error_code", "error_msg", "error_data"}`
(apiok.ru/en/dev/errors). Answers as real clients read them (see app/connectors/ok.py):
group.getInfo an array of groups; discussions.getList `{discussions, anchor, has_more}` with
`object_id, object_type, title, message, new_comments_count, ref_objects`;
discussions.getComments `{comments, anchor, has_more}` with `id, author_id, author_name,
text, date, date_ms, type` (`author_type: "GROUP"` when the group writes), paged back from
`anchor=LAST`.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from tests.integration.connectors.fake_http import query, read_body, send_json

GROUP_ID = "70000001234567"
GROUP_NAME = "Администрация города Пензы"
APP_KEY = "CBAFJIICABABABABA"
APP_SECRET = "0123456789ABCDEF0123456789ABCDEF"
ACCESS_TOKEN = "-s-84W-s3egarWUsbkq-IWTucuedzTKT8VUXIA.s4Xx8IW7"
ERRORS = {
    3: "METHOD : Method does not exist",
    10: "PERMISSION_DENIED : Permission denied",
    101: "PARAM_API_KEY : Application key is invalid",
    102: "PARAM_SESSION_EXPIRED : Session expired",
    104: "PARAM_SIGNATURE : Invalid signature",
}


@dataclass
class Topic:
    object_id: str
    title: str
    comments: list[dict[str, Any]] = field(default_factory=list)
    activity_ms: int = 0


@dataclass
class FakeOk:
    """The server's state; tests add topics and comments and read the calls."""

    access_token: str = ACCESS_TOKEN
    topics: dict[str, Topic] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    refuse_with: int | None = None  # an error code every call gets
    clock_ms: int = field(default_factory=lambda: int(time.time() * 1000) - 3_600_000)
    base_url: str = ""

    @property
    def token(self) -> str:
        """The token as Otklik stores it: access token, application key and secret."""
        return f"{ACCESS_TOKEN}:{APP_KEY}:{APP_SECRET}"

    def add_topic(self, object_id: str, title: str) -> Topic:
        self.topics[object_id] = Topic(object_id, title, activity_ms=self.tick())
        return self.topics[object_id]

    def tick(self) -> int:
        self.clock_ms += 1000
        return self.clock_ms

    def comment(
        self, topic_id: str, comment_id: str, text: str, *, user: str = "574738291", by_group=False
    ) -> dict[str, Any]:
        """A new comment on a topic, by a citizen or (`by_group`) by the group itself."""
        ms = self.tick()
        moscow = datetime.fromtimestamp(ms / 1000, UTC) + timedelta(hours=3)
        comment: dict[str, Any] = {
            "id": comment_id,
            "text": text,
            "date": moscow.strftime("%Y-%m-%d %H:%M:%S"),
            "date_ms": ms,
            "type": "ACTIVE_MESSAGE",
            "like_count": 0,
            "liked_it": False,
        }
        if by_group:
            comment |= {"author_id": GROUP_ID, "author_name": GROUP_NAME, "author_type": "GROUP"}
        else:
            comment |= {"author_id": user, "author_name": "Анна Смирнова"}
        topic = self.topics[topic_id]
        topic.comments.append(comment)
        topic.activity_ms = ms
        return comment

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        params = query(scope) | dict(parse_qsl(body.decode()))
        self.requests.append(params)
        answer = self.answer(scope["path"], params)
        extra = {}
        if isinstance(answer, dict) and "error_code" in answer:
            extra = {"invocation-error": str(answer["error_code"])}
        await send_json(send, 200, answer, extra)

    def answer(self, path: str, params: dict[str, str]) -> Any:
        if path != "/fb.do":
            return _error(3)
        if params.get("application_key") != APP_KEY:
            return _error(101)
        if params.get("access_token") != self.access_token:
            return _error(102)
        if params.get("sig") != expected_sig(params):
            return _error(104)
        if self.refuse_with is not None:
            return _error(self.refuse_with)
        method = params.get("method")
        if method == "group.getInfo":
            uids = params.get("uids", "").split(",")
            return [{"uid": GROUP_ID, "name": GROUP_NAME}] if GROUP_ID in uids else []
        if method == "discussions.getList":
            return self.discussions(int(params.get("count", 10)))
        if method == "discussions.getComments":
            return self.comments(params)
        return _error(3)

    def discussions(self, count: int) -> dict[str, Any]:
        ordered = sorted(self.topics.values(), key=lambda t: -t.activity_ms)[:count]
        return {
            "discussions": [
                {
                    "object_id": t.object_id,
                    "object_type": "GROUP_TOPIC",
                    "title": t.title,
                    "message": t.title,
                    "new_comments_count": len(t.comments),
                    "total_comments_count": len(t.comments),
                    "owner_uid": "163873406852",
                    "ref_objects": [{"id": GROUP_ID, "type": "GROUP"}],
                }
                for t in ordered
            ],
            "anchor": "discussions-anchor",
            "has_more": False,
        }

    def comments(self, params: dict[str, str]) -> dict[str, Any]:
        topic = self.topics[params["discussionId"]]
        count = int(params.get("count", 20))
        anchor = params.get("anchor", "LAST")
        end = len(topic.comments) if anchor == "LAST" else int(anchor)
        start = max(0, end - count)
        return {
            "comments": topic.comments[start:end],
            "anchor": str(start),
            "has_more": start > 0,
            "discussionId": topic.object_id,
            "discussionType": params.get("discussionType"),
        }


def expected_sig(params: dict[str, str]) -> str:
    """The signature the real API expects (its own computation, independent of Otklik's)."""
    session = (params.get("access_token", "") + APP_SECRET).encode()
    secret = hashlib.md5(session, usedforsecurity=False).hexdigest()
    pairs = sorted((k, v) for k, v in params.items() if k not in ("sig", "access_token"))
    signed = ("".join(f"{k}={v}" for k, v in pairs) + secret).encode()
    return hashlib.md5(signed, usedforsecurity=False).hexdigest()


def _error(code: int) -> dict[str, Any]:
    return {"error_code": code, "error_msg": ERRORS.get(code, "UNKNOWN"), "error_data": None}
