"""What the VK connector reads besides the events: authors' names, the post commented on and
the thread's earlier comments, and the backfill after lost long-poll history.

Reading the wall (`wall.getById`, `wall.get`, `wall.getComments`) is open to a user or
service key only, never to a community key (VK's schema; error 27): these calls use the VK
app's service key (`reader`) when the account has one, and are skipped otherwise. Every
look-up is best effort: a refusal leaves the item without a name or context, never loses it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from app.connectors.base import ConnectorError, Incoming
from app.connectors.vk_events import PostContext, incoming, parse_event, user_name

log = logging.getLogger("otklik.connectors.vk")

# (method, params, token; "" = the community key) → VK's `response`, or ConnectorError.
Api = Callable[[str, dict[str, Any], str], Awaitable[Any]]

AUTH_FAILED = "vk_5"
CONTEXT_POSTS = 5  # posts per pass whose earlier comments are read for the thread
CONTEXT_COMMENTS = 20
THREAD_ITEMS = 10  # replies read inside each comment's thread
BACKFILL_POSTS = 10
BACKFILL_COMMENTS = 100
BACKFILL_MARGIN = timedelta(minutes=10)  # clocks differ; re-reading is harmless


async def normalise(
    api: Api,
    group_id: int,
    pairs: list[tuple[dict[str, Any], str]],
    reader: str,
    names: dict[int, str],
) -> list[Incoming]:
    """Events (each with the cursor safe after it) → Incoming, with the authors' names
    (users.get, one call) and, given the service key, the posts commented on (wall.getById,
    one call) and the earlier comments of their threads."""
    items = [(item, c) for e, c in pairs if (item := parse_event(e, group_id)) is not None]
    posts = list(dict.fromkeys(i.post for i, _ in items if i.post and i.kind == "message"))
    context: dict[tuple[int, int], PostContext] = {}
    names = dict(names)
    if reader and posts:
        try:
            context = await _context(api, posts, reader, names)
        except ConnectorError as error:
            log.warning("VK community %s: no thread context: %s", group_id, error)
    wanted = sorted({i.from_id for i, _ in items if i.from_id > 0 and i.kind != "delete"})
    unknown = [n for n in wanted if n not in names]
    if unknown:
        try:
            users = await api("users.get", {"user_ids": ",".join(map(str, unknown))}, "")
            names |= {int(u["id"]): user_name(u) for u in users if u.get("id")}
        except ConnectorError as error:
            if error.code == AUTH_FAILED:
                raise  # the community key is revoked: the account must say so
            log.warning("VK community %s: no author names: %s", group_id, error)
    return [incoming(item, cursor, names, context) for item, cursor in items]


async def _context(
    api: Api, posts: list[tuple[int, int]], reader: str, names: dict[int, str]
) -> dict[tuple[int, int], PostContext]:
    keys = ",".join(f"{owner}_{post}" for owner, post in posts)
    got = await api("wall.getById", {"posts": keys}, reader)
    found = got.get("items", []) if isinstance(got, dict) else got
    texts = {(int(p["owner_id"]), int(p["id"])): str(p.get("text") or "") for p in found}
    context = {}
    for number, (owner, post) in enumerate(posts):
        comments: list[dict[str, Any]] = []
        if number < CONTEXT_POSTS:
            comments, authors = await comments_of(api, owner, post, CONTEXT_COMMENTS, reader)
            names |= authors
        earlier = tuple(
            (int(c["id"]), int(c.get("from_id") or 0), str(c.get("text") or "").strip())
            for c in comments
        )
        context[(owner, post)] = PostContext(texts.get((owner, post), ""), earlier)
    return context


async def comments_of(
    api: Api, owner_id: int, post_id: int, count: int, reader: str
) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """A post's newest comments with the replies in their threads, newest first, and their
    authors' names (`extended=1` brings the profiles)."""
    got = await api(
        "wall.getComments",
        {"owner_id": owner_id, "post_id": post_id, "count": count, "sort": "desc",
         "extended": 1, "thread_items_count": THREAD_ITEMS},
        reader,
    )  # fmt: skip
    comments: list[dict[str, Any]] = []
    for top in got.get("items", []):
        thread = (top.get("thread") or {}).get("items") or []
        for comment in [*reversed(thread), top]:
            comments.append(comment | {"post_id": post_id, "owner_id": owner_id})
    names = {int(p["id"]): user_name(p) for p in got.get("profiles", []) if p.get("id")}
    names |= {-int(g["id"]): str(g.get("name", "")) for g in got.get("groups", []) if g.get("id")}
    return comments, names


async def backfill(
    api: Api, account_id: int, group_id: int, reader: str, failed: int, since: datetime
) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """After lost long-poll history (`failed` 1 or 3): the comments and the posts by others
    on the community's latest posts since `since` (less a margin), as events in time order,
    and their authors' names; logs how far back it could go."""
    if not reader:
        log.warning(
            "VK account %s: long-poll history lost (failed %s); the gap cannot be backfilled "
            "without the VK app's service key (network/%s/service_token)",
            account_id, failed, account_id,
        )  # fmt: skip
        return [], {}
    start = int((since - BACKFILL_MARGIN).timestamp())
    events: list[dict[str, Any]] = []
    names: dict[int, str] = {}
    try:
        got = await api("wall.get", {"owner_id": -group_id, "count": BACKFILL_POSTS}, reader)
        posts = [p for p in got.get("items", []) if isinstance(p, dict) and p.get("id")]
        for post in posts:
            if int(post.get("date") or 0) >= start:
                events.append({"type": "wall_post_new", "object": post})
            comments, found = await comments_of(
                api, -group_id, int(post["id"]), BACKFILL_COMMENTS, reader
            )
            names |= found
            events += [
                {"type": "wall_reply_new", "object": c}
                for c in comments
                if int(c.get("date") or 0) >= start
            ]
    except ConnectorError as error:
        log.warning("VK account %s: backfill failed: %s", account_id, error)
        return [], {}
    events.sort(key=lambda e: (int(e["object"].get("date") or 0), int(e["object"]["id"])))
    oldest = min((int(p.get("date") or 0) for p in posts), default=start)
    log.warning(
        "VK account %s: long-poll history lost (failed %s); re-read %d comments and posts of "
        "the last %d posts since %s (the oldest of those posts is of %s); comments on older "
        "posts and direct messages in the gap are not recoverable",
        account_id, failed, len(events), len(posts), _iso(start), _iso(oldest),
    )  # fmt: skip
    return events, names


def _iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")
