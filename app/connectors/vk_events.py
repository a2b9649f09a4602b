"""VK events → what intake takes (no I/O here).

Bots Long Poll and the Callback API deliver the same event objects, `{"type", "object",
"group_id", "event_id", "v"}` (https://dev.vk.com/ru/api/community-events/json-schema),
so one parser serves both: `parse_event` picks the citizens' items out of an event, and
`incoming` turns one into an `Incoming` once the connector has looked up the author's
name and the post being commented on.

External ids (the intake idempotency key, and the `thread` a reply is posted into):
a wall comment `<owner_id>_<post_id>_<comment_id>` (owner_id negative: the community's
wall), a wall post `<owner_id>_<post_id>`, a direct message `dm:<peer_id>:<conversation
message id>`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.connectors.base import (
    ConnectedAccount,
    ConnectorError,
    Incoming,
    ItemKind,
    ThreadContext,
)

NETWORK = "vk"
WEB = "https://vk.com"
CHAT_PEER_START = 2_000_000_000  # peer ids from here on are group chats, not a person
POST_TYPES = {"post", "suggest"}  # a post by a citizen, or one suggested to the community
MAX_ATTACHMENTS = 20  # app.domain.intake.MAX_ATTACHMENTS
MAX_URL = 1000
MAX_TEXT = 20_000
MAX_NAME = 300


@dataclass(frozen=True)
class Item:
    """A citizen's item found in an event, before names and context are looked up."""

    kind: ItemKind
    external_id: str
    url: str = ""
    text: str = ""
    from_id: int = 0
    date: int = 0
    attachments: tuple[dict[str, str], ...] = ()
    thread_key: str = ""
    post: tuple[int, int] | None = None  # (owner_id, post_id) a comment belongs to
    comment_id: int = 0


def post_url(owner_id: int, post_id: int) -> str:
    """A wall post: https://vk.com/wall-123_45."""
    return f"{WEB}/wall{owner_id}_{post_id}"


def comment_url(owner_id: int, post_id: int, comment_id: int, thread_id: int = 0) -> str:
    """A comment as VK links it: the post with `reply=<comment>`, and `thread=<top comment>`
    when the comment is a reply inside another comment's thread."""
    url = f"{post_url(owner_id, post_id)}?reply={comment_id}"
    return f"{url}&thread={thread_id}" if thread_id and thread_id != comment_id else url


def conversation_url(group_id: int, peer_id: int) -> str:
    """The conversation in the community's messages (opens for the community's admins)."""
    return f"{WEB}/gim{group_id}?sel={peer_id}"


def author_url(from_id: int) -> str:
    if from_id > 0:
        return f"{WEB}/id{from_id}"
    return f"{WEB}/club{-from_id}" if from_id < 0 else ""


def random_id(key: str) -> int:
    """A stable positive 31-bit `random_id` for messages.send from the caller's idempotency
    key: VK refuses to send twice with the same one (0 would switch the check off)."""
    value = int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") & 0x7FFFFFFF
    return value or 1


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def photos(attachments: Any) -> tuple[dict[str, str], ...]:
    """Photo attachments as intake takes them: the largest size's URL of each photo."""
    found: list[dict[str, str]] = []
    for attachment in attachments if isinstance(attachments, list) else []:
        if not isinstance(attachment, dict) or attachment.get("type") != "photo":
            continue
        sizes = (attachment.get("photo") or {}).get("sizes") or []
        sized = [s for s in sizes if isinstance(s, dict) and (s.get("url") or s.get("src"))]
        if not sized:
            continue
        largest = max(sized, key=lambda s: _int(s.get("width")) * _int(s.get("height")))
        url = str(largest.get("url") or largest.get("src"))
        if url.startswith(("https://", "http://")) and len(url) <= MAX_URL:
            found.append({"url": url, "kind": "photo"})
    return tuple(found[:MAX_ATTACHMENTS])


