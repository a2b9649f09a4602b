"""Одноклассники (OK REST API): comments on the group's topics, by periodic polling.

Every pass lists the discussions (`discussions.getList`, category GROUP, type GROUP_TOPIC) and
reads the comments (`discussions.getComments`, newest first, paging back to the cursor) of
the group's recently active topics and of those with new comments. The connected account's
id is the group id (`uid`); the token is one string
"ACCESS_TOKEN:APPLICATION_KEY:APPLICATION_SECRET" — the group administrator's access token
(LONG_ACCESS_TOKEN: 30 days, extended by use) and the application's public and secret keys,
because every call is signed.

Sources of the shapes and rules:
- https://apiok.ru/dev/methods — `{api_server}fb.do?method=…`, common parameters
  (application_key, access_token, format=json, sig) and the signature: parameters without
  access_token sorted and joined as `k=v`, plus session_secret_key = md5(access_token +
  application_secret_key) in lower case, md5 of it all in lower case;
- https://apiok.ru/en/dev/errors — the error codes (`{"error_code", "error_msg"}`);
- github.com/apiok/documentation (docs/method/ru/discussions/*.md: discussions.getList
  types/category/count/fields, discussions.getComments discussionId/discussionType/anchor
  FIRST|LAST|UNREAD/direction/count/fields);
- response fields as real clients read them: github.com/oland-dmd/Odnoklassniki (2026,
  integration-tested: group.getInfo returns an array of groups; discussions.getList
  `{anchor, discussions: [{object_id, object_type, title, new_comments_count,
  ref_objects: [{id, type}]}]}`; discussions.getComments `{comments: [{id, author_id,
  author_name, author_ref, text, date_ms, type, reply_to_comment_id}], anchor, has_more}`) and
  github.com/ramusus/django-odnoklassniki-discussions (a comment by a group carries
  `author_type: "GROUP"`; `date` "YYYY-MM-DD HH:MM:SS").

Publishing: OK's current method reference documents no way for an application to post a
group's reply under a topic (the 2017 method list had discussions.addDiscussionComment with
`as_admin`, without a documented answer or availability), so `publish` refuses in Russian
and the publisher places the answer by hand and gives its link. Edits and deletions of
comments are not reported by polling: only new comments come in.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx

from app.connectors import limits
from app.connectors.base import ConnectedAccount, ConnectorError, Fetched, Incoming, ThreadContext
from app.connectors.runtime import http

API_BASE = "https://api.ok.ru"
TOPIC_TYPE = "GROUP_TOPIC"
DISCUSSION_FIELDS = (
    "discussion.OBJECT_TYPE,discussion.OBJECT_ID,discussion.NEW_COMMENTS_COUNT,"
    "discussion.TITLE,group.UID"
)
COMMENT_FIELDS = (
    "comment.AUTHOR_ID,comment.AUTHOR_NAME,comment.AUTHOR_REF,comment.REPLY_TO_ID,"
    "comment.REPLY_TO_NAME,comment.REPLY_TO_COMMENT_ID,comment.DATE,comment.ID,"
    "comment.TEXT,comment.TYPE"
)
LISTED_TOPICS = 30  # discussions asked for per pass
RECENT_TOPICS = 10  # the most recently active topics are read every pass
PAGE_SIZE = 100
MAX_PAGES = 5  # per topic and pass: a backlog larger than this comes on the next passes
EARLIER_COMMENTS = 5
HTTP_TIMEOUT_SECONDS = 15.0
MOSCOW = timezone(timedelta(hours=3))  # OK's `date` strings carry no zone
CURSOR_ID_LIMIT = 150  # the cursor column holds 200 characters
CREDENTIALS_FORMAT_RU = (
    "Токен Одноклассников задаётся одной строкой «ACCESS_TOKEN:APPLICATION_KEY:"
    "APPLICATION_SECRET»: токен администратора группы, публичный и секретный ключи "
    "приложения через двоеточие."
)
NO_PUBLISH_RU = (
    "Одноклассники не дают ответить через API: разместите ответ вручную и укажите ссылку."
)


@dataclass(frozen=True)
class Credentials:
    access_token: str
    application_key: str
    application_secret: str


def credentials(token: str) -> Credentials:
    """The three parts of the stored token, or a Russian error naming the format."""
    parts = [part.strip() for part in token.split(":")]
    if len(parts) != 3 or not all(parts):
        raise ConnectorError(CREDENTIALS_FORMAT_RU)
    return Credentials(*parts)


def signature(params: dict[str, str], creds: Credentials) -> str:
    """`sig` of a call in a session (apiok.ru/dev/methods, «Расчет подписи запроса»)."""
    session = (creds.access_token + creds.application_secret).encode()
    secret = hashlib.md5(session, usedforsecurity=False).hexdigest()
    signed = "".join(
        f"{key}={params[key]}" for key in sorted(params) if key not in ("access_token", "sig")
    )
    return hashlib.md5((signed + secret.lower()).encode(), usedforsecurity=False).hexdigest()


class OkConnector:
    """The Odnoklassniki connector (no state: every call gets the account)."""

    network = "ok"
    default_api_base = API_BASE
    publishes = False  # no documented way to post the group's reply: «Разместить» by hand

    async def _call(self, account: ConnectedAccount, method: str, extra: dict[str, str]) -> Any:
        creds = credentials(account.token)
        params = {
            "method": method,
            "application_key": creds.application_key,
            "format": "json",
            **extra,
        }
        params["sig"] = signature(params, creds)
        params["access_token"] = creds.access_token
        base = (account.api_base or API_BASE).rstrip("/")
        await limits.acquire_for(account, "call")  # OK is read only (replies are manual)
        try:  # POST keeps the token out of URLs (and proxy logs)
            response = await http.client(str(account.id)).post(
                f"{base}/fb.do", data=params, timeout=HTTP_TIMEOUT_SECONDS
            )
            body = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ConnectorError(
                f"Одноклассники недоступны ({type(error).__name__}): проверьте сеть и адрес API."
            ) from error
        if isinstance(body, dict) and "error_code" in body:
            code = body.get("error_code")
            raise ConnectorError(
                refusal_ru(body),
                retry_after=RATE_LIMIT_WAIT_SECONDS if code in (8, 11) else None,
                auth_failed=code in (102, 103),  # session expired / invalid: a new token
            )
        if response.status_code != 200:
            raise ConnectorError(f"Одноклассники временно недоступны ({response.status_code}).")
        return body

    async def check(self, account: ConnectedAccount) -> str:
        """The group's name (`group.getInfo`)."""
        answer = await self._call(
            account, "group.getInfo", {"uids": account.external_id, "fields": "uid,name"}
        )
        groups = answer.get("groups") if isinstance(answer, dict) else answer
        for group in groups or []:
            if isinstance(group, dict) and str(group.get("uid")) == account.external_id:
                return str(group.get("name") or "")
        raise ConnectorError(
            f"Одноклассники не нашли группу {account.external_id[:50]}: проверьте id группы."
        )

    async def fetch(
        self, account: ConnectedAccount, cursor: str, wait_seconds: int | None = None
    ) -> Fetched:
        """New comments on the group's topics since the cursor (the newest comment seen:
        its time and id), oldest first, each item carrying the cursor up to itself. OK has no
        long poll: `wait_seconds` is ignored (the worker's loop polls it periodically)."""
        since = _read_cursor(cursor)
        newest = since
        found: list[tuple[tuple[int, str], Incoming]] = []
        for topic in await self._topics(account):
            comments = sorted(await self._comments(account, topic, since[0]), key=_comment_key)
            for index, comment in enumerate(comments):
                key = _comment_key(comment)
                if key <= since:
                    continue
                newest = max(newest, key)
                if _by_group(comment, account.external_id):
                    continue  # the group's own answer
                earlier = tuple(
                    (str(c.get("author_name") or ""), str(c.get("text") or ""))
                    for c in comments[max(0, index - EARLIER_COMMENTS) : index]
                )
                raw = _raw(account.external_id, topic, comment)
                thread = ThreadContext(
                    key=str(topic["object_id"]),
                    parent_text=str(topic.get("title") or topic.get("message") or ""),
                    parent_url=raw["url"],
                    earlier=earlier,
                )
                found.append((key, Incoming(raw, _dump_cursor(key), thread=thread)))
        found.sort(key=lambda pair: pair[0])
        return Fetched(
            items=[item for _, item in found],
            cursor=_dump_cursor(newest) if newest > since else cursor,
        )

    async def _topics(self, account: ConnectedAccount) -> list[dict[str, Any]]:
        """The group's topics to read: the recently active ones and those with new comments."""
        answer = await self._call(
            account,
            "discussions.getList",
            {
                "category": "GROUP",
                "types": TOPIC_TYPE,
                "count": str(LISTED_TOPICS),
                "fields": DISCUSSION_FIELDS,
            },
        )
        topics = [
            d
            for d in (answer.get("discussions") if isinstance(answer, dict) else None) or []
            if isinstance(d, dict) and d.get("object_id") and _in_group(d, account.external_id)
        ]
        return [
            topic
            for index, topic in enumerate(topics)
            if index < RECENT_TOPICS or int(topic.get("new_comments_count") or 0) > 0
        ]

    async def _comments(
        self, account: ConnectedAccount, topic: dict[str, Any], since_ms: int
    ) -> list[dict[str, Any]]:
        """A topic's comments from the newest back to the cursor's time (bounded)."""
        found: list[dict[str, Any]] = []
        anchor = "LAST"
        for _ in range(MAX_PAGES):
            page = await self._call(
                account,
                "discussions.getComments",
                {
                    "discussionId": str(topic["object_id"]),
                    "discussionType": str(topic.get("object_type") or TOPIC_TYPE),
                    "anchor": anchor,
                    "direction": "BACKWARD",
                    "count": str(PAGE_SIZE),
                    "fields": COMMENT_FIELDS,
                },
            )
            comments = [c for c in page.get("comments") or [] if isinstance(c, dict)]
            found.extend(c for c in comments if c.get("id") and c.get("text"))
            if not comments or not page.get("has_more") or not page.get("anchor"):
                break
            if min(_comment_key(c)[0] for c in comments) < since_ms:
                break
            anchor = str(page["anchor"])
        return found

    async def publish(
        self, account: ConnectedAccount, thread: str, text: str, key: str
    ) -> tuple[str, str]:
        """OK offers no documented way to post the group's reply: placed by hand."""
        raise ConnectorError(NO_PUBLISH_RU)