def parse_event(event: dict[str, Any], group_id: int) -> Item | None:
    """The citizen's item an event carries, or None (the community's own words, an empty
    text, a chat, an event type we do not take)."""
    kind = event.get("type")
    obj = event.get("object")
    if not isinstance(obj, dict):
        return None
    if kind in ("wall_reply_new", "wall_reply_edit"):
        return _comment(obj, group_id, "edit" if kind == "wall_reply_edit" else "message")
    if kind == "wall_reply_delete":
        owner = _int(obj.get("owner_id")) or -group_id
        post_id, comment_id = _int(obj.get("post_id")), _int(obj.get("id"))
        return Item("delete", f"{owner}_{post_id}_{comment_id}") if comment_id else None
    if kind == "wall_post_new":
        return _post(obj, group_id)
    if kind == "message_new":
        return _direct(obj, group_id)
    return None


def _comment(obj: dict[str, Any], group_id: int, kind: ItemKind) -> Item | None:
    from_id = _int(obj.get("from_id"))
    text = str(obj.get("text") or "").strip()
    if from_id == -group_id or not text or obj.get("deleted"):
        return None
    owner = _int(obj.get("post_owner_id")) or _int(obj.get("owner_id")) or -group_id
    post_id, comment_id = _int(obj.get("post_id")), _int(obj.get("id"))
    if not post_id or not comment_id:
        return None
    stack = obj.get("parents_stack") or []
    thread_id = _int(stack[0]) if isinstance(stack, list) and stack else 0
    return Item(
        kind,
        f"{owner}_{post_id}_{comment_id}",
        comment_url(owner, post_id, comment_id, thread_id),
        text,
        from_id,
        _int(obj.get("date")),
        photos(obj.get("attachments")),
        f"{owner}_{post_id}",
        (owner, post_id),
        comment_id,
    )


def _post(obj: dict[str, Any], group_id: int) -> Item | None:
    from_id = _int(obj.get("from_id"))
    text = str(obj.get("text") or "").strip()
    if obj.get("post_type", "post") not in POST_TYPES or from_id == -group_id or not text:
        return None
    owner, post_id = _int(obj.get("owner_id")) or -group_id, _int(obj.get("id"))
    if not post_id:
        return None
    return Item(
        "message",
        f"{owner}_{post_id}",
        post_url(owner, post_id),
        text,
        from_id,
        _int(obj.get("date")),
        photos(obj.get("attachments")),
        f"{owner}_{post_id}",
    )


def _direct(obj: dict[str, Any], group_id: int) -> Item | None:
    # Since API 5.103 the message sits in object.message (with client_info next to it).
    inner = obj.get("message")
    message: dict[str, Any] = inner if isinstance(inner, dict) else obj
    peer_id, from_id = _int(message.get("peer_id")), _int(message.get("from_id"))
    text = str(message.get("text") or "").strip()
    if message.get("out") or not text or peer_id <= 0 or peer_id >= CHAT_PEER_START:
        return None
    number = _int(message.get("conversation_message_id")) or _int(message.get("id"))
    if not number:
        return None
    return Item(
        "message",
        f"dm:{peer_id}:{number}",
        conversation_url(group_id, peer_id),
        text,
        from_id,
        _int(message.get("date")),
        photos(message.get("attachments")),
        f"dm:{peer_id}",
    )


def user_name(user: dict[str, Any]) -> str:
    """users.get's first and last name."""
    return " ".join(str(user[p]) for p in ("first_name", "last_name") if user.get(p))


@dataclass(frozen=True)
class PostContext:
    """The post a comment belongs to and the thread's earlier comments, as VK returned them."""

    text: str = ""
    comments: tuple[tuple[int, int, str], ...] = ()  # (comment id, from id, text), newest first