def _in_group(discussion: dict[str, Any], group_id: str) -> bool:
    if discussion.get("object_type") != TOPIC_TYPE:
        return False
    return any(
        isinstance(ref, dict) and ref.get("type") == "GROUP" and str(ref.get("id")) == group_id
        for ref in discussion.get("ref_objects") or []
    )


def _by_group(comment: dict[str, Any], group_id: str) -> bool:
    if comment.get("author_ref") == f"group:{group_id}":
        return True
    return comment.get("author_type") == "GROUP" and str(comment.get("author_id")) == group_id


def _comment_ms(comment: dict[str, Any]) -> int:
    if isinstance(comment.get("date_ms"), int):
        return int(comment["date_ms"])
    try:
        moment = datetime.strptime(str(comment.get("date")), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return 0
    return int(moment.replace(tzinfo=MOSCOW).timestamp() * 1000)


def _comment_key(comment: dict[str, Any]) -> tuple[int, str]:
    return _comment_ms(comment), str(comment.get("id") or "")


def _raw(group_id: str, topic: dict[str, Any], comment: dict[str, Any]) -> dict[str, Any]:
    author_id = str(comment.get("author_id") or "")
    kind = str(topic.get("object_type") or TOPIC_TYPE)
    return {
        "network": "ok",
        "external_id": f"{kind}:{topic['object_id']}:{comment['id']}",
        "url": f"https://ok.ru/group/{group_id}/topic/{topic['object_id']}",
        "text": str(comment["text"]),
        "author_name": str(comment.get("author_name") or ""),
        "author_url": f"https://ok.ru/profile/{author_id}" if author_id.isdigit() else "",
        "author_external_id": author_id,
        "posted_at": datetime.fromtimestamp(_comment_ms(comment) / 1000, UTC).isoformat(),
    }


def _read_cursor(cursor: str) -> tuple[int, str]:
    try:
        state = json.loads(cursor) if cursor else {}
        return int(state.get("ms", 0)), str(state.get("id", ""))
    except (ValueError, TypeError, AttributeError):
        return 0, ""  # an unreadable cursor: read what the network offers (intake dedupes)


def _dump_cursor(key: tuple[int, str]) -> str:
    ms, comment_id = key
    if len(comment_id) > CURSOR_ID_LIMIT:  # too long to keep: re-read that millisecond
        ms, comment_id = ms - 1, ""
    return json.dumps({"ms": ms, "id": comment_id}, separators=(",", ":"))


# OK's 8 (too many requests) and 11 (method limit): wait a minute before the next call.
RATE_LIMIT_WAIT_SECONDS = 60.0


def refusal_ru(body: dict[str, Any]) -> str:
    """OK's `{"error_code", "error_msg"}` in Russian (codes: apiok.ru/en/dev/errors)."""
    code = body.get("error_code")
    detail = str(body.get("error_msg") or "")[:200]
    if code in (102, 103):
        return (
            f"Одноклассники ответили: токен не принят ({code}) — получите новый токен "
            "администратора группы и подключите группу заново."
        )
    if code == 101:
        return "Одноклассники ответили: ключ приложения не принят (101) — проверьте публичный ключ."
    if code == 104:
        return (
            "Одноклассники ответили: подпись запроса не принята (104) — проверьте секретный "
            "ключ приложения."
        )
    if code == 10:
        return (
            "Одноклассники ответили: доступ запрещён (10) — приложению нужны права "
            "GROUP_CONTENT, VALUABLE_ACCESS и LONG_ACCESS_TOKEN."
        )
    if code == 50:
        return "Одноклассники ответили: владелец токена не администратор группы (50)."
    if code in (8, 11):
        return f"Одноклассники ответили: слишком много запросов ({code}) — повторим позже."
    if code == 2:
        return "Одноклассники временно недоступны (2) — повторим позже."
    return f"Одноклассники ответили ошибкой {code}: {detail}".strip()