def incoming(
    item: Item,
    cursor_after: str,
    names: dict[int, str],
    context: dict[tuple[int, int], PostContext],
) -> Incoming:
    """The Incoming of an item, with the author's name and the thread as far as known."""
    if item.kind == "delete":
        raw: dict[str, Any] = {"network": NETWORK, "external_id": item.external_id}
        return Incoming(raw=raw, cursor_after=cursor_after, kind="delete")
    raw = {
        "network": NETWORK,
        "external_id": item.external_id,
        "url": item.url,
        "text": item.text[:MAX_TEXT],
        "author_name": names.get(item.from_id, "")[:MAX_NAME],
        "author_url": author_url(item.from_id),
        "author_external_id": str(item.from_id) if item.from_id else "",
    }
    if item.date:
        raw["posted_at"] = datetime.fromtimestamp(item.date, UTC).isoformat()
    if item.attachments:
        raw["attachments"] = [dict(a) for a in item.attachments]
    thread = ThreadContext(key=item.thread_key)
    if item.post is not None:
        known = context.get(item.post, PostContext())
        earlier = [
            (names.get(from_id, ""), text)
            for comment_id, from_id, text in reversed(known.comments)
            if comment_id < item.comment_id and text
        ]
        thread = ThreadContext(item.thread_key, known.text, post_url(*item.post), tuple(earlier))
    return Incoming(raw=raw, cursor_after=cursor_after, kind=item.kind, thread=thread)


@dataclass(frozen=True)
class Target:
    """Where a reply goes, from the citizen's item's external id (see the module doc)."""

    owner_id: int = 0
    post_id: int = 0
    comment_id: int = 0
    peer_id: int = 0


def target(thread: str) -> Target:
    """Parse the thread a reply is posted into; ConnectorError if it names nothing."""
    if thread.startswith("dm:"):
        parts = thread.split(":")
        if len(parts) == 3 and parts[1].isdigit() and 0 < int(parts[1]) < CHAT_PEER_START:
            return Target(peer_id=int(parts[1]))
    else:
        parts = thread.split("_")
        if len(parts) in (2, 3) and all(p.lstrip("-").isdigit() for p in parts):
            numbers = [int(p) for p in parts]
            return Target(numbers[0], numbers[1], numbers[2] if len(numbers) == 3 else 0)
    raise ConnectorError(f"Не понятно, куда во ВКонтакте отвечать: {thread[:200]}")


def group_id_of(account: ConnectedAccount) -> int:
    """The community's id: the account's external id, a positive number."""
    value = account.external_id.strip()
    if not value.isdigit() or int(value) <= 0:
        raise ConnectorError(
            "Укажите id сообщества ВКонтакте — положительное число (например 123456), "
            f"без минуса и без букв; указано: «{value[:50]}»."
        )
    return int(value)


RATE_LIMITED = {6, 9, 29}


def refusal_ru(code: int, message: str) -> str:
    """VK's error (https://dev.vk.com/ru/reference/errors) as the people who act on it read it."""
    said = "ВКонтакте ответил:"
    if code == 5:
        return f"{said} токен сообщества не принят — проверьте токен."
    if code in (7, 15):
        return f"{said} доступ запрещён — проверьте права токена (стена, сообщения)."
    if code in RATE_LIMITED:
        return f"{said} слишком много запросов — повторим позже."
    texts = {
        10: "внутренняя ошибка ВКонтакте — повторим позже",
        18: "страница пользователя удалена или заблокирована",
        27: "метод недоступен с ключом сообщества — нужен сервисный ключ приложения",
        100: f"неверный параметр запроса ({message[:200]})",
        203: "доступ к сообществу запрещён",
        212: "комментарии к записи недоступны",
        213: "комментарии к записи закрыты",
        222: "ссылки в комментариях запрещены",
        223: "слишком много ответов в обсуждении — повторим позже",
        901: "пользователь не разрешил сообществу писать ему",
        902: "пользователь закрыл личные сообщения настройками приватности",
        914: "сообщение слишком длинное",
    }
    if code in texts:
        return f"{said} {texts[code]}."
    return f"ВКонтакте ответил ошибкой {code}: {message[:300]}".strip()
